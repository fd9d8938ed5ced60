// @ts-check
/* The chapters besides the worked example, started when needed: "Gradient descent" (J along one
 * weight, descentview.js, and the landscape's race, landscapeview.js, from the generated
 * MG_CURVATURE and MG_LANDSCAPE) and "Training" (training.js, from MG_TRAINING_RULES). Their script
 * APIs are walkthrough.descent, walkthrough.landscape and walkthrough.training: each part starts
 * when its chapter is first shown or its API first used, so a page pays on opening only for the
 * chapter it opens on (the landscape's heat map and race and the first training run are most of a
 * page's start-up work). The chapters' tabs are chapters.js. */

import { startWhenShown } from "./chapters.js";
import { startDescent } from "./descentview.js";
import { startLandscape } from "./landscapeview.js";
import { startTraining } from "./training.js";

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").GraphMath} GraphMath */

/** The walkthrough's descent, landscape and training, as property descriptors (getters that start
 * their part on first use) for Object.defineProperties. Call it before the first chapter is shown.
 * @param {PageData} data @param {GraphMath} math @param {(x: number, p?: number) => string} text */
export function otherChapters(data, math, text) {
  const scripts = /** @type {any} */ (window);
  const descent = startWhenShown("descent", () => startDescent(data, math, scripts.MG_CURVATURE, text));
  const landscape = startWhenShown("descent", () =>
    startLandscape(data.landscape, scripts.MG_LANDSCAPE, text),
  );
  const training = startWhenShown("training", () => startTraining(data.training, scripts.MG_TRAINING_RULES));
  return {
    descent: { get: descent, enumerable: true },
    landscape: { get: landscape, enumerable: true },
    training: { get: training, enumerable: true },
  };
}
