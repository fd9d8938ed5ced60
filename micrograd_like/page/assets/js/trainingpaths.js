// @ts-check
/* One sample's dL/dw as the chain rule writes it: the sum, over every path from the sample's loss
 * L down to the parameter, of the product of the local derivatives along the path. For w[l]jk a
 * path runs from L to an output ŷo, then down through one unit of each layer above l to unit j of
 * layer l, and its factors are, from the top:
 *
 *   dL/dŷo · dŷo/ds[L]o · ds[L]o/dz[L-1]a · dz[L-1]a/ds[L-1]a · ... · ds[l]j/dw[l]jk
 *
 * where ds[m]a/dz[m-1]b is the weight w[m]ab, dz/ds the activation's derivative at the sample
 * (tanh: 1 − z², relu: 0 or 1, sigmoid: z(1 − z), linear: 1; from the rule table), dL/dŷ the
 * loss's, and ds[l]j/dw[l]jk the input z[l-1]k (1 for a bias). The backward pass computes the same
 * number by summing at each unit instead of along each path: trainingcore.js's `backward`, which
 * `sampleGradient` runs for the comparison. No DOM here.
 *
 *   const values = sampleValues(net, w, x, y, loss, rules);
 *   const sum = pathSum(net, w, values, index, { names, limit: 8 });
 *   sum.total;   // equals sampleGradient(net, w, x, y, loss)[index] up to rounding */

import { createNetwork } from "./trainingcore.js";

/** @typedef {import("./trainingcore.js").Network} Network */
/** @typedef {import("./trainingcore.js").LossRule} LossRule */
/** @typedef {import("./trainingcore.js").Rules} Rules */

/**
 * One local derivative on a path: its name ("dz[2]1/ds[2]1") and its value at the sample.
 * @typedef {{name: string, value: number}} Factor
 */

/**
 * One path from L down to the parameter: its factors from the top and their product.
 * @typedef {{factors: Factor[], product: number}} PathTerm
 */

/**
 * @typedef {object} PathSum
 * @property {string} name  the parameter's name
 * @property {number} count  how many paths lead from L to it
 * @property {PathTerm[]} paths  the `limit` paths of the largest |product|, largest first
 * @property {{count: number, sum: number}} rest  the paths left out and their products' sum
 * @property {number} total  the sum over every path, in the order the paths are counted
 * @property {number} scale  the sum of every |product|: the size the rounding of `total` is relative to
 */

/**
 * One sample's forward values and local derivatives, per layer l = 0..L (0: the inputs).
 * @typedef {object} SampleValues
 * @property {number[][]} z  z[l][j]: unit j's activation (z[0] the sample's inputs)
 * @property {number[][]} slope  slope[l][j] = dz[l]j/ds[l]j at the sample (slope[0] empty)
 * @property {number[]} dLdOut  dL/dŷo for each output o
 */

/** The forward values of sample (x, y) at weights w: each layer's s and z from the network's own
 * forward pass (the first l layers' weights lead the flat list, so a network of those layers
 * computes layer l), the rule table's derivative of each activation, and the loss's dL/dŷ.
 * @param {Network} net @param {ArrayLike<number>} w @param {ArrayLike<number>} x @param {number} y
 * @param {LossRule} loss @param {Rules} rules
 * @returns {SampleValues} */
export function sampleValues(net, w, x, y, loss, rules) {
  const sizes = net.sizes;
  const layers = sizes.length - 1;
  /** @type {number[][]} */
  const z = [Array.from(x)];
  /** @type {number[][]} */
  const slope = [[]];
  for (let l = 1; l <= layers; l++) {
    const first = sizes.slice(0, l + 1);
    const prefix = Array.prototype.slice.call(w, 0, l === layers ? net.count : net.offsets[l]);
    const act = net.activations[l - 1];
    const hidden = net.activations[0];
    const s = Array.from(createNetwork(first, hidden, "linear", rules).forward(prefix, x));
    const zl = Array.from(createNetwork(first, hidden, act, rules).forward(prefix, x));
    z.push(zl);
    slope.push(act === "linear" ? s.map(() => 1) : s.map((sj, j) => rules[act].local(sj, zl[j])));
  }
  const g = new Float64Array(sizes[layers]);
  loss.grad(z[layers], y, 1, g);
  return { z, slope, dLdOut: Array.from(g) };
}

/** dL/dw of every parameter for the one sample (x, y), by the network's backward pass.
 * @param {Network} net @param {ArrayLike<number>} w @param {ArrayLike<number>} x @param {number} y
 * @param {LossRule} loss
 * @returns {Float64Array} */
export function sampleGradient(net, w, x, y, loss) {
  const out = net.forward(w, x);
  const g = new Float64Array(out.length);
  loss.grad(out, y, 1, g);
  const grads = new Float64Array(net.count);
  net.backward(w, g, grads);
  return grads;
}

/** Where parameter `index` sits: its layer l (1-based), unit j and input k (0-based; k = -1 for
 * the unit's bias). @param {Network} net @param {number} index */
export function locate(net, index) {
  if (!Number.isInteger(index) || index < 0 || index >= net.count) {
    throw new RangeError(`no parameter number ${index}: this network has ${net.count}`);
  }
  let l = net.sizes.length - 1;
  while (net.offsets[l - 1] > index) l--;
  const nin = net.sizes[l - 1];
  const at = index - net.offsets[l - 1];
  if (at < nin * net.sizes[l]) return { layer: l, unit: Math.floor(at / nin), input: at % nin };
  return { layer: l, unit: at - nin * net.sizes[l], input: -1 };
}

/**
 * @typedef {object} PathOptions
 * @property {string} [name]  the parameter's name (default: "w[l]j,k" or "b[l]j")
 * @property {number} [limit]  how many paths to list with their factors (default: all)
 */

/** dL/dw of parameter `index` as the sum over the paths from L down to it (see the module's
 * comment), from the weights and one sample's values.
 * @param {Network} net @param {ArrayLike<number>} w @param {SampleValues} values @param {number} index
 * @param {PathOptions} [options]
 * @returns {PathSum} */
export function pathSum(net, w, values, index, options = {}) {
  const { layer, unit, input } = locate(net, index);
  const sizes = net.sizes;
  const L = sizes.length - 1;
  const name = options.name || (input < 0 ? `b[${layer}]${unit + 1}` : `w[${layer}]${unit + 1},${input + 1}`);
  const { z, slope, dLdOut } = values;
  const last = input < 0 ? 1 : z[layer - 1][input]; // ds[l]j/dw[l]jk = z[l-1]k; ds/db = 1
  // a path is a choice of one unit in each layer L, L-1, ..., layer+1 (layer `layer` is fixed: j);
  // counted as a number in mixed radix, the output's unit the most significant digit
  /** @type {number[]} the layers whose unit a path chooses, from the top */
  const free = [];
  for (let m = L; m > layer; m--) free.push(m);
  let count = 1;
  free.forEach((m) => (count *= sizes[m]));
  const units = new Array(free.length).fill(0);
  const products = new Float64Array(count);
  /** w[m]ab: how s[m]a depends on z[m-1]b. @param {number} m @param {number} a @param {number} b */
  const weight = (m, a, b) => w[net.offsets[m - 1] + a * sizes[m - 1] + b];
  /** The units of path `p`, from layer L down to `layer`. @param {number} p */
  function decode(p) {
    const chosen = new Array(free.length);
    for (let i = free.length - 1; i >= 0; i--) {
      chosen[i] = p % sizes[free[i]];
      p = Math.floor(p / sizes[free[i]]);
    }
    return chosen.concat([unit]);
  }
  for (let p = 0; p < count; p++) {
    const path = free.length ? units : [];
    const top = free.length ? path[0] : unit;
    // from the top down, as the backward pass multiplies: dL/dŷ · dŷ/ds · w · dz/ds · ... · ds/dw
    let product = dLdOut[top] * slope[L][top];
    for (let i = 0; i < free.length; i++) {
      const m = free[i];
      const below = i + 1 < free.length ? path[i + 1] : unit;
      product = product * weight(m, path[i], below) * slope[m - 1][below];
    }
    products[p] = product * last;
    // the next path: the lowest free layer's unit counts fastest
    for (let i = free.length - 1; i >= 0; i--) {
      if (++units[i] < sizes[free[i]]) break;
      units[i] = 0;
    }
  }
  let total = 0,
    scale = 0;
  for (let p = 0; p < count; p++) {
    total = p === 0 ? products[0] : total + products[p];
    scale += Math.abs(products[p]);
  }
  const limit = Math.min(count, options.limit === undefined ? count : Math.max(0, options.limit));
  const shown = largest(products, limit);
  const kept = new Set(shown);
  let restSum = 0;
  for (let p = 0; p < count; p++) if (!kept.has(p)) restSum += products[p];
  const hat = (/** @type {number} */ o) => (sizes[L] === 1 ? "ŷ" : `ŷ${o + 1}`);
  /** @param {number} p @returns {PathTerm} */
  function term(p) {
    const chosen = decode(p);
    const o = chosen[0];
    /** @type {Factor[]} */
    const factors = [
      { name: `dL/d${hat(o)}`, value: dLdOut[o] },
      { name: `d${hat(o)}/ds[${L}]${o + 1}`, value: slope[L][o] },
    ];
    for (let i = 0; i + 1 < chosen.length; i++) {
      const m = L - i,
        a = chosen[i],
        b = chosen[i + 1];
      factors.push({ name: `ds[${m}]${a + 1}/dz[${m - 1}]${b + 1}`, value: weight(m, a, b) });
      factors.push({ name: `dz[${m - 1}]${b + 1}/ds[${m - 1}]${b + 1}`, value: slope[m - 1][b] });
    }
    factors.push({ name: `ds[${layer}]${unit + 1}/d${name}`, value: last });
    return { factors, product: products[p] };
  }
  return {
    name,
    count,
    paths: shown.map(term),
    rest: { count: count - shown.length, sum: restSum },
    total,
    scale,
  };
}

/** The indices of the `k` largest |values|, largest first (ties: the earlier path first).
 * @param {Float64Array} values @param {number} k @returns {number[]} */
function largest(values, k) {
  /** @type {number[]} */
  const best = [];
  if (k <= 0) return best;
  for (let p = 0; p < values.length; p++) {
    const size = Math.abs(values[p]);
    if (best.length === k && !(size > Math.abs(values[best[k - 1]]))) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && size > Math.abs(values[best[at - 1]])) at--;
    best.splice(at, 0, p);
    if (best.length > k) best.pop();
  }
  return best;
}
