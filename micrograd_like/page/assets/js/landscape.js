// @ts-check
/* The post's landscape J(θ1, θ2) (micrograd_like.landscape) in the page: J and its gradient from
 * MG_LANDSCAPE, which micrograd_like.page generates from landscape.FORMULA with the rule table,
 * and optimizer runs on it (landscape.landscape_run): zero_grad, J, backward, step, per step. */

import { createOptimizer } from "./optim.js";

/** @typedef {import("./types.js").GraphMath} GraphMath */
/** @typedef {import("./types.js").LandscapeData} LandscapeData */

/** J(θ1, θ2) and its gradient [dJ/dθ1, dJ/dθ2]; an Error where J is not finite.
 * @param {GraphMath} math @param {LandscapeData} data @param {number} t1 @param {number} t2 */
export function evaluate(math, data, t1, t2) {
  const leaf = new Array(math.size).fill(0);
  leaf[data.t1] = t1;
  leaf[data.t2] = t2;
  const values = math.forward(
    leaf,
    () => {
      throw new Error("J cannot be computed at θ = (" + t1 + ", " + t2 + ")");
    },
    () => {
      throw new Error("J is not finite at θ = (" + t1 + ", " + t2 + ")");
    },
  );
  const { grads } = math.backward(values);
  return { J: values[0], grad: [grads[data.t1], grads[data.t2]] };
}

/** J alone (for the picture), or NaN where it is not finite.
 * @param {GraphMath} math @param {LandscapeData} data @param {number} t1 @param {number} t2 */
export function height(math, data, t1, t2) {
  try {
    return evaluate(math, data, t1, t2).J;
  } catch {
    return NaN;
  }
}

/** landscape_run in the page: `steps` steps of optimizer `name` (a Python class name) from
 * `options.start`, the other options the class's keyword arguments. steps + 1 points [θ1, θ2, J].
 * @param {GraphMath} math
 * @param {LandscapeData} data
 * @param {string} name
 * @param {Record<string, unknown>} options  {start: [θ1, θ2], steps, lr, ...}
 * @returns {number[][]} */
export function run(math, data, name, options) {
  if (!Object.prototype.hasOwnProperty.call(data.optimizers, name)) {
    throw new Error(
      "unknown optimizer " +
        JSON.stringify(name) +
        "; choose one of " +
        Object.keys(data.optimizers).join(", "),
    );
  }
  const { start, steps, ...given } = options;
  if (
    !Array.isArray(start) ||
    start.length !== 2 ||
    !start.every((x) => typeof x === "number" && isFinite(x))
  ) {
    throw new Error("start must be a pair [θ1, θ2] of finite numbers, got " + JSON.stringify(start));
  }
  const count = steps === undefined ? 100 : steps;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > 100000) {
    throw new Error("steps must be a whole number in [0, 100000], got " + String(count));
  }
  const opt = createOptimizer(name, data.optimizers[name], given);
  let theta = start.slice();
  const points = [];
  for (let k = 0; k <= count; k++) {
    const { J, grad } = evaluate(math, data, theta[0], theta[1]);
    points.push([theta[0], theta[1], J]);
    if (k === count) break;
    theta = opt.step(theta, grad);
  }
  return points;
}
