// @ts-check
/* Quiz mode's judging: how close a prediction must be, and which predictions are right. */

import { parseNumber } from "./format.js";
import { edgeOf, upstreamOf } from "./graph.js";

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").Computation} Computation */

/**
 * @typedef {object} Answer
 * @property {string} to  what was asked: the gradient a contribution goes to ("dL/dz[2]"), a local
 *   derivative ("dz[2]/ds[2]"), a gradient
 * @property {string} verb  "gets" (a contribution) or "="
 * @property {string} guess  what was typed
 * @property {number} truth  the engine's contribution
 * @property {boolean} ok
 */

/** How far from the truth a prediction may be: 0.5 %, at least 0.0005.
 * @param {number} x */
export function tolerance(x) {
  return Math.max(0.005 * Math.abs(x), 0.0005);
}

export const KINDS = ["contribution", "local", "upstream", "gradient"];

/** What quiz mode asks at step s: per input its contribution (local × upstream), its local
 * derivative, or its whole gradient; or the step's upstream gradient, once.
 * @param {PageData} data
 * @param {Computation} current
 * @param {number} s
 * @param {string} kind  one of KINDS
 * @returns {Array<{label: string, to: string, truth: number}>} */
export function questions(data, current, s, kind) {
  const node = data.nodes[s];
  if (kind === "upstream")
    return [
      {
        label: "the upstream gradient " + node.grad_name,
        to: node.grad_name,
        truth: upstreamOf(current.steps[s]),
      },
    ];
  return node.parents.map((p, k) => {
    const edge = edgeOf(current.steps[s], k);
    const d = (node.edges || [])[k].d;
    if (kind === "local") return { label: "the local derivative " + d, to: d, truth: edge[0] };
    if (kind === "gradient")
      return {
        label: "the whole gradient " + data.nodes[p].grad_name,
        to: data.nodes[p].grad_name,
        truth: current.grads[p],
      };
    return {
      label: "the contribution to " + data.nodes[p].grad_name,
      to: data.nodes[p].grad_name,
      truth: edge[1],
    };
  });
}

/** The predictions for step s's questions, judged; `read` turns a guess into a number (a plain
 * number, or an expression in the page's names: check.js).
 * @param {PageData} data
 * @param {Computation} current
 * @param {number} s
 * @param {string[]} guesses
 * @param {string} [kind]
 * @param {(guess: string) => number} [read]
 * @returns {Answer[]} */
export function quizResults(data, current, s, guesses, kind, read) {
  return questions(data, current, s, kind || "contribution").map((q, k) => {
    const guess = guesses[k] || "";
    const number = (read || parseNumber)(guess);
    const ok = isFinite(number) && Math.abs(number - q.truth) <= tolerance(q.truth);
    return { to: q.to, verb: kind && kind !== "contribution" ? "=" : "gets", guess, truth: q.truth, ok };
  });
}
