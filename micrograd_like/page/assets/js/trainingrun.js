// @ts-check
/* A training run from the chapter's settings, as `micrograd-like train` sets one up: the dataset
 * (datasets.js, Python's points), MLP(nin, [...hidden, nout], activation, output_activation=
 * "linear", seed) with its initial weights (mlp.js), the optimizer preset with its learning rate
 * for the task (optim.js), the task's default loss, and fit's full-batch epochs (trainingcore.js).
 * The logistic loss needs a probability, so with it the last layer is "sigmoid". No DOM here. */

import { makeDataset } from "./datasets.js";
import { initialWeights, modelDocument } from "./mlp.js";
import { createOptimizer } from "./optim.js";
import { createNetwork, createTrainer, makeLosses } from "./trainingcore.js";

/**
 * The chapter's data, micrograd_like/page/training.py's training_part().
 * @typedef {object} TrainingPart
 * @property {Record<string, {task: string, nin: number, nout: number, noise: number}>} datasets
 * @property {Record<string, {optimizer: string, options: Record<string, number | boolean>, lr: number, regression_lr: number | null}>} presets
 * @property {Record<string, import("./optim.js").Options>} optimizers
 * @property {Record<string, {tasks: string[], outputs: string[] | null}>} losses
 * @property {Record<string, string>} default_loss
 * @property {string[]} activations
 * @property {number} max_rise
 * @property {{layers: number, width: number, samples: number}} limits
 * @property {Settings} defaults
 */

/**
 * What a run is made from; null means "the default" (the dataset's noise, the preset's rate, the
 * task's loss) in what is given, and is filled in by `resolve`.
 * @typedef {object} Settings
 * @property {string} dataset
 * @property {number} samples
 * @property {number | null} noise
 * @property {number[]} hidden
 * @property {string} activation
 * @property {string} optimizer  a preset name: sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam
 * @property {number | null} lr
 * @property {number} seed
 * @property {string | null} loss
 * @property {Record<string, number | boolean | number[]>} [options]  the optimizer's other keyword arguments
 */

/**
 * @typedef {object} Run
 * @property {Settings} settings  every entry filled in
 * @property {import("./datasets.js").Dataset} data
 * @property {import("./trainingcore.js").Network} net
 * @property {import("./trainingcore.js").Trainer} trainer
 * @property {import("./mlp.js").Architecture} architecture
 * @property {string[]} names  the parameters' names, parameters() order
 * @property {() => import("./mlp.js").ModelDocument} model  what MLP.save writes for the current weights
 */

/** @param {string} what @param {unknown} value @param {string[]} known */
function oneOf(what, value, known) {
  if (typeof value !== "string" || known.indexOf(value) < 0) {
    throw new RangeError(`unknown ${what} ${JSON.stringify(value)}; choose one of ${known.join(", ")}`);
  }
  return value;
}

/** @param {string} what @param {unknown} value @param {number} low @param {number} high */
function integer(what, value, low, high) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < low || value > high) {
    throw new RangeError(`${what} must be an integer in [${low}, ${high}], got ${String(value)}`);
  }
  return value;
}

/** The settings checked, with `given` over `base` and every default filled in; a RangeError
 * names the first setting that is wrong.
 * @param {TrainingPart} part @param {Partial<Settings>} given @param {Settings} [base]
 * @returns {Settings} */
export function resolve(part, given, base) {
  const known = Object.keys(part.defaults).concat(["options"]);
  Object.keys(given).forEach((key) => oneOf("setting", key, known));
  /** @type {Settings} */
  const s = Object.assign({}, base || part.defaults, given);
  const dataset = oneOf("dataset", s.dataset, Object.keys(part.datasets));
  const info = part.datasets[dataset];
  const limits = part.limits;
  integer("samples", s.samples, 2, limits.samples);
  if (!Array.isArray(s.hidden) || s.hidden.length < 1 || s.hidden.length > limits.layers) {
    throw new RangeError(
      `hidden must list 1 to ${limits.layers} layer widths, got ${JSON.stringify(s.hidden)}`,
    );
  }
  s.hidden.forEach((w, i) => integer(`hidden[${i}]`, w, 1, limits.width));
  oneOf("activation", s.activation, part.activations);
  const preset = part.presets[oneOf("optimizer", s.optimizer, Object.keys(part.presets))];
  integer("seed", s.seed, 0, 2 ** 31 - 1);
  const noise = s.noise === null || s.noise === undefined ? info.noise : s.noise;
  if (typeof noise !== "number" || !(noise >= 0 && noise <= 100)) {
    throw new RangeError(`noise must be a number in [0, 100], got ${String(s.noise)}`);
  }
  const rate =
    s.lr === null || s.lr === undefined
      ? info.task === "regression" && preset.regression_lr !== null
        ? preset.regression_lr
        : preset.lr
      : s.lr;
  if (typeof rate !== "number" || !(rate > 0 && isFinite(rate))) {
    throw new RangeError(`lr must be a finite number > 0, got ${String(s.lr)}`);
  }
  const fits = Object.keys(part.losses).filter((name) => part.losses[name].tasks.indexOf(info.task) >= 0);
  const loss = s.loss === null || s.loss === undefined ? part.default_loss[info.task] : s.loss;
  oneOf(`loss for a ${info.task} dataset:`, loss, fits);
  return {
    dataset,
    samples: s.samples,
    noise,
    hidden: s.hidden.slice(),
    activation: s.activation,
    optimizer: s.optimizer,
    lr: rate,
    seed: s.seed,
    loss,
    options: Object.assign({}, preset.options, s.options || {}),
  };
}

/** A fresh run (epoch 0) for settings `resolve` has checked, on the rule table's ops.
 * @param {TrainingPart} part @param {Settings} settings
 * @param {import("./trainingcore.js").Rules} rules  the page's MG_TRAINING_RULES
 * @returns {Run} */
export function startRun(part, settings, rules) {
  const data = makeDataset(settings.dataset, settings.samples, {
    noise: settings.noise,
    seed: settings.seed,
  });
  const info = part.datasets[settings.dataset];
  const loss = /** @type {string} */ (settings.loss);
  const outputs = part.losses[loss].outputs;
  const output = outputs ? outputs[0] : "linear";
  /** @type {import("./mlp.js").Architecture} */
  const architecture = {
    nin: info.nin,
    nouts: [...settings.hidden, info.nout],
    activation: settings.activation,
    output_activation: output,
    bias: true,
  };
  const net = createNetwork(
    [info.nin, ...architecture.nouts],
    /** @type {import("./trainingcore.js").ActivationName} */ (settings.activation),
    /** @type {import("./trainingcore.js").ActivationName} */ (output),
    rules,
  );
  const preset = part.presets[settings.optimizer];
  const optimizer = createOptimizer(
    preset.optimizer,
    part.optimizers[preset.optimizer],
    Object.assign({}, settings.options, { lr: settings.lr }),
  );
  const weights = initialWeights(info.nin, architecture.nouts, settings.seed);
  const rule = makeLosses(rules)[loss];
  const trainer = createTrainer({ net, data, loss: rule, optimizer, weights, maxRise: part.max_rise });
  const doc = modelDocument(architecture, weights);
  return {
    settings,
    data,
    net,
    trainer,
    architecture,
    names: Object.keys(doc.state_dict),
    model: () => modelDocument(architecture, trainer.weights()),
  };
}
