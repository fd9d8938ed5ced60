// @ts-check
/* What the gradient-descent and quiz panels say, as markup (markup.js): pure, from the numbers. */

import { h } from "./markup.js";
import { tolerance } from "./quiz.js";

/** @typedef {import("./markup.js").VNode} VNode */
/** @typedef {import("./narrative.js").Telling} Telling */
/** @typedef {import("./quiz.js").Answer} Answer */

/** The gradient-descent panel: what Apply update does, or what the last update did.
 * @param {Telling} t
 * @param {{before: number, after: number, lines: string[]} | null} last
 * @param {boolean} hasParameters
 * @returns {VNode[]} */
export function updateStory(t, last, hasParameters) {
  const root = t.data.root;
  if (!hasParameters) return [h("p", {}, ["This graph has no parameters to update."])];
  if (!last) {
    return [
      h("p", {}, [
        "Apply update does w ← w − α·" +
          t.data.constants.grad_of_w +
          " for every parameter, then runs the forward and backward passes again. " +
          root +
          " now: " +
          t.text(t.current.values[0]) +
          ".",
      ]),
    ];
  }
  const { before, after, lines } = last;
  const verdict =
    after < before
      ? "lower: the step went downhill"
      : after > before
        ? "higher: this step overshot (try a smaller α)"
        : "unchanged";
  return [
    h("p", {}, [
      h("strong", {}, [root + " before: " + t.text(before) + " → after: " + t.text(after)]),
      " (" + verdict + ")",
    ]),
    h("details", {}, [
      h("summary", {}, ["the " + lines.length + " updates"]),
      ...lines.map((line) => h("div", { class: "mg-mono" }, [line])),
    ]),
  ];
}

/** Quiz mode's question box: one input per question.
 * @param {Telling} t
 * @param {Array<{label: string, truth: number}>} asked
 * @param {string} kind
 * @returns {VNode[]} */
export function quizQuestions(t, asked, kind) {
  return [
    h("p", { class: "mg-quiz-head" }, [
      kind === "contribution"
        ? "Your turn: what does this step pass to each input? (local × upstream)"
        : "Your turn (a number, or an expression in the page's names):",
    ]),
    ...asked.map((q, k) =>
      h("p", {}, [
        h("label", { for: "mg-guess-" + k }, ["prediction for " + q.label]),
        " ",
        h("input", {
          id: "mg-guess-" + k,
          type: "text",
          autocomplete: "off",
          class: "mg-guess",
          "data-k": String(k),
        }),
        h("span", { class: "mg-tol" }, [" (right within ±" + t.text(tolerance(q.truth), 2) + ")"]),
      ]),
    ),
    h("button", { id: "mg-check", type: "button" }, ["Check answer"]),
    h("span", { class: "mg-hint" }, ["  or Next step to reveal without answering"]),
  ];
}

/** Quiz mode's verdicts on the last answers, and the score.
 * @param {Telling} t
 * @param {Answer[]} last
 * @param {number} right
 * @param {number} asked
 * @returns {VNode[]} */
export function quizVerdicts(t, last, right, asked) {
  return [
    ...last.map((r) =>
      h("p", { class: r.ok ? "mg-right" : "mg-wrong" }, [
        h("strong", {}, [r.ok ? "✓ Right" : "✗ Not quite"]),
        ": the engine says " +
          r.to +
          " " +
          r.verb +
          " " +
          t.text(r.truth) +
          " (you said " +
          (r.guess === "" ? "nothing" : r.guess) +
          ", tolerance ±" +
          t.text(tolerance(r.truth), 2) +
          ").",
      ]),
    ),
    h("p", { class: "mg-score" }, ["Score: " + right + " right of " + asked + "."]),
  ];
}
