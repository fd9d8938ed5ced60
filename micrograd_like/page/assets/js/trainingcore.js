// @ts-check
/* The "Training" chapter's arithmetic, without the page: an MLP's forward and backward pass as a
 * tight loop over its layers on flat arrays (no graph per sample: the page's Content-Security-
 * Policy forbids generating code with `new Function`, and a loop over layers does the same float
 * operations as the code micrograd_like.compiler generates), the losses of micrograd_like.train,
 * and a trainer doing `fit`'s full-batch epochs with its divergence rule.
 *
 * The order of every sum is the compiled Python's: s = ((w1·x1 + w2·x2) + ...) + b, a unit's
 * upstream gradient summed from the last unit of the next layer to the first, each parameter's
 * gradient summed over the samples in their order, the cost J = (L1 + ... + Lm)/m. So N epochs
 * give `micrograd-like train`'s weights (tests/test_page_training.py compares them).
 *
 *   const net = createNetwork([2, 4, 2, 1], "tanh", "linear");
 *   const trainer = createTrainer({ net, data, loss: "bce_logits", optimizer, weights, maxRise: 1000 });
 *   trainer.epoch();   // {epoch, loss, accuracy}, or a Divergence thrown, the weights kept */

/** @typedef {"tanh" | "relu" | "sigmoid" | "linear"} ActivationName */
/** @typedef {{ step: (theta: number[], grads: number[]) => number[] }} Stepper */

/**
 * A dataset as the trainer reads it (datasets.js's Dataset is one).
 * @typedef {object} Samples
 * @property {number[][]} xs
 * @property {number[]} ys
 */

/** σ(s) as the engine's rule computes it: neither branch can overflow. @param {number} s */
export function sigmoid(s) {
  if (s >= 0) return 1 / (1 + Math.exp(-s));
  const e = Math.exp(s);
  return e / (1 + e);
}

/** z = act(s) per activation (nn.ACTIVATIONS), each the rule table's forward. */
const FORWARD = {
  tanh: Math.tanh,
  relu: (/** @type {number} */ s) => (s > 0 ? s : 0),
  sigmoid,
  linear: (/** @type {number} */ s) => s,
};

/** dz/ds from s and z: the rule table's local derivative. */
const LOCAL = {
  tanh: (/** @type {number} */ _s, /** @type {number} */ z) => 1.0 - z * z,
  relu: (/** @type {number} */ s) => (s > 0 ? 1 : 0),
  sigmoid: (/** @type {number} */ _s, /** @type {number} */ z) => z * (1 - z),
  linear: () => 1,
};

/**
 * An MLP of the given sizes: weights as one flat list in MLP.parameters() order (per layer its
 * weights row by row, unit j then input k, then its biases).
 * @typedef {object} Network
 * @property {number[]} sizes  [nin, ...widths, nout]
 * @property {ActivationName[]} activations  per layer after the inputs
 * @property {number} count  how many parameters
 * @property {number[]} offsets  where each layer's weights start in the flat list
 * @property {(w: ArrayLike<number>, x: ArrayLike<number>) => Float64Array} forward  the outputs (a buffer reused by the next call)
 * @property {(w: ArrayLike<number>, gOut: ArrayLike<number>, grads: Float64Array) => void} backward  after forward: add the sample's gradients
 */

/** @param {number[]} sizes @param {ActivationName} hidden @param {ActivationName} output
 * @returns {Network} */
export function createNetwork(sizes, hidden, output) {
  if (sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new RangeError("an MLP needs integer sizes >= 1, inputs and at least one layer: " + sizes);
  }
  [hidden, output].forEach((name) => {
    if (!Object.prototype.hasOwnProperty.call(FORWARD, name)) {
      throw new RangeError("unknown activation " + JSON.stringify(name));
    }
  });
  const layers = sizes.length - 1;
  /** @type {ActivationName[]} */
  const activations = sizes.slice(1).map((_, i) => (i === layers - 1 ? output : hidden));
  /** @type {number[]} */
  const offsets = [];
  let count = 0;
  for (let l = 1; l <= layers; l++) {
    offsets.push(count);
    count += (sizes[l - 1] + 1) * sizes[l];
  }
  // z[0] is the sample; s[l], z[l] the linear parts and activations of layer l; g the gradients
  const z = sizes.map((n) => new Float64Array(n));
  const s = sizes.map((n) => new Float64Array(n));
  const gz = sizes.map((n) => new Float64Array(n));
  const forwards = activations.map((a) => FORWARD[a]);
  const locals = activations.map((a) => LOCAL[a]);

  /** @param {ArrayLike<number>} w @param {ArrayLike<number>} x */
  function forward(w, x) {
    const input = z[0];
    for (let k = 0; k < sizes[0]; k++) input[k] = x[k];
    for (let l = 1; l <= layers; l++) {
      const nin = sizes[l - 1],
        nout = sizes[l],
        prev = z[l - 1],
        sl = s[l],
        zl = z[l],
        f = forwards[l - 1];
      const base = offsets[l - 1],
        bias = base + nin * nout;
      for (let j = 0; j < nout; j++) {
        const row = base + j * nin;
        let sum = w[row] * prev[0]; // a left fold from the first product, then the bias
        for (let k = 1; k < nin; k++) sum = sum + w[row + k] * prev[k];
        sum = sum + w[bias + j];
        sl[j] = sum;
        zl[j] = f(sum);
      }
    }
    return z[layers];
  }

  /** @param {ArrayLike<number>} w @param {ArrayLike<number>} gOut @param {Float64Array} grads */
  function backward(w, gOut, grads) {
    const top = gz[layers];
    for (let j = 0; j < sizes[layers]; j++) top[j] = gOut[j];
    for (let l = layers; l >= 1; l--) {
      const nin = sizes[l - 1],
        nout = sizes[l],
        prev = z[l - 1],
        sl = s[l],
        zl = z[l],
        g = gz[l],
        local = locals[l - 1],
        linear = activations[l - 1] === "linear";
      const base = offsets[l - 1],
        bias = base + nin * nout;
      for (let j = 0; j < nout; j++) {
        const gs = linear ? g[j] : local(sl[j], zl[j]) * g[j]; // dL/ds = local · upstream
        g[j] = gs;
        const row = base + j * nin;
        for (let k = 0; k < nin; k++) grads[row + k] += prev[k] * gs;
        grads[bias + j] += gs;
      }
      if (l === 1) break;
      const below = gz[l - 1];
      for (let k = 0; k < nin; k++) {
        // the engine's backward reaches unit k's uses from the last unit of this layer to the first
        let sum = w[base + (nout - 1) * nin + k] * g[nout - 1];
        for (let j = nout - 2; j >= 0; j--) sum += w[base + j * nin + k] * g[j];
        below[k] = sum;
      }
    }
  }

  return { sizes: sizes.slice(), activations, count, offsets, forward, backward };
}

/**
 * One of micrograd_like.train's losses on one sample's outputs.
 * @typedef {object} LossRule
 * @property {(out: ArrayLike<number>, y: number) => number} value  the sample's loss L
 * @property {(out: ArrayLike<number>, y: number, scale: number, g: Float64Array) => void} grad  g = scale · dL/d(outputs)
 * @property {((out: ArrayLike<number>) => number) | null} predict  the predicted class (null: regression)
 * @property {(out: ArrayLike<number>) => number[]} show  per class its probability, or the fitted value
 */

/** @type {Record<string, LossRule>} */
export const LOSSES = {
  // log(1 + e^s) − y·s, written so the exponent is never positive (losses.bce_with_logits)
  bce_logits: {
    value(out, y) {
      const s = out[0];
      const softplus = s > 0 ? s + Math.log(1.0 + Math.exp(-s)) : Math.log(1.0 + Math.exp(s));
      return y ? softplus - y * s : softplus;
    },
    grad(out, y, scale, g) {
      g[0] = (sigmoid(out[0]) - y) * scale; // dL/ds = σ(s) − y
    },
    predict: (out) => (out[0] > 0 ? 1 : 0),
    show: (out) => [sigmoid(out[0])],
  },
  // −(y·log ŷ + (1 − y)·log(1 − ŷ)) on a probability ŷ (losses.logistic_loss)
  logistic: {
    value(out, y) {
      const p = out[0];
      if (y === 1) return -Math.log(p);
      if (y === 0) return -Math.log(1.0 - p);
      return -(y * Math.log(p) + (1.0 - y) * Math.log(1.0 - p));
    },
    grad(out, y, scale, g) {
      const p = out[0];
      g[0] = (y === 1 ? -1 / p : y === 0 ? 1 / (1.0 - p) : -(y / p - (1.0 - y) / (1.0 - p))) * scale;
    },
    predict: (out) => (out[0] > 0.5 ? 1 : 0),
    show: (out) => [out[0]],
  },
  // log Σ e^(s_j − m) + m − s_k with m = max s (losses.softmax_cross_entropy)
  softmax_ce: {
    value(out, y) {
      const m = maximum(out);
      let total = Math.exp(out[0] - m);
      for (let j = 1; j < out.length; j++) total = total + Math.exp(out[j] - m);
      return Math.log(total) + m - out[y];
    },
    grad(out, y, scale, g) {
      const p = softmax(out);
      for (let j = 0; j < out.length; j++) g[j] = (p[j] - (j === y ? 1 : 0)) * scale; // p − one-hot
    },
    predict(out) {
      let best = 0;
      for (let j = 1; j < out.length; j++) if (out[j] > out[best]) best = j; // the first maximum
      return best;
    },
    show: softmax,
  },
  // (ŷ − y)² (losses.squared_error)
  mse: {
    value(out, y) {
      const d = out[0] - y;
      return d * d;
    },
    grad(out, y, scale, g) {
      g[0] = 2 * (out[0] - y) * scale;
    },
    predict: null,
    show: (out) => [out[0]],
  },
};

/** @param {ArrayLike<number>} xs */
function maximum(xs) {
  let m = xs[0];
  for (let j = 1; j < xs.length; j++) if (xs[j] > m) m = xs[j];
  return m;
}

/** e^(s_j − m) / Σ e^(s_i − m), m = max s. @param {ArrayLike<number>} out @returns {number[]} */
export function softmax(out) {
  const m = maximum(out);
  const exps = Array.from(out, (v) => Math.exp(v - m));
  let total = exps[0];
  for (let j = 1; j < exps.length; j++) total = total + exps[j];
  return exps.map((e) => e / total);
}

/**
 * One full-batch pass: the cost J, correct predictions, and dJ/dw added into `grads` (zeroed first).
 * @param {Network} net @param {ArrayLike<number>} w @param {Samples} data @param {LossRule} loss
 * @param {Float64Array} grads
 * @returns {{cost: number, hits: number}} */
export function costAndGradients(net, w, data, loss, grads) {
  const m = data.xs.length;
  const scale = m > 1 ? 1 / m : 1; // J = (L1 + ... + Lm)/m: each sample's upstream is 1/m
  const gOut = new Float64Array(net.sizes[net.sizes.length - 1]);
  grads.fill(0);
  let total = 0,
    hits = 0;
  for (let i = 0; i < m; i++) {
    const out = net.forward(w, data.xs[i]);
    const y = data.ys[i];
    const value = loss.value(out, y);
    total = i === 0 ? value : total + value;
    if (loss.predict && loss.predict(out) === y) hits++;
    loss.grad(out, y, scale, gOut);
    net.backward(w, gOut, grads);
  }
  return { cost: m > 1 ? total / m : total, hits };
}

/** Python's f"{x:.3g}" for the messages (non-finite numbers as Python writes them).
 * @param {number} x */
function g3(x) {
  if (x !== x) return "nan";
  if (!isFinite(x)) return x > 0 ? "inf" : "-inf";
  const parts = x.toExponential(2).split("e");
  const exp = parseInt(parts[1], 10);
  if (exp < -4 || exp >= 3) {
    const mantissa = parts[0].replace(/\.?0+$/, "");
    return mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
  }
  return x
    .toFixed(Math.max(0, 2 - exp))
    .replace(/(\.\d*?)0+$/, "$1")
    .replace(/\.$/, "");
}

/** A run that blew up: `epoch` (1-based) and `reason` in words; the weights are those before it. */
export class Divergence extends Error {
  /** @param {number} epoch @param {string} reason */
  constructor(epoch, reason) {
    super(`diverged at epoch ${epoch}: ${reason}; try a smaller α`);
    this.epoch = epoch;
    this.reason = reason;
  }
}

/**
 * @typedef {object} TrainerOptions
 * @property {Network} net
 * @property {Samples} data
 * @property {string} loss  a key of LOSSES
 * @property {Stepper} optimizer  optim.js's createOptimizer(...), over the flat weights
 * @property {number[]} weights  the starting weights, parameters() order
 * @property {number} maxRise  train.MAX_RISE
 */

/**
 * @typedef {object} Trainer
 * @property {() => {epoch: number, loss: number, accuracy: number | null}} epoch  one epoch, or a Divergence thrown
 * @property {() => number[]} weights  the current weights (a copy)
 * @property {() => number} count  epochs done
 * @property {number[]} losses  J of each epoch, before its update (fit's history.loss)
 * @property {number[]} accuracies  the training accuracy of each epoch, for classifiers
 * @property {() => string} diverged  the message of the divergence that stopped the run, or ""
 * @property {() => Float64Array} gradients  dJ/dw at the current weights (nothing changes)
 * @property {(x: ArrayLike<number>) => Float64Array} outputs  the network's outputs at the current weights
 */

/** fit's full-batch loop, one epoch per call; a run that diverges keeps the weights it had.
 * @param {TrainerOptions} o
 * @returns {Trainer} */
export function createTrainer(o) {
  const loss = LOSSES[o.loss];
  if (!loss) throw new RangeError("unknown loss " + JSON.stringify(o.loss));
  let weights = o.weights.slice();
  const grads = new Float64Array(o.net.count);
  /** @type {number[]} */
  const losses = [];
  /** @type {number[]} */
  const accuracies = [];
  let failed = "";

  /** @param {number} epoch @param {string} reason */
  function fail(epoch, reason) {
    const error = new Divergence(epoch, reason);
    failed = error.message;
    throw error;
  }

  function epoch() {
    if (failed) throw new Divergence(losses.length + 1, "this run has already diverged");
    const number = losses.length + 1;
    const { cost, hits } = costAndGradients(o.net, weights, o.data, loss, grads);
    const start = losses.length ? losses[0] : cost;
    if (!isFinite(cost)) fail(number, `the loss became ${g3(cost)} (it started at ${g3(start)})`);
    if (!grads.every(isFinite)) fail(number, "a gradient became inf or nan");
    let next;
    try {
      next = o.optimizer.step(weights, Array.from(grads));
    } catch (error) {
      fail(number, error instanceof Error ? error.message : String(error));
    }
    // the same rule as fit: a cost MAX_RISE times the first epoch's has left any valley
    if (start > 0 && cost > o.maxRise * start) fail(number, `the loss rose from ${g3(start)} to ${g3(cost)}`);
    weights = /** @type {number[]} */ (next);
    losses.push(cost);
    const accuracy = loss.predict ? hits / o.data.xs.length : null;
    if (accuracy !== null) accuracies.push(accuracy);
    return { epoch: number, loss: cost, accuracy };
  }

  return {
    epoch,
    weights: () => weights.slice(),
    count: () => losses.length,
    losses,
    accuracies,
    diverged: () => failed,
    gradients() {
      const fresh = new Float64Array(o.net.count);
      costAndGradients(o.net, weights, o.data, loss, fresh);
      return fresh;
    },
    outputs: (x) => o.net.forward(weights, x),
  };
}

export { g3 as formatG3 };
