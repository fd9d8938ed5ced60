// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import { numberText } from "../../micrograd_like/page/assets/js/format.js";
import {
  forwardLine,
  forwardNumbers,
  forwardPanel,
  phaseOf,
  shownNodes,
} from "../../micrograd_like/page/assets/js/forward.js";
import { textOf } from "../../micrograd_like/page/assets/js/markup.js";
import { graph, graphs } from "./fixtures.js";

const g = graph("worked example");
const { text, paren } = numberText(g.data.constants.text_digits);
const values = g.data.reference.values;
const t = { data: g.data, current: { values, ...g.math.backward(values) }, text, paren };

test("the worked example's forward pass is the post's, in its order, with its numbers", () => {
  const names = g.data.forward.map((f) => g.data.nodes[f.node].name);
  assert.deepEqual(names, ["s[1]1", "s[1]2", "z[1]1", "z[1]2", "s[2]", "z[2]", "L"]);
  assert.equal(forwardLine(t, 0), "s[1]1 = w[1]11·x1+w[1]12·x2 = 0.25·1+(-0.4)·1 = -0.15");
  assert.equal(forwardLine(t, 2), "z[1]1 = tanh(s[1]1) = tanh(-0.15) = -0.148885");
  assert.equal(forwardLine(t, 6), "L = (z[2]-y)² = (0.305657-1)² = 0.482112");
});

test("each step's numbers, read as arithmetic, give the engine's value (to the digits shown)", () => {
  const exact = numberText(17);
  g.data.forward.forEach((f, k) => {
    const numbers = forwardNumbers({ ...t, ...exact }, k);
    const js = numbers.replace(/·/g, "*").replace(/²/g, "**2").replace(/tanh/g, "Math.tanh");
    assert.equal(Function("return " + js)(), values[f.node], numbers);
  });
});

test("the phases and what is shown: leaves first, every op once, all after the forward pass", () => {
  for (const other of graphs) {
    const d = other.data;
    const F = d.forward.length;
    const N = d.nodes.length;
    assert.equal(phaseOf(d, 0), F ? "forward" : "backward");
    assert.equal(phaseOf(d, F), "backward");
    assert.equal(phaseOf(d, F + N), "done");
    const leaves = d.nodes.filter((n) => !n.parents.length).length;
    assert.equal(shownNodes(d, 0).size, F ? leaves : N);
    const computed = d.forward.flatMap((f) => f.computes);
    assert.equal(new Set(computed).size, computed.length, other.name + ": each op computed once");
    assert.equal(computed.length, N - leaves, other.name);
    for (let k = 1; k <= F; k++) {
      const before = shownNodes(d, k - 1);
      d.forward[k - 1].reads.forEach((i) => assert.ok(before.has(i), other.name + ": reads what is known"));
    }
    assert.equal(shownNodes(d, F).size, N);
  }
});

test("the forward panel: before the first step, a step, and the hand-over to the backward pass", () => {
  assert.match(textOf(forwardPanel(t, 0)[0]), /^Nothing is computed yet.*in 7 steps/);
  assert.match(textOf(forwardPanel(t, 1)[0]), /Forward step 1 of 7: s\[1\]1 = w\[1\]11·x1/);
  assert.match(
    textOf(forwardPanel(t, 7)[0]),
    /The forward pass is done: L = 0\.482112\. Next, the backward pass/,
  );
});
