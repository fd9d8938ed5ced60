// @ts-check
/* The landscape on the page: a banded heat map of J(θ1, θ2) (computed here from MG_LANDSCAPE),
 * click or type a start, race the optimizers with their keyword arguments (the form is built from
 * the exported defaults), trajectories and J per step animated; walkthrough.landscape.run. */

import { height, run } from "./landscape.js";
import { parseNumber } from "./format.js";
import { axes, extent, pieces, scale, svgAdd } from "./plot.js";
import { byId, clear, inputById } from "./views.js";

/** @typedef {import("./types.js").GraphMath} GraphMath */
/** @typedef {import("./types.js").LandscapeData} LandscapeData */
/** @typedef {Record<string, number | boolean | number[]>} Options */

const SPAN = 2.2; // the map shows θ1, θ2 in [−SPAN, SPAN]
const GRID = 140; // heat-map pixels per side
const BANDS = 16;
const FRAMES_MS = 2500; // a race's animation
// Okabe–Ito colours, one per racer, distinguishable with the common colour-vision deficiencies
const COLORS = ["#000000", "#d55e00", "#009e73", "#0072b2", "#cc79a7", "#e69f00", "#56b4e9"];

/** @param {LandscapeData} data @param {GraphMath} math @param {(x: number, p?: number) => string} text */
export function startLandscape(data, math, text) {
  let start = data.start.slice();
  /** @type {Array<{label: string, name: string, on: boolean, options: Options, run: number[][] | null, error: string}>} */
  const racers = data.racers.map(([label, name, options]) => ({
    label,
    name,
    on: true,
    options: { ...options },
    run: null,
    error: "",
  }));
  let frame = 0;
  /** @type {number | null} */
  let animation = null;
  const map = byId("mg-l-map");
  const M = { left: 0, right: 400, top: 0, bottom: 400 };
  const sx = scale(-SPAN, SPAN, M.left, M.right);
  const sy = scale(-SPAN, SPAN, M.bottom, M.top);
  const heat = heatMap(data, math);

  function race() {
    racers.forEach((r) => {
      r.run = null;
      r.error = "";
      if (!r.on) return;
      try {
        r.run = run(math, data, r.name, { ...r.options, start, steps: steps() });
      } catch (error) {
        r.error = error instanceof Error ? error.message : String(error);
      }
    });
    if (animation !== null) cancelAnimationFrame(animation);
    animation = null;
    const total = steps();
    if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
      frame = total; // no animation: the whole race at once
      return draw();
    }
    const began = performance.now();
    const tick = (/** @type {number} */ now) => {
      frame = Math.max(0, Math.min(total, Math.round((total * (now - began)) / FRAMES_MS)));
      draw();
      animation = frame < total ? requestAnimationFrame(tick) : null;
    };
    frame = 0;
    animation = requestAnimationFrame(tick);
    draw();
  }

  function steps() {
    const n = parseNumber(inputById("mg-l-steps").value);
    return Number.isInteger(n) && n >= 0 && n <= 2000 ? n : 150;
  }

  function draw() {
    clear(map);
    svgAdd(map, "image", { href: heat, x: 0, y: 0, width: 400, height: 400, preserveAspectRatio: "none" });
    const m = data.minima;
    svgAdd(map, "circle", { cx: sx(m.global[0]), cy: sy(m.global[1]), r: 7, class: "mg-l-global" });
    svgAdd(
      map,
      "text",
      { x: sx(m.global[0]) + 10, y: sy(m.global[1]) + 4, class: "mg-l-label" },
      "global minimum",
    );
    svgAdd(map, "circle", { cx: sx(m.local[0]), cy: sy(m.local[1]), r: 6, class: "mg-l-local" });
    svgAdd(
      map,
      "text",
      { x: sx(m.local[0]) - 8, y: sy(m.local[1]) + 20, class: "mg-l-label" },
      "local minimum",
    );
    racers.forEach((r, i) => {
      if (!r.run) return;
      const upto = r.run.slice(0, frame + 1);
      pieces(upto.map(([a, b]) => [sx(a), sy(b)])).forEach((points) =>
        svgAdd(map, "polyline", { points, class: "mg-l-path", stroke: COLORS[i % COLORS.length] }),
      );
      const last = upto[upto.length - 1];
      svgAdd(map, "circle", {
        cx: sx(last[0]),
        cy: sy(last[1]),
        r: 3.5,
        fill: COLORS[i % COLORS.length],
        class: "mg-l-head",
      });
    });
    svgAdd(map, "circle", { cx: sx(start[0]), cy: sy(start[1]), r: 6, class: "mg-l-start" });
    map.setAttribute(
      "aria-label",
      "the landscape J(θ1, θ2), lighter is lower; the race starts at (" +
        text(start[0]) +
        ", " +
        text(start[1]) +
        ")",
    );
    drawCosts();
    drawTable();
  }

  function drawCosts() {
    const svg = clear(byId("mg-l-costs"));
    const all = racers.flatMap((r) => (r.run ? r.run.map((p) => p[2]) : []));
    const f = {
      left: 52,
      right: 392,
      top: 10,
      bottom: 272,
      xs: /** @type {[number, number]} */ ([0, Math.max(steps(), 1)]),
      ys: extent(all.length ? all : [0, 1], 0.05),
    };
    const sc = axes(svg, f, "step", "J", (x) => text(x, 3));
    racers.forEach((r, i) => {
      if (!r.run) return;
      const upto = r.run.slice(0, frame + 1);
      pieces(upto.map((p, k) => [sc.x(k), sc.y(p[2])])).forEach((points) =>
        svgAdd(svg, "polyline", { points, class: "mg-l-cost", stroke: COLORS[i % COLORS.length] }),
      );
    });
  }

  function drawTable() {
    racers.forEach((r, i) => {
      const cell = byId("mg-l-end-" + i);
      if (r.error) cell.textContent = "✗ " + r.error;
      else if (!r.run) cell.textContent = "—";
      else {
        const p = r.run[Math.min(frame, r.run.length - 1)];
        const g = data.minima.global,
          l = data.minima.local;
        const near = (/** @type {number[]} */ q) => Math.hypot(p[0] - q[0], p[1] - q[1]) < 0.05;
        const where = near(g) ? " (global minimum)" : near(l) ? " (local minimum: trapped)" : "";
        cell.textContent = "(" + text(p[0], 3) + ", " + text(p[1], 3) + "), J = " + text(p[2], 4) + where;
      }
    });
  }

  // --- controls -------------------------------------------------------------------------------

  const body = byId("mg-l-racers");
  racers.forEach((r, i) => {
    const row = document.createElement("tr");
    const on = input({ type: "checkbox", "aria-label": "race " + r.label });
    on.checked = true;
    on.addEventListener("change", () => {
      r.on = on.checked;
      race();
    });
    const label = document.createElement("th");
    label.scope = "row";
    const swatch = document.createElement("span");
    swatch.className = "mg-l-swatch";
    swatch.style.background = COLORS[i % COLORS.length];
    label.append(swatch, r.label);
    const defaults = data.optimizers[r.name];
    const more = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = "options";
    more.appendChild(summary);
    /** @type {HTMLElement | null} */
    let lrBox = null;
    Object.keys(defaults).forEach((key) => {
      const value = key in r.options ? r.options[key] : defaults[key];
      const boxes = optionBoxes(r.label, key, value, (v) => {
        r.options[key] = v;
        race();
      });
      if (key === "lr") lrBox = boxes;
      else more.appendChild(boxes);
    });
    row.append(cellOf(on), label, cellOf(lrBox || document.createElement("span")), cellOf(more));
    const end = document.createElement("td");
    end.id = "mg-l-end-" + i;
    end.className = "mg-l-end";
    row.appendChild(end);
    body.appendChild(row);
  });
  byId("mg-l-formula").textContent = data.formula;
  const t1 = inputById("mg-l-t1"),
    t2 = inputById("mg-l-t2");
  const showStart = () => {
    t1.value = String(+start[0].toFixed(3));
    t2.value = String(+start[1].toFixed(3));
  };
  [t1, t2].forEach((box) =>
    box.addEventListener("change", () => {
      const a = parseNumber(t1.value),
        b = parseNumber(t2.value);
      const ok = isFinite(a) && isFinite(b);
      box.setAttribute("aria-invalid", String(!ok));
      if (!ok) return;
      start = [a, b];
      race();
    }),
  );
  map.addEventListener("click", (event) => {
    const box = map.getBoundingClientRect();
    const u = ((event.clientX - box.left) / box.width) * 400,
      v = ((event.clientY - box.top) / box.height) * 400;
    start = [scale(M.left, M.right, -SPAN, SPAN)(u), scale(M.bottom, M.top, -SPAN, SPAN)(v)];
    showStart();
    race();
  });
  byId("mg-l-race").addEventListener("click", race);
  inputById("mg-l-steps").addEventListener("change", race);
  showStart();
  race();

  return {
    /** @param {string} name @param {Record<string, unknown>} options */
    run: (name, options) => run(math, data, name, options || {}),
    /** @param {number} t1 @param {number} t2 */
    J: (t1, t2) => height(math, data, t1, t2),
  };
}

/** @param {Record<string, string>} attrs */
function input(attrs) {
  const box = document.createElement("input");
  Object.keys(attrs).forEach((key) => box.setAttribute(key, attrs[key]));
  return box;
}

/** @param {Node} node */
function cellOf(node) {
  const cell = document.createElement("td");
  cell.appendChild(node);
  return cell;
}

/** The boxes for one keyword argument: a checkbox for a flag, a number box per number.
 * @param {string} who @param {string} key @param {number | boolean | number[]} value
 * @param {(v: number | boolean | number[]) => void} changed */
function optionBoxes(who, key, value, changed) {
  const label = document.createElement("label");
  label.className = "mg-l-option";
  if (typeof value === "boolean") {
    const box = input({ type: "checkbox" });
    box.checked = value;
    box.addEventListener("change", () => changed(box.checked));
    label.append(box, " " + key);
    return label;
  }
  const values = Array.isArray(value) ? value.slice() : [value];
  label.append(key === "lr" ? "" : key + " ");
  values.forEach((x, k) => {
    const box = input({
      type: "number",
      step: "any",
      class: "mg-l-num",
      "aria-label": who + " " + key + (values.length > 1 ? " " + (k + 1) : ""),
    });
    box.value = String(x);
    box.addEventListener("change", () => {
      const y = parseNumber(box.value);
      box.setAttribute("aria-invalid", String(!isFinite(y)));
      if (!isFinite(y)) return;
      values[k] = y;
      changed(Array.isArray(value) ? values.slice() : y);
    });
    label.append(box);
  });
  return label;
}

/** The heat map as a PNG data URL: lighter is lower, in BANDS bands with darker band edges, so
 * the bands read as contour lines.
 * @param {LandscapeData} data @param {GraphMath} math */
function heatMap(data, math) {
  const Js = [];
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const t1 = -SPAN + ((c + 0.5) * 2 * SPAN) / GRID;
      const t2 = SPAN - ((r + 0.5) * 2 * SPAN) / GRID;
      Js.push(height(math, data, t1, t2));
    }
  }
  const [lo, hi] = extent(Js, 0);
  const band = Js.map((J) => Math.min(BANDS - 1, Math.floor(((J - lo) / (hi - lo)) * BANDS)));
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = GRID;
  const ctx = canvas.getContext("2d");
  if (!ctx) return "";
  const image = ctx.createImageData(GRID, GRID);
  band.forEach((b, i) => {
    const edge =
      (i % GRID < GRID - 1 && band[i + 1] !== b) || (i + GRID < band.length && band[i + GRID] !== b);
    const light = 250 - (b / (BANDS - 1)) * 150 - (edge ? 45 : 0);
    image.data[4 * i] = light * 0.93;
    image.data[4 * i + 1] = light * 0.97;
    image.data[4 * i + 2] = light;
    image.data[4 * i + 3] = 255;
  });
  ctx.putImageData(image, 0, 0);
  return canvas.toDataURL("image/png");
}
