// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import { numberText } from "../../micrograd_like/page/assets/js/format.js";
import { edgeOf, upstreamOf } from "../../micrograd_like/page/assets/js/graph.js";
import { textOf } from "../../micrograd_like/page/assets/js/markup.js";
import { panelStory, stepStory, withNumbers } from "../../micrograd_like/page/assets/js/narrative.js";
import { quizResults, tolerance } from "../../micrograd_like/page/assets/js/quiz.js";
import { graph, graphs } from "./fixtures.js";

const g = graph("worked example");
const { text, paren } = numberText(g.data.constants.text_digits);
const values = g.data.reference.values;
const t = { data: g.data, current: { values, ...g.math.backward(values) }, text, paren };

test("every step tells its upstream gradient and each contribution in the engine's numbers", () => {
  g.data.nodes.forEach((node, s) => {
    const story = textOf(stepStory(t, s, true));
    const step = t.current.steps[s];
    assert.ok(story.startsWith("Step " + (s + 1) + ": " + node.name));
    if (!node.parents.length) {
      assert.ok(
        story.includes(
          "A leaf has no inputs: its gradient " + node.grad_name + " = " + text(upstreamOf(step)),
        ),
      );
      return;
    }
    assert.ok(story.includes(node.grad_name + " = " + text(upstreamOf(step))));
    node.parents.forEach((p, k) => {
      const [local, contribution] = edgeOf(step, k);
      assert.ok(story.includes(text(local) + " × " + paren(upstreamOf(step)) + " = " + text(contribution)));
      assert.ok(story.includes("to " + g.data.nodes[p].name + ": "));
    });
  });
});

test("a use that is not the last says how many are to come", () => {
  const s = g.data.nodes.findIndex((n) => n.parents.some((p) => g.data.nodes[p].uses > 1));
  const story = textOf(stepStory(t, s, true));
  assert.match(story, /\(1 of 2 uses; more to come\)/);
});

test("in the quiz a step hides its contributions", () => {
  const story = textOf(stepStory(t, 0, false));
  assert.ok(story.includes(" = ?"));
  assert.ok(!story.includes("so far"));
});

test("the panel before the first step and after the last", () => {
  assert.match(textOf(panelStory(t, 0)), /^Nothing has run yet.*starts at the root L with dL\/dL = 1/);
  assert.match(textOf(panelStory(t, g.data.nodes.length)), /Done: every gradient is known/);
});

test("a formula's slots take the node's numbers", () => {
  const tanh = g.data.nodes.findIndex((n) => n.op === "tanh");
  assert.equal(withNumbers(t, "1 - ⟨out⟩²", tanh), "1 - " + paren(values[tanh]) + "²");
});

test("the quiz judges a prediction within its tolerance, and only a number", () => {
  const truth = edgeOf(t.current.steps[0], 0)[1];
  const right = String(truth + tolerance(truth) / 2);
  const [ok] = quizResults(g.data, t.current, 0, [right]);
  assert.equal(ok.ok, true);
  assert.equal(ok.to, g.data.nodes[g.data.nodes[0].parents[0]].grad_name);
  assert.equal(quizResults(g.data, t.current, 0, [String(truth + 2 * tolerance(truth))])[0].ok, false);
  assert.equal(quizResults(g.data, t.current, 0, [String(truth).slice(0, 3) + "e"])[0].ok, false);
});

test("each edge tells the engine's use k of n from the data, on every exported graph", () => {
  for (const other of graphs) {
    const first = other.cases[0].expect;
    if ("error" in first) continue;
    const told = { data: other.data, current: first, text, paren };
    other.data.nodes.forEach((node, s) => {
      if (!node.parents.length) return;
      const said =
        textOf(stepStory(told, s, true)).match(/\((\d+ of \d+ uses; more to come|complete)\)/g) || [];
      const expected = node.parents.map((p, k) => {
        const use = (node.edges || [])[k].use;
        const uses = other.data.nodes[p].uses;
        return use < uses ? "(" + use + " of " + uses + " uses; more to come)" : "(complete)";
      });
      assert.deepEqual(said, expected, other.name + ": step " + (s + 1));
    });
  }
});
