// @ts-check
/* The "Training" chapter's pictures, redrawn every frame while it plays: the model's answer over
 * the plane as a heat map with the samples on it (for regression: the fitted curve through them),
 * the loss curve, and the network with each edge drawn by its weight (width |w|, colour the sign). */

import { fmt, repr } from "./format.js";

/** @typedef {import("./trainingrun.js").Run} Run */

const CLASS_COLOURS = [
  [230, 120, 40], // class 0: orange
  [40, 110, 200], // class 1: blue
  [60, 160, 80], // green
  [160, 80, 170],
  [200, 60, 80],
];
const GRID = 48; // cells per side of the heat map
const SVG = "http://www.w3.org/2000/svg";

/** @param {number[]} c @param {number} [alpha] */
const rgb = (c, alpha) => (alpha === undefined ? `rgb(${c.join(",")})` : `rgba(${c.join(",")},${alpha})`);

/** The box the picture shows: the samples' range, padded. @param {number[]} xs */
function range(xs) {
  let lo = Math.min(...xs),
    hi = Math.max(...xs);
  if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
  const pad = 0.08 * (hi - lo);
  return [lo - pad, hi + pad];
}

/** The heat map of a classifier: each cell the classes' colours mixed by their probabilities.
 * @param {Run} run @param {CanvasRenderingContext2D} ctx @param {HTMLCanvasElement} scratch
 * @param {number[]} xr @param {number[]} yr */
function drawHeat(run, ctx, scratch, xr, yr) {
  const small = /** @type {CanvasRenderingContext2D} */ (scratch.getContext("2d"));
  const image = small.createImageData(GRID, GRID);
  const x = [0, 0];
  for (let r = 0; r < GRID; r++) {
    x[1] = yr[1] - ((r + 0.5) / GRID) * (yr[1] - yr[0]);
    for (let c = 0; c < GRID; c++) {
      x[0] = xr[0] + ((c + 0.5) / GRID) * (xr[1] - xr[0]);
      const p = run.trainer.show(run.trainer.outputs(x));
      const mix = p.length === 1 ? [1 - p[0], p[0]] : p;
      const at = 4 * (r * GRID + c);
      for (let ch = 0; ch < 3; ch++) {
        let v = 0;
        for (let k = 0; k < mix.length; k++) v += mix[k] * CLASS_COLOURS[k % CLASS_COLOURS.length][ch];
        // towards white where the model is unsure: 1 for a sure class, 0 for an even split
        const sure = Math.max(...mix) * mix.length - 1;
        image.data[at + ch] = 255 - (255 - v) * (0.08 + 0.4 * (sure / (mix.length - 1)));
      }
      image.data[at + 3] = 255;
    }
  }
  small.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(scratch, 0, 0, ctx.canvas.width, ctx.canvas.height);
}

/** The map: heat map and samples (classification) or samples and the fitted curve (regression).
 * @param {Run} run @param {HTMLCanvasElement} canvas @param {HTMLCanvasElement} scratch */
export function drawMap(run, canvas, scratch) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  const W = canvas.width,
    H = canvas.height;
  const { xs, ys, task } = run.data;
  const regression = task === "regression";
  const xr = range(xs.map((p) => p[0]));
  const yr = regression ? range(ys) : range(xs.map((p) => p[1]));
  const px = (/** @type {number} */ v) => ((v - xr[0]) / (xr[1] - xr[0])) * W;
  const py = (/** @type {number} */ v) => H - ((v - yr[0]) / (yr[1] - yr[0])) * H;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  if (!regression) drawHeat(run, ctx, scratch, xr, yr);
  ctx.lineWidth = 1;
  xs.forEach((p, i) => {
    ctx.beginPath();
    ctx.arc(px(p[0]), regression ? py(ys[i]) : py(p[1]), 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = regression ? "#555" : rgb(CLASS_COLOURS[ys[i] % CLASS_COLOURS.length]);
    ctx.fill();
    ctx.strokeStyle = "#fff";
    ctx.stroke();
  });
  if (regression) {
    ctx.beginPath();
    for (let i = 0; i <= 200; i++) {
      const x = xr[0] + (i / 200) * (xr[1] - xr[0]);
      const y = run.trainer.outputs([x])[0];
      const clamped = Math.max(-1e6, Math.min(1e6, py(y)));
      if (i === 0) ctx.moveTo(px(x), clamped);
      else ctx.lineTo(px(x), clamped);
    }
    ctx.strokeStyle = rgb(CLASS_COLOURS[1]);
    ctx.lineWidth = 2.5;
    ctx.stroke();
  }
}

/** The loss per epoch, J on the vertical axis from 0 to its largest value.
 * @param {number[]} losses @param {HTMLCanvasElement} canvas */
export function drawLoss(losses, canvas) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  const W = canvas.width,
    H = canvas.height,
    left = 46,
    bottom = 22,
    top = 8;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = "#444";
  ctx.font = "12px sans-serif";
  ctx.strokeStyle = "#999";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, H - bottom);
  ctx.lineTo(W - 4, H - bottom);
  ctx.stroke();
  const n = losses.length;
  if (!n) {
    ctx.fillText("J per epoch: press Play or Step", left + 8, H / 2);
    return;
  }
  let high = 0;
  for (let i = 0; i < n; i++) if (losses[i] > high) high = losses[i];
  high = high || 1;
  ctx.fillText(fmt(high, 3), 4, top + 10);
  ctx.fillText("0", 30, H - bottom);
  ctx.fillText(`epoch ${n}`, W - 80, H - 6);
  ctx.fillText("J", 20, H / 2);
  const span = Math.max(n - 1, 1);
  const every = Math.max(1, Math.floor(n / (W - left))); // at most one point per pixel column
  ctx.beginPath();
  for (let i = 0; i < n; i += every) {
    const x = left + (i / span) * (W - left - 6);
    const y = H - bottom - (losses[i] / high) * (H - bottom - top);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.lineTo(
    left + ((n - 1) / span) * (W - left - 6),
    H - bottom - (losses[n - 1] / high) * (H - bottom - top),
  );
  ctx.strokeStyle = rgb(CLASS_COLOURS[1]);
  ctx.lineWidth = 2;
  ctx.stroke();
}

/**
 * The network view: built once per architecture, its edges restyled every frame.
 * @typedef {object} NetworkView
 * @property {(weights: number[], selected: number) => void} update
 */

/** @param {SVGElement} parent @param {string} tag @param {Record<string, string | number>} attrs */
function add(parent, tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  Object.keys(attrs).forEach((k) => el.setAttribute(k, String(attrs[k])));
  parent.appendChild(el);
  return el;
}

/** Draw the network of `run` into `svg`; clicking an edge or a unit (its bias) calls `pick` with
 * the parameter's index. @param {Run} run @param {SVGSVGElement} svg @param {(i: number) => void} pick
 * @returns {NetworkView} */
export function buildNetwork(run, svg, pick) {
  svg.replaceChildren();
  const sizes = run.net.sizes;
  const W = 440,
    H = 300;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const column = (/** @type {number} */ l) => 30 + (l / (sizes.length - 1)) * (W - 60);
  const row = (/** @type {number} */ l, /** @type {number} */ j) => ((j + 0.5) / sizes[l]) * H;
  /** @type {SVGElement[]} */
  const edges = [];
  /** @type {number[]} */
  const edgeIndex = [];
  /** @type {SVGElement[]} */
  const units = [];
  /** @type {number[]} */
  const unitIndex = [];
  const edgeGroup = add(svg, "g", {});
  const unitGroup = add(svg, "g", {});
  for (let l = 1; l < sizes.length; l++) {
    const base = run.net.offsets[l - 1],
      nin = sizes[l - 1];
    for (let j = 0; j < sizes[l]; j++) {
      for (let k = 0; k < nin; k++) {
        const i = base + j * nin + k;
        const line = add(edgeGroup, "line", {
          x1: column(l - 1),
          y1: row(l - 1, k),
          x2: column(l),
          y2: row(l, j),
          class: "mg-t-edge",
          "data-name": run.names[i],
        });
        add(line, "title", {}).textContent = run.names[i];
        line.addEventListener("click", () => pick(i));
        edges.push(line);
        edgeIndex.push(i);
      }
    }
  }
  sizes.forEach((n, l) => {
    for (let j = 0; j < n; j++) {
      const circle = add(unitGroup, "circle", {
        cx: column(l),
        cy: row(l, j),
        r: 9,
        class: "mg-t-unit",
        fill: "#eee",
      });
      if (l > 0) {
        const i = run.net.offsets[l - 1] + sizes[l - 1] * n + j; // the unit's bias
        circle.setAttribute("data-name", run.names[i]);
        add(circle, "title", {}).textContent = run.names[i];
        circle.addEventListener("click", () => pick(i));
        units.push(circle);
        unitIndex.push(i);
      }
    }
  });
  return {
    update(weights, selected) {
      let big = 1e-9;
      edgeIndex.forEach((i) => (big = Math.max(big, Math.abs(weights[i]))));
      edges.forEach((line, e) => {
        const w = weights[edgeIndex[e]];
        line.setAttribute("stroke-width", String(0.6 + (5.4 * Math.abs(w)) / big));
        line.setAttribute("stroke", rgb(CLASS_COLOURS[w >= 0 ? 1 : 0], 0.85));
        line.classList.toggle("mg-t-selected", edgeIndex[e] === selected);
      });
      units.forEach((circle, u) => {
        const b = weights[unitIndex[u]];
        circle.setAttribute("fill", rgb(CLASS_COLOURS[b >= 0 ? 1 : 0], Math.min(1, 0.15 + Math.abs(b) / 2)));
        circle.classList.toggle("mg-t-selected", unitIndex[u] === selected);
      });
    },
  };
}

/**
 * What the paths panel shows: one sample's dL/dw as the sum over paths, and the backward pass's.
 * @typedef {object} SamplePaths
 * @property {number} sample  1-based, as the "sample #" box counts
 * @property {number[]} x
 * @property {number} y
 * @property {import("./trainingpaths.js").PathSum} sum  its paths capped at the listing's length
 * @property {number} gradient  the sample's dL/dw by the backward pass
 */

/** @param {HTMLElement} parent @param {string} tag @param {string} text @param {string} [cls] */
function addText(parent, tag, text, cls) {
  const el = document.createElement(tag);
  el.textContent = text;
  if (cls) el.className = cls;
  parent.append(el);
  return el;
}

/** Write into `box` the sum over paths of one sample's dL/dw: each listed path with its factors'
 * names and numbers, the paths left out and their sum, and the total beside the backward pass's.
 * @param {HTMLElement} box @param {SamplePaths} shown @param {number} samples  how many samples J averages */
export function showPaths(box, shown, samples) {
  const { sum, gradient } = shown;
  const name = sum.name;
  box.replaceChildren();
  const point = shown.x.map((v) => fmt(v, 4)).join(", ");
  addText(
    box,
    "p",
    `For sample #${shown.sample} (x = (${point}), y = ${fmt(shown.y, 4)}), with L its loss: dL/d${name} = ` +
      (sum.count === 1
        ? "the product of the local derivatives along the one path from L down to it:"
        : `the sum over the ${sum.count} paths from L down to ${name} of the local derivatives multiplied along each path` +
          (sum.rest.count ? ` (the ${sum.paths.length} largest listed):` : ":")),
  );
  const list = document.createElement("ol");
  list.className = "mg-t-pathlist";
  sum.paths.forEach((path) => {
    const names = path.factors.map((f) => f.name).join(" · ");
    const numbers = path.factors.map((f) => `(${fmt(f.value, 4)})`).join(" · ");
    addText(list, "li", `${names} = ${numbers} = ${fmt(path.product, 6)}`);
  });
  box.append(list);
  if (sum.rest.count) {
    addText(box, "p", `and ${sum.rest.count} more paths adding up to ${fmt(sum.rest.sum, 6)}.`);
  }
  const same = sum.total === gradient;
  const close = Math.abs(sum.total - gradient) <= 1e-12 * Math.max(sum.scale, Math.abs(gradient));
  addText(
    box,
    "p",
    `Sum over the ${sum.count} path${sum.count === 1 ? "" : "s"}: ${repr(sum.total)}. The backward pass gives ` +
      `this sample's dL/d${name} = ${repr(gradient)}: ` +
      (same
        ? "the same number, to the last digit."
        : close
          ? `the same number up to rounding (they differ by ${fmt(Math.abs(sum.total - gradient), 2)}: ` +
            "backward adds at each unit, the paths add along each path)."
          : `they differ by ${fmt(Math.abs(sum.total - gradient), 3)}.`) +
      (samples > 1 ? ` J averages the ${samples} samples' L, so dJ/d${name} is the mean of their sums.` : ""),
    "mg-t-pathtotal",
  );
}
