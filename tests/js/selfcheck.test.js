// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import { disagreement } from "../../micrograd_like/page/assets/js/selfcheck.js";

const nodes = [{ name: "L" }, { name: "w[2]12" }];
const engine = { values: [0.25, -0.7], grads: [1, 0.1875] };

test("the page's own numbers equal to the engine's say nothing", () => {
  assert.equal(disagreement({ values: [0.25, -0.7], grads: [1, 0.1875] }, engine, nodes), null);
  const ulp = 0.1875 * (1 + 2 ** -52); // a last-bit difference is within 1e-12
  assert.equal(disagreement({ values: [0.25, -0.7], grads: [1, ulp] }, engine, nodes), null);
});

test("a gradient off by more than 1e-12 names the node and the difference", () => {
  const message = disagreement({ values: [0.25, -0.7], grads: [1, 0.1876] }, engine, nodes);
  assert.ok(message && message.includes("at w[2]12 (by 9.99999"), String(message));
});

test("a value that is not a number is a disagreement too", () => {
  const message = disagreement({ values: [Number.NaN, -0.7], grads: [1, 0.1875] }, engine, nodes);
  assert.ok(message && message.includes("at L"), String(message));
});
