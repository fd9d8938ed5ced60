// @ts-check
/* The fixtures tools/page_fixtures.py writes from Python (tests/js/fixtures.json), ready to use:
 * each graph's page data and its generated MG_MATH, and what the engine gives for each case. */

import { readFileSync } from "node:fs";

/** @typedef {import("../../micrograd_like/page/assets/js/types.js").PageData} PageData */
/** @typedef {import("../../micrograd_like/page/assets/js/types.js").GraphMath} GraphMath */
/** @typedef {import("../../micrograd_like/page/assets/js/types.js").StepNumbers} StepNumbers */

/**
 * @typedef {object} Case
 * @property {number[]} leaf
 * @property {{values: number[], grads: number[], steps: StepNumbers[]} | {error: string}} expect
 */

/**
 * @typedef {object} Graph
 * @property {string} name
 * @property {PageData} data
 * @property {GraphMath} math
 * @property {Case[]} cases
 * @property {Record<string, number[][]>} explain  node index -> every path's local derivatives
 */

const raw = JSON.parse(readFileSync(new URL("./fixtures.json", import.meta.url), "utf-8"));

/** A number from the fixtures: "inf", "-inf" and "nan" are written as text.
 * @param {number | string} x */
export function number(x) {
  if (typeof x === "number") return x;
  return x === "nan" ? NaN : x === "inf" ? Infinity : -Infinity;
}

/** @type {Array<[number, string, string, string]>} x, repr(x), f"{x:.4g}", f"{x:.6g}" */
export const numbers = raw.numbers.map((/** @type {[number | string, string, string, string]} */ row) => [
  number(row[0]),
  row[1],
  row[2],
  row[3],
]);

/** @type {Graph[]} */
export const graphs = raw.graphs.map((/** @type {any} */ g) => ({
  ...g,
  math: new Function(g.math + "\nreturn MG_MATH;")(),
}));

/** @type {Record<string, Record<string, number | boolean | number[]>>} optimizer_options per class */
export const optimizers = raw.optimizers;

/**
 * @typedef {object} OptimCase  an optimizer of optim.py on random settings and gradients
 * @property {string} name
 * @property {Record<string, number | boolean | number[]>} options
 * @property {number[]} start
 * @property {number[][]} grads  per step
 * @property {number[][]} thetas  the parameters after each step
 */

/** @type {OptimCase[]} */
export const optimCases = raw.optim;

/** @type {Array<[[number, number], [number, number], [number, number] | null, string]>} [J, slope]s and the kind */
export const stepKinds = raw.step_kinds;

/** @type {Record<string, string>} descent.STEP_WORDS */
export const stepWords = raw.step_words;

/** @param {string} name */
export function graph(name) {
  const found = graphs.find((g) => g.name === name);
  if (!found) throw new Error("no fixture graph " + name);
  return found;
}

/** Equal, or within 1e-12 relative (Math.tanh and libm's tanh may differ in the last bit).
 * @param {number} a
 * @param {number} b */
export function close(a, b) {
  return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}
