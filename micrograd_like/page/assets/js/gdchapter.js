// @ts-check
/* The "Gradient descent" chapter, started: J along one weight (descentview.js) and the landscape's
 * race (landscapeview.js), from the generated MG_CURVATURE and MG_LANDSCAPE; its script API is
 * walkthrough.descent and walkthrough.landscape. The chapters' tabs are chapters.js. */

import { startDescent } from "./descentview.js";
import { startLandscape } from "./landscapeview.js";

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").GraphMath} GraphMath */

/** @param {PageData} data @param {GraphMath} math @param {(x: number, p?: number) => string} text */
export function startGradientDescent(data, math, text) {
  const scripts = /** @type {any} */ (window);
  return {
    descent: startDescent(data, math, scripts.MG_CURVATURE, text),
    landscape: startLandscape(data.landscape, scripts.MG_LANDSCAPE, text),
  };
}
