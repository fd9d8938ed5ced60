// @ts-check
/* Gradient descent along one weight, the others fixed (micrograd_like/descent.py in the page): J and
 * dJ/dw from the graph's generated MG_MATH, J''(w) from the generated second-derivative graph
 * (MG_CURVATURE, the engine's grad(grad(J, w, create_graph=True), w)), the step w ← w − α·dJ/dw,
 * and what each step did by descent.step_kind's rule, in descent.STEP_WORDS's words (the data). */

import { compute, forward } from "./compute.js";

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").GraphMath} GraphMath */
/** @typedef {{size: number, forward: GraphMath["forward"]}} ForwardMath */
/** @typedef {{w: number, J: number, slope: number, kind: string}} Point */

/** What the step from `before` to `after` did (`earlier`: the point before `before`, if any):
 * descent.step_kind's rule, a key of STEP_WORDS.
 * @param {{J: number, slope: number}} before
 * @param {{J: number, slope: number}} after
 * @param {{slope: number} | null} earlier */
export function stepKind(before, after, earlier) {
  if (before.slope === 0) return "still";
  if (after.J > before.J) return "diverges";
  if (before.slope * after.slope < 0) {
    const flippedBefore = earlier !== null && earlier.slope * before.slope < 0;
    return flippedBefore ? "oscillates" : "overshot";
  }
  return "converges";
}

/** @param {string} message @returns {never} */
function fail(message) {
  throw new Error(message);
}

/** J and dJ/dw at these leaf values (w = leaf node `index`), or an Error with the engine's message.
 * @param {GraphMath} math @param {PageData} data @param {number[]} leaf @param {number} index */
export function jAndSlope(math, data, leaf, index) {
  const result = compute(math, data, leaf);
  if ("error" in result) return fail(result.error);
  return { J: result.values[0], slope: result.grads[index] };
}

/** J''(w): the forward pass of the second-derivative graph, its leaves read from the page's
 * (`leaves[j]`: the page's leaf for its node j, or -1 for a constant); null where it fails.
 * @param {ForwardMath | null} second @param {number[] | null} leaves @param {number[]} leaf
 * @returns {number | null} */
export function curvatureAt(second, leaves, leaf) {
  if (!second || !leaves) return null;
  const own = leaves.map((j) => (j >= 0 ? leaf[j] : 0));
  try {
    const values = second.forward(
      own,
      () => fail("J'' cannot be computed here"),
      () => fail("J'' is not finite here"),
    );
    return values[0];
  } catch {
    return null;
  }
}

/** α* = 2/J''(w), or null where J'' <= 0 (descent.threshold).
 * @param {number | null} c */
export function thresholdOf(c) {
  return c !== null && c > 0 ? 2.0 / c : null;
}

/**
 * @typedef {object} Settings
 * @property {number} weight  index into data.descent.weights
 * @property {number} lr
 * @property {number | null} target  the target leaf's value (null: the graph has none)
 */

/** A descent along one weight of the page's graph, from the exported leaf values.
 * @param {GraphMath} math
 * @param {PageData} data
 * @param {Array<ForwardMath | null>} curvatures  MG_CURVATURE, one per weight */
export function createDescent(math, data, curvatures) {
  const D = data.descent;
  /** @type {Settings} */
  const settings = {
    weight: D.weight,
    lr: data.lr,
    target: D.target === null ? null : data.reference.values[D.target],
  };
  let leaf = data.reference.values.slice();
  /** @type {Point[]} */
  let history = [];

  const index = () => D.indices[settings.weight];
  const at = () => {
    const { J, slope } = jAndSlope(math, data, leaf, index());
    return { w: leaf[index()], J, slope };
  };

  /** Start again from the exported values, with the target and (if given) w.
   * @param {number} [w] */
  function restart(w) {
    leaf = data.reference.values.slice();
    if (D.target !== null && settings.target !== null) leaf[D.target] = settings.target;
    if (w !== undefined) leaf[index()] = w;
    history = [{ ...at(), kind: "start" }];
  }

  /** The curvature and threshold where the descent is now. */
  function curvature() {
    const c = curvatureAt(curvatures[settings.weight], D.curvature_leaves[settings.weight], leaf);
    return { curvature: c, threshold: thresholdOf(c) };
  }

  /** One step w ← w − α·dJ/dw; an Error (nothing changes) when the new w or J is not finite. */
  function step() {
    const here = history[history.length - 1];
    const w = here.w - settings.lr * here.slope;
    if (!isFinite(w)) fail(D.weights[settings.weight] + " would become " + w + ": lower the learning rate");
    const changed = leaf.slice();
    changed[index()] = w;
    const { J, slope } = jAndSlope(math, data, changed, index());
    leaf = changed;
    const earlier = history.length > 1 ? history[history.length - 2] : null;
    const point = { w, J, slope, kind: stepKind(here, { J, slope }, earlier) };
    history.push(point);
    return point;
  }

  restart();
  return {
    settings,
    restart,
    step,
    curvature,
    leaf: () => leaf,
    history: () => history,
    /** J at w (the others as now), or null where the forward pass fails.
     * @param {number} w */
    jAt(w) {
      const changed = leaf.slice();
      changed[index()] = w;
      const result = forward(math, data, changed);
      return "error" in result ? null : result.values[0];
    },
  };
}

/** @typedef {ReturnType<typeof createDescent>} Descent */
