// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  countPaths,
  edgeOf,
  editableLeaves,
  findPaths,
  known,
  parameterLeaves,
  stateKeys,
  useOf,
} from "../../micrograd_like/page/assets/js/graph.js";
import { graph, graphs } from "./fixtures.js";

/** @param {import("./fixtures.js").Graph} g */
function steps(g) {
  const first = g.cases[0].expect;
  if ("error" in first) throw new Error(g.name);
  return first.steps;
}

test("state keys are the names, made unique, whatever the names are", () => {
  const nodes = ["a", "__proto__", "a", "constructor", "a#2", "a", "toString"].map((name) => ({
    ...graph("a shared input").data.nodes[0],
    name,
  }));
  assert.deepEqual(stateKeys(nodes), ["a", "__proto__", "a#2", "constructor", "a#2#2", "a#3", "toString"]);
});

test("before the first step no gradient is known; after the last, every one is backward's", () => {
  for (const g of graphs) {
    const n = g.data.nodes.length;
    assert.ok(known(g.data.nodes, steps(g), 0).grad.every((x) => x === null));
    assert.deepEqual(known(g.data.nodes, steps(g), n).grad, g.data.reference.grads);
  }
});

test("after k steps each input shows the partial sum the engine had then", () => {
  for (const g of graphs) {
    const nodes = g.data.nodes;
    for (let k = 1; k <= nodes.length; k++) {
      const { grad } = known(nodes, steps(g), k);
      const last = new Map(); // x * x passes two contributions to x in one step: the sum after both
      nodes[k - 1].parents.forEach((p, e) => last.set(p, edgeOf(steps(g)[k - 1], e)[2]));
      last.forEach((after, p) => assert.equal(grad[p], after));
    }
  }
});

test("the uses Python counts are the edges leaving each node, and the steps use each once", () => {
  for (const g of graphs) {
    const nodes = g.data.nodes;
    const edges = nodes.reduce((sum, node) => sum + node.parents.length, 0);
    assert.equal(
      nodes.reduce((sum, node) => sum + node.uses, 0),
      edges,
    );
    const { got } = known(nodes, steps(g), nodes.length);
    nodes.forEach((node, i) => assert.equal(got[i], node.uses, node.name));
    // the data's "use k of n": each parent's uses numbered 1, 2, ... in step order, edge by edge
    const seen = new Array(nodes.length).fill(0);
    nodes.forEach((node) =>
      node.parents.forEach((p, k) => {
        seen[p] += 1;
        assert.equal(useOf(node, k), seen[p], node.name + " -> " + nodes[p].name);
      }),
    );
    nodes.forEach((node, i) => assert.equal(seen[i], node.uses, node.name));
  }
  const shared = graph("a shared input").data.nodes;
  assert.ok(shared.some((node) => node.name === "x" && node.uses === 4)); // tanh(x*x + x) * x
});

test("the paths counted and found are Python's paths", () => {
  for (const g of graphs) {
    for (const [index, expected] of Object.entries(g.explain)) {
      const target = Number(index);
      const count = countPaths(g.data.nodes, target);
      assert.equal(count[0], expected.length, g.name + " " + index);
      assert.equal(findPaths(g.data.nodes, target, count).length, expected.length);
    }
  }
});

test("the worked example edits its 9 labelled leaves and updates its 6 weights", () => {
  const nodes = graph("worked example").data.nodes;
  assert.deepEqual(
    editableLeaves(nodes)
      .map((i) => nodes[i].name)
      .sort(),
    ["w[1]11", "w[1]12", "w[1]21", "w[1]22", "w[2]11", "w[2]12", "x1", "x2", "y"],
  );
  assert.equal(parameterLeaves(nodes).length, 6);
});
