// @ts-check
/* The page checks itself: its JavaScript must give the engine's numbers for the exported values
 * (the data carries the Python engine's values and gradients as `reference`). */

import { repr } from "./format.js";

/**
 * The message to show when the page's numbers differ from the engine's beyond 1e-12, else null.
 * @param {{values: number[], grads: number[]}} current  what the page computed
 * @param {{values: number[], grads: number[]}} reference  what the engine computed
 * @param {Array<{name: string}>} nodes
 * @returns {string | null}
 */
export function disagreement(current, reference, nodes) {
  /** @param {number} a @param {number} b */
  const close = (a, b) => a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  let worst = 0;
  /** @type {number | null} */
  let where = null;
  for (let i = 0; i < nodes.length; i++) {
    if (!close(current.values[i], reference.values[i]) || !close(current.grads[i], reference.grads[i])) {
      where = i;
      worst = Math.max(worst, Math.abs(current.grads[i] - reference.grads[i]));
    }
  }
  if (where === null) return null;
  return (
    "⚠ This page's JavaScript disagrees with the Python engine at " +
    nodes[where].name +
    " (by " +
    repr(worst) +
    "): please report it."
  );
}
