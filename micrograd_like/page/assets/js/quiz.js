// @ts-check
/* Quiz mode's judging: how close a prediction must be, and which predictions are right. */

import { parseNumber } from "./format.js";
import { edgeOf } from "./graph.js";

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").Computation} Computation */

/**
 * @typedef {object} Answer
 * @property {string} to  the gradient the contribution goes to: "dL/dz[2]"
 * @property {string} guess  what was typed
 * @property {number} truth  the engine's contribution
 * @property {boolean} ok
 */

/** How far from the truth a prediction may be: 0.5 %, at least 0.0005.
 * @param {number} x */
export function tolerance(x) {
  return Math.max(0.005 * Math.abs(x), 0.0005);
}

/** The predictions for step s's contributions (one per input), judged.
 * @param {PageData} data
 * @param {Computation} current
 * @param {number} s
 * @param {string[]} guesses
 * @returns {Answer[]} */
export function quizResults(data, current, s, guesses) {
  return data.nodes[s].parents.map((p, k) => {
    const guess = guesses[k] || "";
    const number = parseNumber(guess);
    const truth = edgeOf(current.steps[s], k)[1];
    const ok = isFinite(number) && Math.abs(number - truth) <= tolerance(truth);
    return { to: data.nodes[p].grad_name, guess, truth, ok };
  });
}
