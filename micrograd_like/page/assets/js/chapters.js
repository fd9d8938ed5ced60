// @ts-check
/* The page's chapters: a tab list (WAI-ARIA tabs: arrow keys, Home and End move between the tabs,
 * Tab goes into the chapter) and the chapter's name in the URL hash, "#chapter=descent". The page
 * opens on the chapter the hash names, else on the one marked data-default.
 *
 *   current()       the chapter shown ("descent", "backprop")
 *   show(name)      show it (and write it into the hash); false for an unknown name
 *   "mg-chapter"    the event on document after a chapter is shown, detail {chapter}
 *   startWhenShown(name, start)   a hidden chapter's work, done when it is first needed */

import { withEntries, writeAddress } from "./hashstate.js";
import { once } from "./once.js";

const KEY = "chapter";

/** @returns {HTMLElement[]} */
function tabs() {
  return Array.from(document.querySelectorAll('[role="tab"][data-chapter]'));
}

/** The chapter a hash names ("#chapter=descent&x=1" -> "descent"), or null.
 * @param {string} hash */
export function chapterInHash(hash) {
  return new URLSearchParams(hash.replace(/^#/, "")).get(KEY);
}

/** The hash with the chapter set, every other entry kept.
 * @param {string} hash @param {string} name */
export function hashWithChapter(hash, name) {
  return withEntries(hash, (key) => key === KEY, [[KEY, name]]);
}

let shown = "";

export function current() {
  return shown;
}

/** Show chapter `name`; false (nothing changes) when there is no such chapter.
 * @param {string} name @param {{focus?: boolean, hash?: boolean}} [how] */
export function show(name, how) {
  const all = tabs();
  const tab = all.find((t) => t.dataset.chapter === name);
  if (!tab) return false;
  all.forEach((t) => {
    const on = t === tab;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    const panel = document.getElementById(t.getAttribute("aria-controls") || "");
    if (panel) panel.hidden = !on;
  });
  if (how && how.focus) tab.focus();
  const changed = shown !== name;
  shown = name;
  if (!how || how.hash !== false) writeHash(name);
  if (changed) document.dispatchEvent(new CustomEvent("mg-chapter", { detail: { chapter: name } }));
  return true;
}

/** Chapter `name`'s start (its drawing, its first runs), run once: when the chapter is first shown,
 * or when the function returned is first called (its script API used while it is hidden),
 * whichever comes first. The function gives what `start` returned. A page opens on one chapter, so
 * the others cost nothing until a reader or a script asks for them.
 * @template T @param {string} name @param {() => T} start @returns {() => T} */
export function startWhenShown(name, start) {
  const started = once(start);
  document.addEventListener("mg-chapter", (event) => {
    if (/** @type {CustomEvent<{chapter: string}>} */ (event).detail.chapter === name) started();
  });
  if (shown === name) started();
  return started;
}

/** @param {string} name */
function writeHash(name) {
  if (chapterInHash(location.hash) !== name) writeAddress(hashWithChapter(location.hash, name));
}

/** Wire the tabs and open the chapter the hash names (else the default). */
export function startChapters() {
  const all = tabs();
  all.forEach((tab, i) => {
    tab.addEventListener("click", () => show(tab.dataset.chapter || ""));
    tab.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: all.length - 1 };
      const to = /** @type {Record<string, number>} */ (moves)[event.key];
      if (to === undefined) return;
      event.preventDefault();
      event.stopPropagation(); // the worked example's ← → keys step the backward pass
      show(all[(to + all.length) % all.length].dataset.chapter || "", { focus: true });
    });
  });
  const fallback = all.find((t) => t.dataset.default !== undefined) || all[0];
  const named = chapterInHash(location.hash);
  if (!named || !show(named, { hash: false })) show(fallback.dataset.chapter || "", { hash: false });
  window.addEventListener("hashchange", () => {
    const again = chapterInHash(location.hash);
    if (again && again !== shown) show(again, { hash: false });
  });
}
