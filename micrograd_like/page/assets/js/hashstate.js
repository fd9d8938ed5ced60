// @ts-check
/* The page's state in its address (location.hash), so a link opens the page at the same step:
 * the edited values, α, the step, the selection, the chapter. Pure: text in, a Map-based state out;
 * names are data (URL-encoded by URLSearchParams, read back into a Map, never as object keys). */

import { parseNumber } from "./format.js";

/**
 * @typedef {object} HashState
 * @property {Map<string, number>} values  edited leaves: name -> value
 * @property {number | null} lr
 * @property {number} step
 * @property {string | null} selected
 * @property {string | null} chapter
 * @property {string | null} quiz  the quiz's kind, when it is on
 */

/** Whether a hash entry belongs to the worked example's state (other chapters keep theirs there too).
 * @param {string} key */
export function ownsKey(key) {
  return ["chapter", "step", "lr", "sel", "quiz"].includes(key) || key.startsWith("v.");
}

/** `hash` with the entries one part of the page owns replaced by `entries`, every other part's
 * entries kept as they were: the worked example, the chapter tabs and the Training chapter each
 * keep their own state in the one address.
 * @param {string} hash @param {(key: string) => boolean} owns @param {Array<[string, string]>} entries */
export function withEntries(hash, owns, entries) {
  const params = new URLSearchParams();
  new URLSearchParams(hash.replace(/^#/, "")).forEach((text, key) => {
    if (!owns(key)) params.append(key, text);
  });
  entries.forEach(([key, text]) => params.append(key, text));
  const text = params.toString();
  return text ? "#" + text : "";
}

/** Show `hash` in the address bar without a new history entry (or no hash at all for "").
 * @param {string} hash */
export function writeAddress(hash) {
  try {
    window.history.replaceState(null, "", hash || location.pathname + location.search);
  } catch {
    // a page shown from srcdoc (a notebook's frame) has no address of its own to write to
  }
}

/** The hash for a state: "#step=3&lr=0.05&sel=w%5B2%5D12&v.w%5B2%5D12=0.3"; the entries of `keep`
 * (the current hash) that other chapters own (the training settings, "t.*") stay as they were.
 * @param {HashState} s @param {string} [keep] */
export function encodeHash(s, keep = "") {
  /** @type {Array<[string, string]>} */
  const entries = [];
  if (s.chapter) entries.push(["chapter", s.chapter]);
  if (s.step) entries.push(["step", String(s.step)]);
  if (s.lr !== null) entries.push(["lr", String(s.lr)]);
  if (s.selected !== null) entries.push(["sel", s.selected]);
  if (s.quiz !== null) entries.push(["quiz", s.quiz]);
  s.values.forEach((x, name) => entries.push(["v." + name, String(x)]));
  return withEntries(keep, ownsKey, entries);
}

/** The state a hash describes; what it cannot read is left out and said in `problems`.
 * @param {string} hash
 * @returns {HashState & {problems: string[]}} */
export function decodeHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  /** @type {HashState & {problems: string[]}} */
  const s = { values: new Map(), lr: null, step: 0, selected: null, chapter: null, quiz: null, problems: [] };
  params.forEach((text, key) => {
    if (key.startsWith("v.")) {
      const x = parseNumber(text);
      if (isFinite(x)) s.values.set(key.slice(2), x);
      else s.problems.push(key.slice(2) + " needs a finite number, got " + JSON.stringify(text));
    } else if (key === "lr") {
      const x = parseNumber(text);
      if (isFinite(x) && x > 0) s.lr = x;
      else s.problems.push("α must be a number > 0, got " + JSON.stringify(text));
    } else if (key === "step") {
      const n = parseNumber(text);
      if (Number.isInteger(n) && n >= 0) s.step = n;
      else s.problems.push("step must be a whole number ≥ 0, got " + JSON.stringify(text));
    } else if (key === "sel") s.selected = text;
    else if (key === "chapter") s.chapter = text;
    else if (key === "quiz") s.quiz = text;
  });
  return s;
}
