// @ts-check
/* The fixtures tools/page_fixtures.py writes from Python for pyrandom.js, datasets.js and mlp.js
 * (tests/js/pyrandom_fixtures.json): random.Random's streams and calls, make_dataset's points, and
 * the files MLP.save writes. Seeds are decimal text there, since some are beyond 2^53. */

import { readFileSync } from "node:fs";

/** @typedef {import("../../micrograd_like/page/assets/js/mlp.js").ModelDocument} ModelDocument */

/**
 * @typedef {object} Stream
 * @property {string} seed
 * @property {number[]} uint32  the first 32-bit outputs
 * @property {number[]} first  the first random() values
 * @property {number[]} every97  random() values 0, 97, 194, ... of 3000
 */

/**
 * @typedef {object} DatasetCase
 * @property {string} name
 * @property {number} n
 * @property {number | null} noise  null: the generator's default
 * @property {string} seed
 * @property {string} task
 * @property {number} nout
 * @property {number} [centers]  blobs called with these centers (not through make_dataset)
 * @property {number[][]} xs
 * @property {number[]} ys
 */

const raw = JSON.parse(readFileSync(new URL("./pyrandom_fixtures.json", import.meta.url), "utf-8"));

/** A seed from its decimal text: a number when it is a safe integer, else a bigint.
 * @param {string} text
 * @returns {number | bigint} */
export function seedOf(text) {
  const big = BigInt(text);
  return Number.isSafeInteger(Number(big)) && BigInt(Number(big)) === big ? Number(big) : big;
}

/** @type {Stream[]} */
export const streams = raw.streams;

/** @type {Array<{seed: string, calls: Array<[string, any[], any]>}>} [method, args, result] */
export const calls = raw.calls;

/** @type {DatasetCase[]} */
export const datasets = raw.datasets;

/** @type {Array<[string, number, number | string | null, string]>} [name, n, noise, message] */
export const datasetErrors = raw.dataset_errors;

/** @type {Array<{seed: string, file: ModelDocument}>} */
export const models = raw.models;

/** Equal, or within 1e-12 of the larger magnitude (but at least of 1: the data are of unit size,
 * so a coordinate that cancels to near 0 keeps the accuracy of its terms). Math.log, Math.cos and
 * Math.sin may differ from the C library's in the last bit.
 * @param {number} a
 * @param {number} b */
export function near(a, b) {
  return a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}
