// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import { explainPaths, explainStory } from "../../micrograd_like/page/assets/js/explain.js";
import { numberText } from "../../micrograd_like/page/assets/js/format.js";
import { textOf } from "../../micrograd_like/page/assets/js/markup.js";
import { close, graph, graphs } from "./fixtures.js";

/** @param {import("./fixtures.js").Graph} g */
function computation(g) {
  const values = g.data.reference.values;
  return { values, ...g.math.backward(values) };
}

/** @param {number[][]} paths */
const sorted = (paths) => paths.map((p) => JSON.stringify(p)).sort();

test("every path's local derivatives are Python's explain's, and they sum to the gradient", () => {
  for (const g of graphs) {
    const current = computation(g);
    for (const [index, expected] of Object.entries(g.explain)) {
      const result = explainPaths(g.data, current, Number(index));
      assert.deepEqual(sorted(result.paths.map((p) => p.factors.map((f) => f.local))), sorted(expected));
      assert.ok(close(result.total, current.grads[Number(index)]), g.name + " " + index);
    }
  }
});

test("the paths' nodes and edges are marked for the picture", () => {
  const g = graph("worked example");
  const x1 = g.data.nodes.findIndex((n) => n.name === "x1");
  const result = explainPaths(g.data, computation(g), x1);
  assert.equal(result.paths.length, 2);
  assert.ok(result.pathNodes.has(0) && result.pathNodes.has(x1));
  assert.ok([...result.pathEdges].every((edge) => /^\d+:\d$/.test(edge)));
});

test("too many paths is an error that names the limit from the data", () => {
  const g = graph("a shared input");
  const data = { ...g.data, constants: { ...g.data.constants, max_paths: 1 } };
  const x = g.data.nodes.findIndex((n) => n.name === "x");
  const result = explainPaths(data, computation(g), x);
  assert.match(result.error ?? "", /paths lead from .* to x, more than 1: too many to list/);
  assert.equal(result.paths.length, 0);
});

test("the explanation reads as a sum over paths, and the root as 1", () => {
  const g = graph("worked example");
  const { text, paren } = numberText(6);
  const t = { data: g.data, current: computation(g), text, paren };
  const w = g.data.nodes.findIndex((n) => n.name === "w[2]12");
  const story = textOf(explainStory(t, explainPaths(g.data, t.current, w)));
  assert.match(story, /^dL\/dw\[2\]12 is the sum over the 1 path from L to w\[2\]12/);
  assert.ok(story.includes("backward() gives " + text(t.current.grads[w]) + " (the same float)"));
  assert.ok(story.includes("Naming note"));
  assert.equal(
    textOf(explainStory(t, explainPaths(g.data, t.current, 0))),
    "dL/dL = 1: the derivative of a value with respect to itself.",
  );
});
