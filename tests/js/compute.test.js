// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import { backwardProblem, compute, forward } from "../../micrograd_like/page/assets/js/compute.js";
import { close, graph, graphs } from "./fixtures.js";

test("every exported graph computes the engine's values, gradients and steps", () => {
  let checked = 0;
  for (const g of graphs) {
    for (const c of g.cases) {
      if ("error" in c.expect) continue;
      const got = compute(g.math, g.data, c.leaf);
      assert.ok(!("error" in got), g.name + ": " + ("error" in got ? got.error : ""));
      c.expect.values.forEach((v, i) => assert.ok(close(got.values[i], v), g.name + " value " + i));
      c.expect.grads.forEach((v, i) => assert.ok(close(got.grads[i], v), g.name + " grad " + i));
      c.expect.steps.forEach((step, s) =>
        step.forEach((part, k) => {
          const mine = got.steps[s][k];
          const [a, b] = typeof part === "number" ? [[mine], [part]] : [mine, part];
          assert.ok(/** @type {number[]} */ (a).every((x, j) => close(x, /** @type {number[]} */ (b)[j])));
        }),
      );
      checked += 1;
    }
  }
  assert.ok(checked >= 8);
});

test("the exported data's reference numbers are the first case's", () => {
  for (const g of graphs) {
    const first = g.cases[0].expect;
    assert.ok(!("error" in first));
    assert.deepEqual(g.data.reference.values, first.values);
    assert.deepEqual(g.data.reference.grads, first.grads);
  }
});

test("a failed check gives the engine's message, naming the node", () => {
  const g = graph("every op");
  const failing = g.cases.filter((c) => "error" in c.expect && c.expect.error.startsWith("log("));
  assert.equal(failing.length, 2);
  for (const c of failing) {
    const got = forward(g.math, g.data, c.leaf);
    assert.ok("error" in got);
    assert.equal(got.error, "error" in c.expect ? c.expect.error : "");
    assert.equal(g.data.nodes[/** @type {number} */ (got.node)].op, "log");
  }
});

test("an overflow gives the engine's message", () => {
  const g = graph("every op");
  const c = g.cases.find((c) => "error" in c.expect && c.expect.error.startsWith("exp("));
  assert.ok(c && "error" in c.expect);
  const got = compute(g.math, g.data, c.leaf);
  assert.ok("error" in got);
  assert.equal(got.error, c.expect.error);
});

test("a non-finite gradient gives backward's message: one contribution, then a sum", () => {
  const g = graph("non-finite gradients");
  const cases = g.cases.filter((c) => "error" in c.expect);
  assert.equal(cases.length, 2);
  for (const c of cases) {
    const got = compute(g.math, g.data, c.leaf);
    assert.ok("error" in got && "error" in c.expect);
    assert.equal(got.error, c.expect.error);
    assert.equal(got.node, null);
  }
  const [first, second] = cases.map((c) => ("error" in c.expect ? c.expect.error : ""));
  assert.match(first, /at mul node/);
  assert.match(second, /below mul node a·b \(data 1e-300\), .* add up to inf/);
});

test("finite gradients have no problem", () => {
  const g = graph("worked example");
  const values = g.data.reference.values;
  assert.equal(backwardProblem(g.data, values, g.math.backward(values)), null);
});

test("an error that is not the math's is not swallowed", () => {
  const g = graph("a shared input");
  const broken = {
    ...g.math,
    forward: () => {
      throw new TypeError("broken");
    },
  };
  assert.throws(() => compute(broken, g.data, g.cases[0].leaf), TypeError);
});
