// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  initialModel,
  initialWeights,
  modelDocument,
  parameterNames,
} from "../../micrograd_like/page/assets/js/mlp.js";
import { models, seedOf } from "./pyrandom_fixtures.js";

test("a new MLP's file is Python's: architecture, names in parameters() order, every weight exact", () => {
  let weights = 0;
  for (const { seed, file } of models) {
    const ours = initialModel(file.architecture, seedOf(seed));
    assert.deepEqual(ours, file, `${JSON.stringify(file.architecture)} seed ${seed}`);
    assert.deepEqual(Object.keys(ours.state_dict), Object.keys(file.state_dict)); // the order too
    weights += Object.keys(ours.state_dict).length;
  }
  assert.ok(models.length >= 20 && weights > 1000, `${models.length} models, ${weights} weights`);
});

test("names and weights line up: parameterNames and initialWeights in the same order", () => {
  const names = parameterNames(2, [2, 1]);
  assert.deepEqual(names, [
    "w[1]11",
    "w[1]12",
    "w[1]21",
    "w[1]22",
    "b[1]1",
    "b[1]2",
    "w[2]11",
    "w[2]12",
    "b[2]1",
  ]);
  assert.deepEqual(
    parameterNames(10, [1], false),
    Array.from({ length: 10 }, (_, k) => `w[1]1,${k + 1}`),
  );
  const w = initialWeights(2, [2, 1], 3);
  assert.equal(w.length, names.length);
  const bound = 1 / Math.sqrt(2);
  assert.ok(w.every((x) => Math.abs(x) <= bound));
});

test("bad shapes and weights are named", () => {
  assert.throws(() => parameterNames(2, []), /at least one layer/);
  assert.throws(() => parameterNames(2, [3, 0]), /nouts\[1\] must be an integer >= 1, got 0/);
  const arch = { nin: 1, nouts: [1], activation: "tanh", output_activation: null, bias: true };
  assert.throws(() => modelDocument(arch, [1]), /2 parameters, got 1 weights/);
  assert.throws(() => modelDocument(arch, [1, NaN]), /weight b\[1\]1 is NaN/);
});
