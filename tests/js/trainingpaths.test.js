// @ts-check
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { parameterNames } from "../../micrograd_like/page/assets/js/mlp.js";
import { PyRandom } from "../../micrograd_like/page/assets/js/pyrandom.js";
import { createNetwork, makeLosses } from "../../micrograd_like/page/assets/js/trainingcore.js";
import {
  locate,
  pathSum,
  sampleGradient,
  sampleValues,
} from "../../micrograd_like/page/assets/js/trainingpaths.js";

/** What tools/training_fixtures.py writes: `paths` holds one sample's dL/dw from the engine. */
const FIXTURES = JSON.parse(readFileSync(new URL("./training_fixtures.json", import.meta.url), "utf8"));
const RULES = new Function(FIXTURES.rules + "; return MG_TRAINING_RULES;")();
const LOSSES = makeLosses(RULES);
const TOLERANCE = 1e-12;

/** |a − b| within 1e-12 of the paths' size Σ|product| (the sum's own rounding scales with it, not
 * with |total|, which cancellation can make small). @param {number} a @param {number} b @param {number} scale */
const close = (a, b, scale) => Math.abs(a - b) <= TOLERANCE * Math.max(scale, Math.abs(a), Math.abs(b));

/** How many paths lead from L to a parameter of layer `layer`: one unit per layer above it.
 * @param {number[]} sizes @param {number} layer */
const expectedCount = (sizes, layer) => sizes.slice(layer + 1).reduce((n, width) => n * width, 1);

test("the sum over paths is the engine's dL/dw for one sample, by backward and by explain", () => {
  assert.ok(FIXTURES.paths.length >= 6);
  for (const c of FIXTURES.paths) {
    const a = c.architecture;
    const sizes = [a.nin, ...a.nouts];
    const net = createNetwork(sizes, a.activation, a.output_activation, RULES);
    const names = parameterNames(a.nin, a.nouts);
    assert.deepEqual(names, Object.keys(c.state_dict));
    const w = names.map((n) => c.state_dict[n]);
    const loss = LOSSES[c.loss];
    const values = sampleValues(net, w, c.x, c.y, loss, RULES);
    const backward = sampleGradient(net, w, c.x, c.y, loss);
    let nonzero = 0;
    names.forEach((name, i) => {
      const sum = pathSum(net, w, values, i, { name });
      const where = `${JSON.stringify(a)} ${c.loss} ${name}`;
      assert.equal(sum.count, expectedCount(sizes, locate(net, i).layer), where);
      assert.ok(
        close(sum.total, c.gradient[name], sum.scale),
        `${where}: ${sum.total} vs ${c.gradient[name]}`,
      );
      assert.ok(close(sum.total, c.explained[name], sum.scale), `${where}: ${sum.total} vs explain`);
      assert.ok(close(backward[i], c.gradient[name], sum.scale), `${where}: backward ${backward[i]}`);
      if (c.gradient[name] !== 0) nonzero++;
    });
    assert.ok(nonzero >= names.length / 2, `${JSON.stringify(a)}: most gradients are not 0`);
  }
});

/** A random small network, weights, sample and a loss that fits its outputs. @param {PyRandom} rng */
function randomCase(rng) {
  const hidden = Array.from({ length: rng.randint(1, 3) }, () => rng.randint(1, 4));
  const nout = rng.randint(1, 3);
  const sizes = [rng.randint(1, 3), ...hidden, nout];
  const activation = /** @type {const} */ (["tanh", "relu", "sigmoid"])[rng.randint(0, 2)];
  const lossName =
    nout > 1 ? "softmax_ce" : /** @type {const} */ (["bce_logits", "mse", "logistic"])[rng.randint(0, 2)];
  const output = lossName === "logistic" ? "sigmoid" : "linear";
  const net = createNetwork(sizes, activation, output, RULES);
  const w = Array.from({ length: net.count }, () => rng.uniform(-1.5, 1.5));
  const x = Array.from({ length: sizes[0] }, () => rng.uniform(-2, 2));
  const y =
    lossName === "softmax_ce"
      ? rng.randint(0, nout - 1)
      : lossName === "mse"
        ? rng.gauss(0, 1)
        : rng.randint(0, 1);
  return { sizes, net, w, x, y, loss: LOSSES[lossName] };
}

test("random networks: the sum over paths equals the backward pass's per-sample gradient", () => {
  const rng = new PyRandom(23);
  let checked = 0;
  for (let trial = 0; trial < 200; trial++) {
    const { sizes, net, w, x, y, loss } = randomCase(rng);
    const values = sampleValues(net, w, x, y, loss, RULES);
    const backward = sampleGradient(net, w, x, y, loss);
    for (let i = 0; i < net.count; i++) {
      const sum = pathSum(net, w, values, i);
      assert.equal(sum.count, expectedCount(sizes, locate(net, i).layer));
      assert.equal(sum.paths.length, sum.count);
      assert.ok(close(sum.total, backward[i], sum.scale), `${sizes} #${i}: ${sum.total} vs ${backward[i]}`);
      checked++;
    }
  }
  assert.ok(checked > 2000);
});

test("each path's product is its factors multiplied from the top; the listing keeps the largest", () => {
  const rng = new PyRandom(7);
  const net = createNetwork([2, 4, 3, 2], "tanh", "linear", RULES);
  const w = Array.from({ length: net.count }, () => rng.uniform(-1, 1));
  const x = [0.3, -1.2];
  const values = sampleValues(net, w, x, 1, LOSSES.softmax_ce, RULES);
  const index = 5; // w[1]32: layer 1, unit 3, input 2
  assert.deepEqual(locate(net, index), { layer: 1, unit: 2, input: 1 });
  const all = pathSum(net, w, values, index, { name: "w[1]32" });
  const top = pathSum(net, w, values, index, { name: "w[1]32", limit: 4 });
  assert.equal(all.count, 2 * 3);
  assert.equal(top.paths.length, 4);
  assert.equal(top.rest.count, 2);
  assert.equal(top.total, all.total);
  const sizes = all.paths.map((p) => Math.abs(p.product)).sort((a, b) => b - a);
  assert.deepEqual(
    top.paths.map((p) => Math.abs(p.product)),
    sizes.slice(0, 4),
  );
  const shown = top.paths.reduce((s, p) => s + p.product, 0);
  assert.ok(Math.abs(shown + top.rest.sum - all.total) <= 1e-15 * all.scale * 4);
  for (const path of all.paths) {
    assert.equal(
      path.factors.reduce((p, f) => p * f.value, 1),
      path.product,
    );
    const names = path.factors.map((f) => f.name);
    // dL/dŷo · dŷo/ds[3]o · ds[3]o/dz[2]a · dz[2]a/ds[2]a · ds[2]a/dz[1]3 · dz[1]3/ds[1]3 · ds[1]3/dw[1]32
    assert.equal(names.length, 7);
    assert.match(names[0], /^dL\/dŷ[12]$/);
    assert.equal(names[6], "ds[1]3/dw[1]32");
    assert.equal(path.factors[6].value, x[1]);
    assert.equal(path.factors[1].value, 1); // a linear output: ŷ = s
  }
  // the output layer's bias: one path per ... only its own output, ds/db = 1
  const bias = pathSum(net, w, values, net.count - 1);
  assert.equal(bias.count, 1);
  assert.deepEqual(
    bias.paths[0].factors.map((f) => f.name),
    ["dL/dŷ2", "dŷ2/ds[3]2", "ds[3]2/db[3]2"],
  );
  assert.equal(bias.paths[0].factors[2].value, 1);
});

test("the activations' derivatives along a path are the rule table's: 1 − z², 0/1, z(1 − z)", () => {
  for (const [activation, expected] of /** @type {const} */ ([
    ["tanh", (/** @type {number} */ z) => 1 - z * z],
    ["relu", (/** @type {number} */ z) => (z > 0 ? 1 : 0)],
    ["sigmoid", (/** @type {number} */ z) => z * (1 - z)],
  ])) {
    const net = createNetwork([2, 3, 1], activation, "linear", RULES);
    const w = [0.5, -0.4, -0.9, 0.2, 0.3, 0.8, 0.1, -0.1, 0.05, 1.1, -0.7, 0.6, 0.2];
    const values = sampleValues(net, w, [1, 2], 0.5, LOSSES.mse, RULES);
    values.z[1].forEach((z, j) => assert.equal(values.slope[1][j], expected(z)));
    assert.deepEqual(values.slope[2], [1]);
    // mse: dL/dŷ = 2(ŷ − y)
    assert.equal(values.dLdOut[0], 2 * (values.z[2][0] - 0.5));
  }
});

test("a parameter that is not there is a RangeError naming how many there are", () => {
  const net = createNetwork([2, 2, 1], "tanh", "linear", RULES);
  assert.throws(() => locate(net, net.count), /no parameter number 9: this network has 9/);
  assert.throws(() => locate(net, -1), RangeError);
  assert.throws(() => locate(net, 1.5), RangeError);
});
