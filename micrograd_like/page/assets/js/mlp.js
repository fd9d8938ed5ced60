// @ts-check
/* micrograd_like.nn.MLP's parameters as the page needs them: their names, the initial weights
 * MLP(nin, nouts, seed=seed) draws (same values, same order as model.parameters()), and the JSON
 * document MLP.save writes and MLP.load reads. tests/js/mlp.test.js checks them against Python. */

import { PyRandom } from "./pyrandom.js";

/** @typedef {import("./pyrandom.js").Seed} Seed */

export const FILE_FORMAT = "micrograd_like.MLP";
export const FILE_VERSION = 1;

/**
 * The MLP constructor's shape arguments, as MLP.architecture() returns them.
 * @typedef {object} Architecture
 * @property {number} nin
 * @property {number[]} nouts
 * @property {string} activation
 * @property {string | null} output_activation
 * @property {boolean} bias
 */

/**
 * What MLP.save writes: the architecture and every weight by name, in parameters() order.
 * @typedef {object} ModelDocument
 * @property {string} format
 * @property {number} version
 * @property {Architecture} architecture
 * @property {Record<string, number>} state_dict
 */

/** [nin, ...nouts], each an integer >= 1, at least one layer (nn._sizes).
 * @param {number} nin @param {number[]} nouts */
function sizes(nin, nouts) {
  if (nouts.length === 0) throw new RangeError("an MLP needs at least one layer: nouts is empty");
  const all = [nin, ...nouts];
  all.forEach((width, i) => {
    if (!Number.isInteger(width) || width < 1) {
      const name = i === 0 ? "nin" : `nouts[${i - 1}]`;
      throw new RangeError(`${name} must be an integer >= 1, got ${width}`);
    }
  });
  return all;
}

/** nn._separator: "," between unit and input when either exceeds 9, so no two names collide.
 * @param {number} nin @param {number} nout */
function separator(nin, nout) {
  return nin > 9 || nout > 9 ? "," : "";
}

/** One layer's names in parameters() order: weights row by row (unit j, input k), then biases.
 * @param {number} layer @param {number} nin @param {number} nout @param {boolean} bias */
function layerNames(layer, nin, nout, bias) {
  const sep = separator(nin, nout);
  const names = [];
  for (let j = 1; j <= nout; j++) for (let k = 1; k <= nin; k++) names.push(`w[${layer}]${j}${sep}${k}`);
  if (bias) for (let j = 1; j <= nout; j++) names.push(`b[${layer}]${j}`);
  return names;
}

/** nn.parameter_names: the names MLP(nin, nouts, bias=bias) gives its parameters, in order.
 * @param {number} nin @param {number[]} nouts @param {boolean} [bias]
 * @returns {string[]} */
export function parameterNames(nin, nouts, bias = true) {
  const all = sizes(nin, nouts);
  return all.slice(1).flatMap((nout, i) => layerNames(i + 1, all[i], nout, bias));
}

/** The weights MLP(nin, nouts, bias=bias, seed=seed) starts with, in parameters() order.
 * The network draws them neuron by neuron (its weights, then its bias), each from
 * U(-1/√nin, 1/√nin) of its layer; parameters() lists a layer's weights before its biases.
 * @param {number} nin @param {number[]} nouts @param {Seed} seed @param {boolean} [bias]
 * @returns {number[]} */
export function initialWeights(nin, nouts, seed, bias = true) {
  const all = sizes(nin, nouts);
  const rng = new PyRandom(seed);
  const weights = [];
  for (let layer = 1; layer < all.length; layer++) {
    const [n, nout] = [all[layer - 1], all[layer]];
    const bound = 1.0 / Math.sqrt(n);
    const rows = [];
    const biases = [];
    for (let j = 0; j < nout; j++) {
      for (let k = 0; k < n; k++) rows.push(rng.uniform(-bound, bound));
      if (bias) biases.push(rng.uniform(-bound, bound));
    }
    weights.push(...rows, ...biases);
  }
  return weights;
}

/** The document MLP.save writes for this architecture and these weights (parameters() order).
 * @param {Architecture} architecture @param {number[]} weights
 * @returns {ModelDocument} */
export function modelDocument(architecture, weights) {
  const names = parameterNames(architecture.nin, architecture.nouts, architecture.bias);
  if (weights.length !== names.length) {
    throw new RangeError(`this architecture has ${names.length} parameters, got ${weights.length} weights`);
  }
  /** @type {Record<string, number>} */
  const state = {};
  names.forEach((name, i) => {
    if (!Number.isFinite(weights[i])) throw new RangeError(`weight ${name} is ${weights[i]}, not finite`);
    state[name] = weights[i];
  });
  const { nin, nouts, activation, output_activation, bias } = architecture;
  return {
    format: FILE_FORMAT,
    version: FILE_VERSION,
    architecture: { nin, nouts: [...nouts], activation, output_activation, bias },
    state_dict: state,
  };
}

/** The document of a freshly made MLP(nin, nouts, activation, output_activation, bias, seed).
 * @param {Architecture} architecture @param {Seed} seed
 * @returns {ModelDocument} */
export function initialModel(architecture, seed) {
  return modelDocument(
    architecture,
    initialWeights(architecture.nin, architecture.nouts, seed, architecture.bias),
  );
}
