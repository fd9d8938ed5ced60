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

/** The hash for a state: "#step=3&lr=0.05&sel=w%5B2%5D12&v.w%5B2%5D12=0.3"; the entries of `keep`
 * (the current hash) that other chapters own (the training settings, "t.*") stay as they were.
 * @param {HashState} s @param {string} [keep] */
export function encodeHash(s, keep = "") {
  const params = new URLSearchParams();
  new URLSearchParams(keep.replace(/^#/, "")).forEach((text, key) => {
    if (!ownsKey(key)) params.append(key, text);
  });
  if (s.chapter) params.set("chapter", s.chapter);
  if (s.step) params.set("step", String(s.step));
  if (s.lr !== null) params.set("lr", String(s.lr));
  if (s.selected !== null) params.set("sel", s.selected);
  if (s.quiz !== null) params.set("quiz", s.quiz);
  s.values.forEach((x, name) => params.append("v." + name, String(x)));
  const text = params.toString();
  return text ? "#" + text : "";
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
