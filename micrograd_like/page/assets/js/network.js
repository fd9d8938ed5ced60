// @ts-check
/* The network view: network_view.draw_network's picture (inputs, units, one edge per weight),
 * kept up to date with the page's numbers, linked to the op graph by name (data-name="w[2]12"
 * is the op graph's node w[2]12), with each weight's formula on hover or focus and Apply
 * update's change animated. The words are pure functions (weightStory, unitStory). */

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").NetworkData} NetworkData */
/** @typedef {import("./types.js").Computation} Computation */

const ANIMATION_MS = 700;

/**
 * @typedef {object} NetTelling
 * @property {PageData} data
 * @property {Computation} current
 * @property {(name: string) => number} index  a name's node index (-1: none)
 * @property {(x: number, p?: number) => string} text
 * @property {(x: number) => string} paren
 * @property {number} lr
 */

/** The edge's width (points) and colour for weight w: network_view's rule (_width, _colour).
 * @param {NetworkData} net
 * @param {number} w */
export function edgeStyle(net, w) {
  const [thin, wide] = net.widths;
  const size = Math.abs(w);
  let width = thin;
  if (size === size && net.largest > 0)
    width = size >= net.largest ? wide : thin + ((wide - thin) * size) / net.largest;
  const sign = w > 0 ? "positive" : w < 0 ? "negative" : "zero";
  return { width, colour: net.colours[sign], text: net.text_colours[sign] };
}

/** What the hover line says about weight `name`: its unit's formula with the numbers in, its
 * gradient as dL/ds · input, and the update it gets.
 * @param {NetTelling} t
 * @param {string} name */
export function weightStory(t, name) {
  const net = /** @type {NetworkData} */ (t.data.network);
  const weight = net.weights.find((w) => w.name === name);
  const unit = net.units.find((u) => weight && u.s === weight.target);
  if (!weight || !unit) return "";
  const v = (/** @type {string} */ n) => t.current.values[t.index(n)];
  const g = (/** @type {string} */ n) => t.current.grads[t.index(n)];
  const d = (/** @type {string} */ n) => t.data.nodes[t.index(n)].grad_name;
  const names = unit.terms.map(([w, x]) => w + "·" + x).concat(unit.bias ? [unit.bias] : []);
  const numbers = unit.terms
    .map(([w, x]) => t.paren(v(w)) + "·" + t.paren(v(x)))
    .concat(unit.bias ? [t.paren(v(unit.bias))] : []);
  const w = v(name),
    grad = g(name),
    after = w - t.lr * grad;
  return (
    unit.s +
    " = " +
    names.join(" + ") +
    " = " +
    numbers.join(" + ") +
    " = " +
    t.text(v(unit.s)) +
    ";  " +
    d(name) +
    " = " +
    d(unit.s) +
    "·" +
    weight.source +
    " = " +
    t.paren(g(unit.s)) +
    "·" +
    t.paren(v(weight.source)) +
    " = " +
    t.text(grad) +
    ";  update: " +
    name +
    " ← " +
    t.text(w) +
    " − " +
    t.text(t.lr) +
    "·" +
    t.paren(grad) +
    " = " +
    t.text(after)
  );
}

/** What the hover line says about a unit or an input.
 * @param {NetTelling} t
 * @param {string} name */
export function unitStory(t, name) {
  const net = /** @type {NetworkData} */ (t.data.network);
  const i = t.index(name);
  if (i < 0) return "";
  const grad = t.data.nodes[i].grad_name + " = " + t.text(t.current.grads[i]);
  const unit = net.units.find((u) => u.name === name);
  if (!unit) return name + " = " + t.text(t.current.values[i]) + " (an input);  " + grad;
  const s = t.current.values[t.index(unit.s)];
  const head = unit.s + " = " + t.text(s);
  if (unit.name === unit.s) return head + ";  " + grad;
  return (
    head +
    ";  " +
    name +
    " = " +
    unit.activation +
    "(" +
    unit.s +
    ") = " +
    unit.activation +
    "(" +
    t.paren(s) +
    ") = " +
    t.text(t.current.values[i]) +
    ";  " +
    grad
  );
}

/** The picture's numbers, edge widths and colours, and the selection.
 * @param {SVGSVGElement} svg
 * @param {NetTelling} t
 * @param {string | null} selected
 * @param {Map<string, number>} [weights]  the weights to draw (mid-animation), else the current ones */
export function drawNetwork(svg, t, selected, weights) {
  const net = /** @type {NetworkData} */ (t.data.network);
  const digits = t.data.constants.picture_digits;
  /** @param {string} name */
  const value = (name) =>
    weights && weights.has(name)
      ? /** @type {number} */ (weights.get(name))
      : t.current.values[t.index(name)];
  svg.querySelectorAll("text[data-of]").forEach((el) => {
    const shown =
      el.getAttribute("data-prefix") + " = " + t.text(value(String(el.getAttribute("data-of"))), digits);
    if (el.textContent !== shown) el.textContent = shown;
  });
  svg.querySelectorAll("text[data-grad-of]").forEach((el) => {
    const i = t.index(String(el.getAttribute("data-grad-of")));
    const shown = el.getAttribute("data-prefix") + " = " + t.text(t.current.grads[i], digits);
    if (el.textContent !== shown) el.textContent = shown;
  });
  net.weights.forEach((weight) => {
    const g = svg.querySelector('[data-name="' + CSS.escape(weight.name) + '"]');
    if (!g) return;
    const w = value(weight.name);
    const style = edgeStyle(net, w);
    g.setAttribute("data-w", String(w));
    g.querySelectorAll(".mg-w-line, .mg-w-head").forEach((part) => {
      const el = /** @type {SVGElement} */ (part);
      el.setAttribute("stroke-width", style.width.toFixed(2));
      el.setAttribute("stroke", style.colour);
      if (part.classList.contains("mg-w-head")) el.setAttribute("fill", style.colour);
    });
    g.querySelectorAll("text").forEach((el) => el.setAttribute("fill", style.text));
  });
  svg
    .querySelectorAll("[data-name]")
    .forEach((g) => g.classList.toggle("mg-selected", g.getAttribute("data-name") === selected));
}

/** Animate the weights from `before` to the current values (Apply update: w → w − α·dL/dw).
 * @param {SVGSVGElement} svg
 * @param {NetTelling} t
 * @param {() => string | null} selected
 * @param {Map<string, number>} before */
export function animateUpdate(svg, t, selected, before) {
  const start = performance.now();
  svg.classList.add("mg-animating");
  const frame = () => {
    const f = Math.min(1, (performance.now() - start) / ANIMATION_MS);
    const ease = f * f * (3 - 2 * f);
    /** @type {Map<string, number>} */
    const now = new Map();
    before.forEach((w, name) => now.set(name, w + (t.current.values[t.index(name)] - w) * ease));
    drawNetwork(svg, t, selected(), f < 1 ? now : undefined);
    if (f < 1) requestAnimationFrame(frame);
    else svg.classList.remove("mg-animating");
  };
  requestAnimationFrame(frame);
}

/** Make every input, unit and weight focusable and selectable; hovering or focusing one writes
 * its formula in `info`.
 * @param {SVGSVGElement} svg
 * @param {HTMLElement} info
 * @param {() => NetTelling} telling
 * @param {(name: string) => unknown} select */
export function wireNetwork(svg, info, telling, select) {
  svg.querySelectorAll("[data-name]").forEach((g) => {
    const name = String(g.getAttribute("data-name"));
    const isWeight = g.classList.contains("edge");
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    g.setAttribute("aria-label", (isWeight ? "weight " : "") + name + ": select");
    const tell = () => {
      const t = telling();
      info.textContent = isWeight ? weightStory(t, name) : unitStory(t, name);
    };
    g.addEventListener("mouseenter", tell);
    g.addEventListener("focus", tell);
    g.addEventListener("click", () => select(name));
    g.addEventListener("keydown", (ev) => {
      if (!(ev instanceof KeyboardEvent) || (ev.key !== "Enter" && ev.key !== " ")) return;
      select(name);
      ev.preventDefault();
    });
  });
}
