// @ts-check
/* The stepping narrative: what backward step s does, in words and numbers, from the page's data
 * and one computation. Pure: it returns markup (markup.js), the step panel draws it. */

import { chain } from "./format.js";
import { edgeOf, notesFor, upstreamOf } from "./graph.js";
import { h } from "./markup.js";

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").Computation} Computation */
/** @typedef {import("./markup.js").VNode} VNode */

/**
 * @typedef {object} Telling  what a narrative needs
 * @property {PageData} data
 * @property {Computation} current
 * @property {(x: number, p?: number) => string} text  a number in the text
 * @property {(x: number) => string} paren  ... parenthesised when negative
 */

/** "1 - ⟨out⟩²" with node i's numbers in: "1 - 0.305657²".
 * @param {Telling} t
 * @param {string} template
 * @param {number} i */
export function withNumbers(t, template, i) {
  const node = t.data.nodes[i];
  const rule = t.data.rules[/** @type {number} */ (node.rule)];
  const values = new Map([["⟨out⟩", t.paren(t.current.values[i])]]);
  rule.inputs.forEach((x, k) => values.set("⟨" + x + "⟩", t.paren(t.current.values[node.parents[k]])));
  return template.replace(/⟨(a|b|out)⟩/g, (m) => values.get(m) || m);
}

/** What step s (0-based) does; with reveal false its contributions are "?" (the quiz asks them).
 * @param {Telling} t
 * @param {number} s
 * @param {boolean} reveal
 * @returns {VNode} */
export function stepStory(t, s, reveal) {
  const nodes = t.data.nodes;
  const root = t.data.root;
  const node = nodes[s];
  const step = t.current.steps[s];
  const up = upstreamOf(step);
  const head = node.parents.length
    ? node.name + (node.show !== node.name ? " = " + node.show : "") + "   (" + node.op + ")"
    : node.name + "   (a leaf: " + node.kind + ")";
  /** @type {Array<VNode | string>} */
  const parts = [h("p", { class: "mg-step-head" }, [h("strong", {}, ["Step " + (s + 1) + ": "]), head])];
  if (!node.parents.length) {
    parts.push(
      h("p", {}, [
        "A leaf has no inputs: its gradient " +
          node.grad_name +
          " = " +
          t.text(up) +
          " is final." +
          (node.kind === "parameter" ? " Gradient descent uses it to update " + node.name + "." : ""),
      ]),
    );
  } else {
    const why =
      s === 0
        ? "the root: d" + root + "/d" + root + " = 1 starts the backward pass"
        : node.uses === 1
          ? "complete: its one use has passed its gradient back"
          : "complete: all " + node.uses + " of its uses have passed their gradients back";
    parts.push(
      h("p", {}, [
        "Upstream gradient ",
        h("code", {}, [node.grad_name + " = " + t.text(up)]),
        " (" + why + ").",
      ]),
    );
    const items = node.parents.map((p, k) => {
      const [local, contribution, after] = edgeOf(step, k);
      const info = (node.edges || [])[k];
      const got = info.use; // the engine's count (backprop.Edge.use), in the data
      const uses = nodes[p].uses;
      return h("li", {}, [
        h("span", { class: "mg-to" }, ["to " + nodes[p].name + ": "]),
        "local ",
        h("code", {}, [chain([info.d, info.formula, withNumbers(t, info.numbers, s), t.text(local)])]),
        h("br"),
        "local × upstream = ",
        h("code", {}, [t.text(local) + " × " + t.paren(up) + " = " + (reveal ? t.text(contribution) : "?")]),
        h("br"),
        reveal
          ? nodes[p].grad_name +
            " so far: " +
            t.text(after) +
            (got < uses ? "  (" + got + " of " + uses + " uses; more to come)" : "  (complete)")
          : "",
      ]);
    });
    parts.push(h("ul", { class: "mg-edges" }, items));
  }
  notesFor(nodes, t.data.notes || {}, s).forEach((note) => parts.push(h("p", { class: "mg-note" }, [note])));
  return h("div", { class: "mg-step" }, parts);
}

/** The step panel after `step` of the n steps (0: before the first).
 * @param {Telling} t
 * @param {number} step
 * @returns {VNode[]} */
export function panelStory(t, step) {
  const root = t.data.root;
  const n = t.data.nodes.length;
  if (step === 0) {
    return [
      h("p", {}, [
        "Nothing has run yet: every gradient is unknown (?). The backward pass starts at the root " +
          root +
          " with " +
          t.data.nodes[0].grad_name +
          " = 1 and visits every node once, each after all the " +
          "nodes that use it. Press Next step (or →).",
      ]),
    ];
  }
  const story = [stepStory(t, step - 1, true)];
  if (step === n) {
    story.push(
      h("p", { class: "mg-done" }, ["Done: every gradient is known, the same numbers backward() gives."]),
    );
  }
  return story;
}
