// @ts-check
/* "J along one weight" on the page: the controls, the plot of J(w) with the point, its tangent and
 * the step, the words for α against α* = 2/J'', the history, and walkthrough.descent. */

import { createDescent } from "./descent.js";
import { parseNumber, repr } from "./format.js";
import { h } from "./markup.js";
import { axes, extent, pieces, svgAdd } from "./plot.js";
import { byId, clear, inputById, show } from "./views.js";

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").GraphMath} GraphMath */
/** @typedef {import("./descent.js").ForwardMath} ForwardMath */
/** @typedef {import("./descent.js").Point} Point */

const RUN_STEPS = 20; // one press of Run
const RUN_MS = 350; // between its steps

/** Wire the chapter's first part; returns the script API (set, step, state).
 * @param {PageData} data
 * @param {GraphMath} math
 * @param {Array<ForwardMath | null>} curvatures
 * @param {(x: number, p?: number) => string} text */
export function startDescent(data, math, curvatures, text) {
  const D = data.descent;
  const words = D.step_words;
  const model = createDescent(math, data, curvatures);
  const s = model.settings;
  /** @type {number | null} */
  let timer = null;
  let message = "";

  const name = () => D.weights[s.weight];
  const here = () => model.history()[model.history().length - 1];

  function state() {
    const { threshold } = model.curvature();
    const p = here();
    return {
      weight: name(),
      lr: s.lr,
      target: s.target,
      w: p.w,
      J: p.J,
      slope: p.slope,
      threshold,
      history: model.history().map((q) => ({ ...q, words: words[q.kind] })),
    };
  }

  /** @param {{weight?: unknown, lr?: unknown, target?: unknown, w?: unknown}} opts */
  function set(opts) {
    const o = opts || {};
    let restart = false;
    /** @type {number | undefined} */
    let w;
    if (o.weight !== undefined) {
      const k = D.weights.indexOf(String(o.weight));
      if (k < 0)
        throw new Error("no weight " + JSON.stringify(o.weight) + "; weights: " + D.weights.join(", "));
      s.weight = k;
      restart = true;
    }
    if (o.lr !== undefined) {
      const x = parseNumber(o.lr);
      if (!isFinite(x) || x <= 0) throw new Error("lr must be a finite number > 0, got " + String(o.lr));
      s.lr = x;
    }
    if (o.target !== undefined) {
      const x = parseNumber(o.target);
      if (D.target === null) throw new Error("this graph has no target y");
      if (!isFinite(x)) throw new Error("target must be a finite number, got " + String(o.target));
      s.target = x;
      restart = true;
    }
    if (o.w !== undefined) {
      w = parseNumber(o.w);
      if (!isFinite(w)) throw new Error("w must be a finite number, got " + String(o.w));
      restart = true;
    }
    stop();
    if (restart) model.restart(w);
    message = "";
    draw();
    return state();
  }

  function step() {
    try {
      const p = model.step();
      message = "";
      draw();
      return { w: p.w, J: p.J, slope: p.slope };
    } catch (error) {
      stop();
      message = "The step was not taken: " + (error instanceof Error ? error.message : String(error));
      draw();
      throw error;
    }
  }

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    byId("mg-d-run").textContent = "Run";
  }

  function run() {
    if (timer !== null) return stop();
    let left = RUN_STEPS;
    byId("mg-d-run").textContent = "Stop";
    timer = window.setInterval(() => {
      try {
        step();
      } catch {
        return;
      }
      if (--left <= 0) stop();
    }, RUN_MS);
  }

  // --- drawing --------------------------------------------------------------------------------

  function draw() {
    const { curvature, threshold } = model.curvature();
    drawControls();
    drawPlot(curvature);
    show(byId("mg-d-text"), story(curvature, threshold));
    const box = byId("mg-d-msg");
    box.textContent = message;
    box.hidden = !message;
    const list = clear(byId("mg-d-history"));
    model.history().forEach((p) => {
      const item = document.createElement("li");
      item.textContent =
        name() +
        " = " +
        text(p.w) +
        ", J = " +
        text(p.J) +
        ", dJ/dw = " +
        text(p.slope) +
        " — " +
        words[p.kind];
      item.className = "mg-step-" + p.kind;
      list.appendChild(item);
    });
  }

  function drawControls() {
    const select = inputById("mg-d-weight");
    if (select.value !== String(s.weight)) select.value = String(s.weight);
    const lr = inputById("mg-d-lr");
    if (document.activeElement !== lr && parseNumber(lr.value) !== s.lr)
      lr.value = repr(s.lr).replace(/\.0$/, "");
    const slider = inputById("mg-d-lr-slider");
    if (document.activeElement !== slider) slider.value = String(s.lr);
    const target = inputById("mg-d-target");
    if (s.target !== null && document.activeElement !== target && parseNumber(target.value) !== s.target) {
      target.value = repr(s.target).replace(/\.0$/, "");
    }
  }

  /** @param {number | null} curvature */
  function drawPlot(curvature) {
    const svg = clear(byId("mg-d-plot"));
    const history = model.history();
    const p = here();
    const next = p.w - s.lr * p.slope;
    const ws = history.map((q) => q.w).concat([next]);
    const [lo0, hi0] = extent(ws, 0.25);
    const half = Math.max((hi0 - lo0) / 2, 0.15);
    const mid = (lo0 + hi0) / 2;
    const xs = /** @type {[number, number]} */ ([mid - half, mid + half]);
    const samples = [];
    for (let i = 0; i <= 160; i++) {
      const w = xs[0] + ((xs[1] - xs[0]) * i) / 160;
      const J = model.jAt(w);
      samples.push([w, J === null ? NaN : J]);
    }
    const ys = extent(
      samples.map((q) => q[1]),
      0.08,
    );
    const f = { left: 66, right: 470, top: 10, bottom: 272, xs, ys };
    const sc = axes(svg, f, name(), "J", (x) => text(x, 3));
    const clip = (/** @type {number} */ y) => Math.max(f.top, Math.min(f.bottom, y));
    pieces(samples.map(([w, J]) => [sc.x(w), sc.y(J)])).forEach((points) =>
      svgAdd(svg, "polyline", { points, class: "mg-d-curve" }),
    );
    // the tangent: slope dJ/dw through the point, over a quarter of the window each way
    const t = half / 2;
    svgAdd(svg, "line", {
      x1: sc.x(p.w - t),
      y1: clip(sc.y(p.J - t * p.slope)),
      x2: sc.x(p.w + t),
      y2: clip(sc.y(p.J + t * p.slope)),
      class: "mg-d-tangent",
    });
    history.forEach((q, i) => {
      if (i) {
        const r = history[i - 1];
        svgAdd(svg, "line", {
          x1: sc.x(r.w),
          y1: sc.y(r.J),
          x2: sc.x(q.w),
          y2: sc.y(q.J),
          class: "mg-d-path",
        });
      }
      svgAdd(svg, "circle", { cx: sc.x(q.w), cy: sc.y(q.J), r: 3, class: "mg-d-past" });
    });
    const J1 = model.jAt(next);
    if (J1 !== null && isFinite(sc.x(next))) {
      // the step along the tangent, then down (or up) to the curve
      const onTangent = p.J - s.lr * p.slope * p.slope;
      svgAdd(svg, "line", {
        x1: sc.x(p.w),
        y1: sc.y(p.J),
        x2: sc.x(next),
        y2: clip(sc.y(onTangent)),
        class: "mg-d-step",
      });
      svgAdd(svg, "line", {
        x1: sc.x(next),
        y1: clip(sc.y(onTangent)),
        x2: sc.x(next),
        y2: sc.y(J1),
        class: "mg-d-drop",
      });
      svgAdd(svg, "circle", { cx: sc.x(next), cy: sc.y(J1), r: 5, class: "mg-d-next" });
    }
    svgAdd(svg, "circle", { cx: sc.x(p.w), cy: sc.y(p.J), r: 6, class: "mg-d-now" });
    svg.setAttribute(
      "aria-label",
      "J along " +
        name() +
        ": now " +
        text(p.J) +
        " at " +
        text(p.w) +
        ", slope " +
        text(p.slope) +
        (curvature === null ? "" : ", curvature " + text(curvature)),
    );
  }

  /** The numbers and what they mean, in words.
   * @param {number | null} c @param {number | null} threshold */
  function story(c, threshold) {
    const p = here();
    const next = p.w - s.lr * p.slope;
    const lines = [
      h("p", {}, [
        h("strong", {}, [name() + " = " + text(p.w) + ", J = " + text(p.J)]),
        ", dJ/dw = " +
          text(p.slope) +
          " (backpropagation). The slope is " +
          (p.slope < 0 ? "negative" : "positive"),
        p.slope === 0
          ? ""
          : ": J falls toward " +
            (p.slope < 0 ? "larger" : "smaller") +
            " " +
            name() +
            ", so the step goes that way.",
      ]),
      h("p", { class: "mg-mono" }, [
        name() + " ← " + text(p.w) + " − " + text(s.lr) + "·(" + text(p.slope) + ") = " + text(next),
      ]),
    ];
    if (c === null) {
      lines.push(h("p", {}, ["J''(w) cannot be computed here, so there is no threshold to compare α with."]));
    } else if (threshold === null) {
      lines.push(
        h("p", {}, [
          "J''(w) = " +
            text(c) +
            " ≤ 0: here the curve bends downward (or is straight), so no α makes a " +
            "downhill step swing back up on its local parabola: α* = 2/J'' does not exist.",
        ]),
      );
    } else {
      const where =
        s.lr < threshold / 2
          ? "below 1/J'' = " +
            text(threshold / 2) +
            ": the step stays on its side of the local parabola's bottom."
          : s.lr < threshold
            ? "between 1/J'' = " +
              text(threshold / 2) +
              " and 2/J'': the step passes the parabola's bottom but lands lower."
            : "above α* = 2/J'': on the local parabola the step lands higher than it started; repeated, the steps swing out and diverge.";
      lines.push(
        h("p", {}, [
          "J''(w) = " + text(c) + " (the backward pass differentiated again), so ",
          h("strong", {}, ["α* = 2/J'' = " + text(threshold)]),
          ". A step −α·g leaves the slope g·(1 − α·J''): α = " + text(s.lr) + " is " + where,
        ]),
      );
    }
    const shape = monotone();
    if (shape) lines.push(h("p", { class: "mg-note" }, [shape]));
    const last = p.kind === "start" ? "" : "Last step — " + words[p.kind];
    if (last) lines.push(h("p", { class: "mg-d-kind mg-step-" + p.kind }, [last]));
    return lines;
  }

  /** In words, when J has no minimum along the weight near here (it falls one way all along
   * [w − 10, w + 10]): then no α can pass a minimum, and every step goes downhill. */
  function monotone() {
    const w = here().w;
    let up = 0,
      down = 0;
    let prev = model.jAt(w - 10);
    for (let i = 1; i <= 200 && prev !== null; i++) {
      const J = model.jAt(w - 10 + i / 10);
      if (J === null) return "";
      if (J > prev) up++;
      if (J < prev) down++;
      prev = J;
    }
    if (up && down) return "";
    const way = down ? "larger" : "smaller";
    const y =
      s.target === null ? "" : " (the target y = " + text(s.target) + " is out of the output's reach)";
    return (
      "Along " +
      name() +
      " J keeps falling toward " +
      way +
      " values all the way from " +
      text(w - 10) +
      " to " +
      text(w + 10) +
      y +
      ": there is no minimum to pass, so no α overshoots; every step goes downhill."
    );
  }

  // --- controls -------------------------------------------------------------------------------

  const select = inputById("mg-d-weight");
  D.weights.forEach((wname, k) => {
    const option = document.createElement("option");
    option.value = String(k);
    option.textContent = wname;
    select.appendChild(option);
  });
  select.addEventListener("change", () => set({ weight: D.weights[+select.value] }));
  /** @param {string} id @param {(x: string) => unknown} apply */
  const onEnter = (id, apply) => {
    const box = inputById(id);
    box.addEventListener("change", () => {
      try {
        apply(box.value);
        box.setAttribute("aria-invalid", "false");
      } catch (error) {
        box.setAttribute("aria-invalid", "true");
        message = error instanceof Error ? error.message : String(error);
        draw();
      }
    });
  };
  onEnter("mg-d-lr", (x) => set({ lr: x }));
  onEnter("mg-d-target", (x) => set({ target: x }));
  const slider = inputById("mg-d-lr-slider");
  slider.addEventListener("input", () => set({ lr: slider.value }));
  byId("mg-d-target-box").hidden = D.target === null;
  byId("mg-d-step").addEventListener("click", () => {
    stop();
    try {
      step();
    } catch {
      // the message is on the page
    }
  });
  byId("mg-d-run").addEventListener("click", run);
  byId("mg-d-reset").addEventListener("click", () => set({ w: model.history()[0].w }));
  const presets = byId("mg-d-presets");
  D.presets.forEach((p) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = p.label;
    button.addEventListener("click", () =>
      set({ weight: D.weights[D.weight], target: p.target, w: p.w, lr: p.lr }),
    );
    presets.appendChild(button);
  });
  draw();
  return { set, step, state };
}
