// @ts-check
/* Explain a gradient: the chain rule as a sum over the paths from the root to a node, each path
 * the product of its local derivatives (explain.explain in Python). Pure: numbers and markup. */

import { repr } from "./format.js";
import { countPaths, edgeOf, findPaths, notesFor } from "./graph.js";
import { h } from "./markup.js";

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").Computation} Computation */
/** @typedef {import("./markup.js").VNode} VNode */
/** @typedef {import("./narrative.js").Telling} Telling */

/**
 * @typedef {object} Explanation
 * @property {number} node  the node explained
 * @property {Array<{factors: Array<{name: string, local: number}>, value: number}>} paths
 * @property {number} total  the sum over the paths
 * @property {number} grad  what backward gives
 * @property {string} [error]  too many paths to list
 * @property {Set<number>} pathNodes  the nodes on the paths (the picture dashes them)
 * @property {Set<string>} pathEdges  their edges, as "i:k"
 */

/** Every path from the root to `target`, with its local derivatives and their product.
 * @param {PageData} data
 * @param {Computation} current
 * @param {number} target
 * @returns {Explanation} */
export function explainPaths(data, current, target) {
  const nodes = data.nodes;
  const count = countPaths(nodes, target);
  /** @type {Explanation} */
  const result = {
    node: target,
    paths: [],
    total: 0,
    grad: current.grads[target],
    pathNodes: new Set(),
    pathEdges: new Set(),
  };
  const limit = data.constants.max_paths;
  if (count[0] > limit) {
    result.error =
      count[0] +
      " paths lead from " +
      data.root +
      " to " +
      nodes[target].name +
      ", more than " +
      limit +
      ": too many to list";
    return result;
  }
  let total = 0;
  findPaths(nodes, target, count).forEach((edges) => {
    let value = 1;
    const factors = edges.map(([i, k]) => {
      const local = edgeOf(current.steps[i], k)[0];
      value = local * value; // the engine's order: local · upstream, from the root down
      result.pathNodes.add(i);
      result.pathEdges.add(i + ":" + k);
      return { name: (nodes[i].edges || [])[k].d, local };
    });
    total += value;
    result.paths.push({ factors, value });
  });
  result.pathNodes.add(target);
  result.total = target === 0 ? 1 : total;
  return result;
}

/** The explain panel's text for a result.
 * @param {Telling} t
 * @param {Explanation} result
 * @returns {VNode[]} */
export function explainStory(t, result) {
  const nodes = t.data.nodes;
  const root = t.data.root;
  const name = nodes[result.node].name;
  const d = nodes[result.node].grad_name;
  if (result.error) return [h("p", {}, [result.error])];
  if (result.node === 0) return [h("p", {}, [d + " = 1: the derivative of a value with respect to itself."])];
  if (!result.paths.length)
    return [h("p", {}, [d + " = 0: no path leads from " + root + " to " + name + "."])];
  const n = result.paths.length;
  const story = [
    h("p", {}, [
      d +
        " is the sum over the " +
        n +
        " path" +
        (n === 1 ? "" : "s") +
        " from " +
        root +
        " to " +
        name +
        " (dashed in the picture) of the local derivatives multiplied along each:",
    ]),
    h(
      "ol",
      { class: "mg-paths" },
      result.paths.map((path) =>
        h("li", {}, [
          h("div", { class: "mg-mono" }, [path.factors.map((f) => f.name).join(" · ")]),
          h("div", { class: "mg-mono" }, [
            "= " + path.factors.map((f) => t.paren(f.local)).join("·") + " = " + t.text(path.value),
          ]),
        ]),
      ),
    ),
  ];
  const terms = result.paths.map((p) => t.paren(p.value)).join(" + ");
  const same =
    result.total === result.grad
      ? "the same float"
      : "equal up to rounding (" + repr(result.total - result.grad) + ")";
  story.push(
    h("p", {}, [
      h("strong", {}, [d + " = " + (n > 1 ? terms + " = " : "") + t.text(result.total)]),
      "; backward() gives " + t.text(result.grad) + " (" + same + ").",
    ]),
  );
  notesFor(nodes, t.data.notes || {}, result.node).forEach((note) =>
    story.push(h("p", { class: "mg-note" }, [note])),
  );
  return story;
}
