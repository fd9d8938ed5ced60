// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import { DATASETS, blobs, makeDataset } from "../../micrograd_like/page/assets/js/datasets.js";
import { datasetErrors, datasets, near, seedOf } from "./pyrandom_fixtures.js";

test("the page knows Python's datasets, in Python's order", () => {
  const names = [...new Set(datasets.map((d) => d.name))];
  assert.deepEqual(Object.keys(DATASETS), names);
});

test("every dataset is Python's, point for point and label for label", () => {
  let points = 0;
  for (const c of datasets) {
    const seed = seedOf(c.seed);
    const d =
      c.centers === undefined
        ? makeDataset(c.name, c.n, { noise: c.noise, seed })
        : blobs(c.n, /** @type {number} */ (c.noise), seed, c.centers);
    const where = `${c.name}(${c.n}, noise=${c.noise}, seed=${c.seed})`;
    assert.equal(d.name, c.name, where);
    assert.equal(d.task, c.task, where);
    assert.equal(d.nout, c.nout, where);
    if (c.task === "regression") {
      assert.equal(d.ys.length, c.ys.length, where);
      d.ys.forEach((y, i) => assert.ok(near(y, c.ys[i]), `${where}: ys[${i}] ${y} != ${c.ys[i]}`));
    } else {
      assert.deepEqual(d.ys, c.ys, where); // labels: exact
    }
    assert.equal(d.xs.length, c.xs.length, where);
    d.xs.forEach((x, i) => {
      assert.equal(x.length, c.xs[i].length, where);
      x.forEach((v, k) => assert.ok(near(v, c.xs[i][k]), `${where}: xs[${i}][${k}] ${v} != ${c.xs[i][k]}`));
    });
    points += d.xs.length;
  }
  assert.ok(points > 2500, `${points} points`);
});

test("bad arguments get Python's messages", () => {
  for (const [name, n, noise, message] of datasetErrors) {
    const value = noise === "nan" ? NaN : /** @type {number | null} */ (noise);
    assert.throws(() => makeDataset(name, n, { noise: value }), { message }, `${name}(${n}, ${noise})`);
  }
  assert.throws(() => blobs(10, 0.5, 0, 1), { message: "centers must be an integer in [2, 100], got 1" });
  assert.throws(() => makeDataset("moons", 2.5), { message: "n must be an integer in [2, 100000], got 2.5" });
});

test("defaults are Python's: n 100, the generator's noise, seed 0", () => {
  const ours = makeDataset("spiral");
  const python = datasets.find(
    (c) => c.name === "spiral" && c.n === 100 && c.noise === null && c.seed === "0",
  );
  assert.ok(python);
  assert.deepEqual(ours.ys, python.ys);
  assert.deepEqual(DATASETS.spiral().xs, ours.xs);
});
