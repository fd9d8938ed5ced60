// @ts-check
/* optim.js against micrograd_like/optim.py: every optimizer on random settings and gradients
 * (tools/page_fixtures.py), the parameters after each step; and its errors. */

import assert from "node:assert/strict";
import { test } from "node:test";

import { createOptimizer, withDefaults } from "../../micrograd_like/page/assets/js/optim.js";
import { optimCases, optimizers } from "./fixtures.js";

/** @param {number} a @param {number} b */
const near = (a, b) => a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

test("every optimizer's trajectory equals optim.py's on random settings", () => {
  assert.equal(new Set(optimCases.map((c) => c.name)).size, 5);
  for (const c of optimCases) {
    const opt = createOptimizer(c.name, optimizers[c.name], c.options);
    let theta = c.start.slice();
    c.grads.forEach((g, k) => {
      theta = opt.step(theta, g);
      theta.forEach((x, i) =>
        assert.ok(
          near(x, c.thetas[k][i]),
          `${c.name} ${JSON.stringify(c.options)} step ${k + 1}: ${x} vs ${c.thetas[k][i]}`,
        ),
      );
    });
    assert.equal(opt.steps(), c.grads.length);
  }
});

test("options: defaults filled in, unknown names and wrong types refused", () => {
  assert.deepEqual({ ...withDefaults("SGD", optimizers.SGD, { lr: 0.5 }) }, { ...optimizers.SGD, lr: 0.5 });
  assert.throws(
    () => withDefaults("SGD", optimizers.SGD, { beta: 1 }),
    /SGD has no option "beta"; its options: lr/,
  );
  assert.throws(
    () => withDefaults("Adam", optimizers.Adam, { betas: 0.9 }),
    /betas must be like \[0.9,0.999\]/,
  );
  assert.throws(() => withDefaults("SGD", optimizers.SGD, { lr: NaN }), /lr must be like/);
  assert.throws(
    () => createOptimizer("SGD", optimizers.SGD, { nesterov: true }),
    /Nesterov momentum needs momentum > 0/,
  );
  assert.throws(() => createOptimizer("Momentum", optimizers.SGD, {}), /unknown optimizer "Momentum"/);
});

test("a step that would overflow changes nothing", () => {
  const opt = createOptimizer("SGD", optimizers.SGD, { lr: 1e308 });
  assert.throws(() => opt.step([1, 2], [1, 1e10]), /parameter 1 would become -Infinity/);
  assert.equal(opt.steps(), 0);
  assert.deepEqual(opt.step([1, 2], [1, 0]), [1 - 1e308, 2]);
});
