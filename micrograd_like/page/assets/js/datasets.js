// @ts-check
/* micrograd_like.data's datasets, point for point: each generator below repeats the Python one of
 * the same name step by step, with Python's own random.Random (pyrandom.js), so the same n, noise
 * and seed give the same points and labels (tests/js/datasets.test.js checks every point against
 * what Python writes). Change both together. Not on the page yet: a chapter that imports it
 * (`import { makeDataset } from "./datasets.js";`, as page.js imports its modules) gets it, with
 * pyrandom.js and format.js, into the page's one script; page/bundle.py ships only what is imported. */

import { repr } from "./format.js";
import { PyRandom } from "./pyrandom.js";

/** @typedef {import("./pyrandom.js").Seed} Seed */

/**
 * A dataset as micrograd_like.data.Dataset holds it.
 * @typedef {object} Dataset
 * @property {string} name
 * @property {number[][]} xs  samples, each `nin` numbers
 * @property {number[]} ys  0/1 (binary), a class index (multiclass) or the target (regression)
 * @property {"binary" | "multiclass" | "regression"} task
 * @property {number} nout  the model outputs the task needs
 */

export const MAX_SAMPLES = 100000;
export const MAX_NOISE = 100;
export const MAX_CENTERS = 100;
export const SPIRAL_TURNS = 1.75;

/** The generators' common arguments checked as data._check checks them, with its messages.
 * @param {number} n
 * @param {number} noise
 * @param {number} minimum */
function check(n, noise, minimum) {
  integer("n", n, minimum, MAX_SAMPLES);
  if (!(Number.isFinite(noise) && noise >= 0 && noise <= MAX_NOISE)) {
    throw new RangeError(`noise must be a finite number in [0, ${MAX_NOISE}], got ${repr(noise)}`);
  }
}

/** @param {string} name @param {number} value @param {number} low @param {number} high */
function integer(name, value, low, high) {
  if (!Number.isInteger(value) || value < low || value > high) {
    const shown = Number.isInteger(value) ? String(value) : repr(value);
    throw new RangeError(`${name} must be an integer in [${low}, ${high}], got ${shown}`);
  }
}

/** data._shuffled: the samples in an order the generator's shuffle picks.
 * @param {PyRandom} rng @param {number[][]} xs @param {number[]} ys
 * @returns {[number[][], number[]]} */
function shuffled(rng, xs, ys) {
  const order = xs.map((_, i) => i);
  rng.shuffle(order);
  return [order.map((i) => xs[i]), order.map((i) => ys[i])];
}

/** A point (x, y) with N(0, noise²) added to each coordinate, x's draw first.
 * @param {PyRandom} rng @param {number} x @param {number} y @param {number} noise */
function noisy(rng, x, y, noise) {
  const nx = x + rng.gauss(0.0, noise);
  return [nx, y + rng.gauss(0.0, noise)];
}

/** Two interleaving half circles (data.moons).
 * @param {number} [n] @param {number} [noise] @param {Seed} [seed]
 * @returns {Dataset} */
export function moons(n = 100, noise = 0.1, seed = 0) {
  check(n, noise, 2);
  const rng = new PyRandom(seed);
  const nTop = Math.floor(n / 2);
  /** @type {number[][]} */
  const xs = [];
  /** @type {number[]} */
  const ys = [];
  for (const [count, label] of [
    [nTop, 0],
    [n - nTop, 1],
  ]) {
    for (let i = 0; i < count; i++) {
      const t = count > 1 ? (Math.PI * i) / (count - 1) : 0.0;
      const [x, y] = label === 0 ? [Math.cos(t), Math.sin(t)] : [1.0 - Math.cos(t), 0.5 - Math.sin(t)];
      xs.push(noisy(rng, x, y, noise));
      ys.push(label);
    }
  }
  const [sx, sy] = shuffled(rng, xs, ys);
  return { name: "moons", xs: sx, ys: sy, task: "binary", nout: 1 };
}

/** `centers` round clusters at radius 2 around the origin (data.blobs).
 * @param {number} [n] @param {number} [noise] @param {Seed} [seed] @param {number} [centers]
 * @returns {Dataset} */
export function blobs(n = 100, noise = 0.5, seed = 0, centers = 3) {
  check(n, noise, 1);
  integer("centers", centers, 2, MAX_CENTERS);
  const rng = new PyRandom(seed);
  const xs = [];
  const ys = [];
  for (let i = 0; i < n; i++) {
    const label = i % centers;
    const angle = (2.0 * Math.PI * label) / centers;
    xs.push(noisy(rng, 2.0 * Math.cos(angle), 2.0 * Math.sin(angle), noise));
    ys.push(label);
  }
  const [sx, sy] = shuffled(rng, xs, ys);
  return { name: "blobs", xs: sx, ys: sy, task: "multiclass", nout: centers };
}

/** Four clusters at (±1, ±1), class 1 where x1·x2 < 0 (data.xor).
 * @param {number} [n] @param {number} [noise] @param {Seed} [seed]
 * @returns {Dataset} */
export function xor(n = 100, noise = 0.2, seed = 0) {
  check(n, noise, 1);
  const rng = new PyRandom(seed);
  const corners = [
    [1.0, 1.0],
    [-1.0, -1.0],
    [1.0, -1.0],
    [-1.0, 1.0],
  ];
  const xs = [];
  const ys = [];
  for (let i = 0; i < n; i++) {
    const [cx, cy] = corners[i % 4];
    xs.push(noisy(rng, cx, cy, noise));
    ys.push(i % 4 < 2 ? 0 : 1);
  }
  const [sx, sy] = shuffled(rng, xs, ys);
  return { name: "xor", xs: sx, ys: sy, task: "binary", nout: 1 };
}

/** Two concentric circles, class 0 outside (radius 1), class 1 inside (radius 0.5) (data.circles).
 * @param {number} [n] @param {number} [noise] @param {Seed} [seed]
 * @returns {Dataset} */
export function circles(n = 100, noise = 0.1, seed = 0) {
  check(n, noise, 2);
  const rng = new PyRandom(seed);
  const nOuter = Math.floor(n / 2);
  /** @type {number[][]} */
  const xs = [];
  /** @type {number[]} */
  const ys = [];
  for (const [count, radius, label] of [
    [nOuter, 1.0, 0],
    [n - nOuter, 0.5, 1],
  ]) {
    for (let i = 0; i < count; i++) {
      const t = (2.0 * Math.PI * i) / count;
      xs.push(noisy(rng, radius * Math.cos(t), radius * Math.sin(t), noise));
      ys.push(label);
    }
  }
  const [sx, sy] = shuffled(rng, xs, ys);
  return { name: "circles", xs: sx, ys: sy, task: "binary", nout: 1 };
}

/** Two interleaved spiral arms, class 1's half a turn from class 0's (data.spiral).
 * @param {number} [n] @param {number} [noise] @param {Seed} [seed]
 * @returns {Dataset} */
export function spiral(n = 100, noise = 0.05, seed = 0) {
  check(n, noise, 2);
  const rng = new PyRandom(seed);
  const nFirst = Math.floor(n / 2);
  /** @type {number[][]} */
  const xs = [];
  /** @type {number[]} */
  const ys = [];
  for (const [count, label] of [
    [nFirst, 0],
    [n - nFirst, 1],
  ]) {
    for (let i = 0; i < count; i++) {
      const r = (i + 1) / count;
      const t = 2.0 * Math.PI * SPIRAL_TURNS * r + Math.PI * label;
      xs.push(noisy(rng, r * Math.cos(t), r * Math.sin(t), noise));
      ys.push(label);
    }
  }
  const [sx, sy] = shuffled(rng, xs, ys);
  return { name: "spiral", xs: sx, ys: sy, task: "binary", nout: 1 };
}

/** y = sin(πx) + N(0, noise²) at n evenly spaced x in [-1, 1] (data.regression).
 * @param {number} [n] @param {number} [noise] @param {Seed} [seed]
 * @returns {Dataset} */
export function regression(n = 100, noise = 0.1, seed = 0) {
  check(n, noise, 2);
  const rng = new PyRandom(seed);
  const xs = [];
  for (let i = 0; i < n; i++) xs.push([-1.0 + (2.0 * i) / (n - 1)]);
  const ys = xs.map((x) => Math.sin(Math.PI * x[0]) + rng.gauss(0.0, noise));
  return { name: "regression", xs, ys, task: "regression", nout: 1 };
}

/** data.DATASETS: name -> generator(n, noise, seed), in the order Python lists them. */
export const DATASETS = Object.freeze({ moons, blobs, xor, circles, spiral, regression });

/** make_dataset(name, n, noise=None, seed=0): `noise` undefined or null keeps the generator's default.
 * @param {string} name
 * @param {number} [n]
 * @param {{noise?: number | null, seed?: Seed}} [options]
 * @returns {Dataset} */
export function makeDataset(name, n = 100, options = {}) {
  if (!Object.prototype.hasOwnProperty.call(DATASETS, name)) {
    throw new RangeError(`unknown dataset '${name}'; choose one of ${Object.keys(DATASETS).join(", ")}`);
  }
  const make = DATASETS[/** @type {keyof typeof DATASETS} */ (name)];
  const seed = options.seed === undefined ? 0 : options.seed;
  const noise = options.noise === undefined || options.noise === null ? undefined : options.noise;
  return make(n, noise, seed);
}
