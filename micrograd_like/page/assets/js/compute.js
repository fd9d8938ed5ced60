// @ts-check
/* Computing: the generated MG_MATH, with the engine's own messages when the math fails. This file
 * never computes an op: every value, local derivative and gradient comes from MG_MATH, which
 * micrograd_like.page generates from the rule table; every message is a rule's own template. */

import { fill, repr } from "./format.js";
import { edgeOf, upstreamOf } from "./graph.js";

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").GraphMath} GraphMath */
/** @typedef {import("./types.js").Computation} Computation */
/** @typedef {import("./types.js").Failure} Failure */

class MathError extends Error {
  /** @param {string} message @param {number} node */
  constructor(message, node) {
    super(message);
    this.node = node;
  }
}

/** The inputs' reprs by the rule's names for them: {a: "2.0", b: "-3.0"}.
 * @param {PageData} data
 * @param {number} i
 * @param {number[]} inputs
 * @returns {Record<string, string>} */
function inputReprs(data, i, inputs) {
  /** @type {Record<string, string>} */
  const named = Object.create(null);
  data.rules[/** @type {number} */ (data.nodes[i].rule)].inputs.forEach((x, k) => {
    named[x] = repr(inputs[k]);
  });
  return named;
}

/** @param {PageData} data @param {number} i */
function ruleOf(data, i) {
  return data.rules[/** @type {number} */ (data.nodes[i].rule)];
}

/** The generated forward pass: every value, or the message the engine raises for the first op
 * that fails, in its words exactly ("log(0.0) is undefined: log needs an input > 0").
 * @param {GraphMath} math
 * @param {PageData} data
 * @param {number[]} leaf
 * @returns {{values: number[]} | Failure} */
export function forward(math, data, leaf) {
  try {
    const values = math.forward(
      leaf,
      (i, k, inputs) => {
        throw new MathError(fill(ruleOf(data, i).checks[k], inputReprs(data, i, inputs)), i);
      },
      (i, out, inputs) => {
        const named = inputReprs(data, i, inputs);
        named.out = repr(out);
        throw new MathError(fill(ruleOf(data, i).overflow, named), i);
      },
    );
    return { values };
  } catch (err) {
    if (!(err instanceof MathError)) throw err;
    return { error: err.message, node: err.node };
  }
}

/** The first edge, in backward order, that carried an inf or nan (backprop._first_non_finite), as
 * the engine's message, or null when every gradient is finite: a contribution that is not finite,
 * else the first node, in backward order, with an input whose whole sum is not.
 * @param {PageData} data
 * @param {number[]} values
 * @param {{grads: number[], steps: import("./types.js").StepNumbers[]}} result
 * @returns {string | null} */
export function backwardProblem(data, values, result) {
  const nodes = data.nodes;
  const grads = result.grads;
  /** @param {number} i  "mul node a·b (data 1.0)", as the engine describes a node */
  const describe = (i) => nodes[i].op + " node " + nodes[i].name + " (data " + repr(values[i]) + ")";
  /** @type {[number, number] | null} */
  let accumulated = null;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    const step = result.steps[i];
    for (let k = 0; k < node.parents.length; k++) {
      const p = node.parents[k];
      const [local, contribution] = edgeOf(step, k);
      if (!isFinite(contribution)) {
        const why = !isFinite(local)
          ? "its local derivative " +
            ruleOf(data, i).formulas[k] +
            " is " +
            repr(local) +
            " at " +
            nodes[p].name +
            " = " +
            repr(values[p])
          : "local " + repr(local) + " × upstream " + repr(upstreamOf(step)) + " = " + repr(contribution);
        return notFinite(nodes[p].grad_name, "at " + describe(i) + ", " + why);
      }
      if (accumulated === null && !isFinite(grads[p])) accumulated = [i, p];
    }
  }
  if (accumulated === null) return null;
  const [i, p] = accumulated;
  return notFinite(
    nodes[p].grad_name,
    "below " +
      describe(i) +
      ", the finite contributions to " +
      nodes[p].name +
      ".grad add up to " +
      repr(grads[p]),
  );
}

/** @param {string} gradName @param {string} why */
function notFinite(gradName, why) {
  return (
    "backward: the gradient " +
    gradName +
    " is not a finite float: " +
    why +
    ". No gradient was changed; scale the inputs so the values stay within float range."
  );
}

/** Everything for one set of leaf values: the values, gradients and steps, or the failure.
 * @param {GraphMath} math
 * @param {PageData} data
 * @param {number[]} leaf
 * @returns {Computation | Failure} */
export function compute(math, data, leaf) {
  const f = forward(math, data, leaf);
  if ("error" in f) return f;
  const result = math.backward(f.values);
  const problem = backwardProblem(data, f.values, result);
  if (problem) return { error: problem, node: null };
  return { values: f.values, grads: result.grads, steps: result.steps };
}
