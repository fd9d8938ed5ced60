// @ts-check
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  createNetwork,
  costAndGradients,
  formatG3,
  makeLosses,
} from "../../micrograd_like/page/assets/js/trainingcore.js";
import { resolve, startRun } from "../../micrograd_like/page/assets/js/trainingrun.js";

/** What tools/training_fixtures.py writes from fit. */
const FIXTURES = JSON.parse(readFileSync(new URL("./training_fixtures.json", import.meta.url), "utf8"));
/** @type {import("../../micrograd_like/page/assets/js/trainingrun.js").TrainingPart} */
const PART = FIXTURES.part;
/** The page's MG_TRAINING_RULES, the script Python generates from the rule table. */
const RULES = new Function(FIXTURES.rules + "; return MG_TRAINING_RULES;")();
const LOSSES = makeLosses(RULES);

/** @param {Record<string, unknown>} settings */
function given(settings) {
  const copy = Object.assign({}, settings);
  delete copy.epochs;
  return /** @type {any} */ (copy);
}

test("N epochs give fit's cost every epoch and its weights after the last, to 1e-9", () => {
  let worst = 0;
  for (const run of FIXTURES.runs.filter((/** @type {any} */ r) => !r.diverged)) {
    const page = startRun(PART, resolve(PART, given(run.settings)), RULES);
    assert.deepEqual(page.architecture, run.architecture);
    const losses = [];
    for (let i = 0; i < run.settings.epochs; i++) losses.push(page.trainer.epoch().loss);
    const model = page.model();
    assert.deepEqual(Object.keys(model.state_dict), Object.keys(run.state_dict));
    for (const name of Object.keys(run.state_dict)) {
      const diff = Math.abs(model.state_dict[name] - run.state_dict[name]);
      worst = Math.max(worst, diff);
      assert.ok(diff <= 1e-9, `${JSON.stringify(run.settings)} ${name}: ${diff}`);
    }
    losses.forEach((loss, i) => assert.ok(Math.abs(loss - run.losses[i]) <= 1e-9 * (1 + run.losses[i])));
  }
  assert.ok(worst < 1e-9, `largest difference ${worst}`);
});

test("a run that diverges stops where fit does, with fit's numbers, and keeps finite weights", () => {
  const run = FIXTURES.runs.find((/** @type {any} */ r) => r.diverged);
  const page = startRun(PART, resolve(PART, given(run.settings)), RULES);
  let message = "";
  let before = page.trainer.weights();
  for (let i = 0; i < run.settings.epochs && !message; i++) {
    try {
      before = page.trainer.weights();
      page.trainer.epoch();
    } catch (error) {
      message = String(/** @type {Error} */ (error).message);
    }
  }
  assert.equal(message, `diverged at epoch ${run.diverged.epoch}: ${run.diverged.reason}; try a smaller α`);
  assert.deepEqual(page.trainer.weights(), before);
  assert.ok(page.trainer.weights().every(isFinite));
  assert.equal(page.trainer.diverged(), message);
  assert.throws(() => page.trainer.epoch(), /already diverged/);
});

test("the network's gradients are finite differences of its cost", () => {
  const net = createNetwork([2, 3, 2, 3], "tanh", "linear", RULES);
  const data = {
    xs: [
      [0.5, -1],
      [1.5, 0.25],
      [-0.3, 0.7],
    ],
    ys: [0, 2, 1],
  };
  const w = Array.from({ length: net.count }, (_, i) => Math.sin(1 + i * 1.7) * 0.8);
  const grads = new Float64Array(net.count);
  costAndGradients(net, w, data, LOSSES.softmax_ce, grads);
  const h = 1e-6;
  w.forEach((_, i) => {
    const up = w.slice(),
      down = w.slice();
    up[i] += h;
    down[i] -= h;
    const scratch = new Float64Array(net.count);
    const numeric =
      (costAndGradients(net, up, data, LOSSES.softmax_ce, scratch).cost -
        costAndGradients(net, down, data, LOSSES.softmax_ce, scratch).cost) /
      (2 * h);
    assert.ok(Math.abs(numeric - grads[i]) < 1e-7, `w${i}: ${numeric} vs ${grads[i]}`);
  });
});

test("settings: defaults filled as train fills them, bad ones named", () => {
  const s = resolve(PART, { dataset: "regression", optimizer: "sgd" });
  assert.equal(s.lr, 0.1); // the preset's regression rate
  assert.equal(s.loss, "mse");
  assert.equal(s.noise, 0.1);
  assert.throws(() => resolve(PART, { hidden: [9] }), /hidden\[0\] must be an integer in \[1, 8\]/);
  assert.throws(() => resolve(PART, { hidden: [1, 1, 1, 1, 1, 1, 1] }), /1 to 6 layer widths/);
  assert.throws(() => resolve(PART, { dataset: "moons", loss: "mse" }), /loss for a binary dataset/);
  assert.throws(() => resolve(PART, { optimizer: "lbfgs" }), /unknown optimizer "lbfgs"/);
  assert.throws(() => resolve(PART, /** @type {any} */ ({ colour: 1 })), /unknown setting "colour"/);
});

test("numbers in messages are Python's .3g", () => {
  const cases = [
    [0.7655449917669893, "0.766"],
    [7277.59410344786, "7.28e+03"],
    [1.5, "1.5"],
    [100, "100"],
    [0.0001234, "0.000123"],
    [Infinity, "inf"],
    [NaN, "nan"],
  ];
  for (const [x, text] of cases) assert.equal(formatG3(/** @type {number} */ (x)), text);
});
