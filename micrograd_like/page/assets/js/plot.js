// @ts-check
/* SVG plotting for the "Gradient descent" chapter: elements, linear scales, axes with two ticks. */

const NS = "http://www.w3.org/2000/svg";

/** An SVG element appended to `parent`.
 * @param {Element} parent @param {string} tag @param {Record<string, string | number>} attrs @param {string} [text] */
export function svgAdd(parent, tag, attrs, text) {
  const node = document.createElementNS(NS, tag);
  Object.keys(attrs).forEach((key) => node.setAttribute(key, String(attrs[key])));
  if (text !== undefined) node.textContent = text;
  parent.appendChild(node);
  return node;
}

/** The map from [lo, hi] onto [a, b].
 * @param {number} lo @param {number} hi @param {number} a @param {number} b */
export function scale(lo, hi, a, b) {
  const span = hi - lo || 1;
  return (/** @type {number} */ x) => a + ((x - lo) / span) * (b - a);
}

/** The range of the finite numbers, widened by `pad` of its span on each side (never empty).
 * @param {number[]} xs @param {number} pad @returns {[number, number]} */
export function extent(xs, pad) {
  const finite = xs.filter((x) => isFinite(x));
  let lo = Math.min(...finite),
    hi = Math.max(...finite);
  if (!finite.length) return [0, 1];
  if (hi === lo) {
    lo -= Math.abs(lo) * 0.1 || 1;
    hi += Math.abs(hi) * 0.1 || 1;
  }
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

/** A polyline's points, skipping the pairs that are not finite (a gap splits the line).
 * @param {Array<[number, number]>} xy @returns {string[]} one "x,y x,y ..." per unbroken piece */
export function pieces(xy) {
  /** @type {string[][]} */
  const out = [[]];
  xy.forEach(([x, y]) => {
    if (isFinite(x) && isFinite(y)) out[out.length - 1].push(x.toFixed(2) + "," + y.toFixed(2));
    else if (out[out.length - 1].length) out.push([]);
  });
  return out.filter((p) => p.length > 1).map((p) => p.join(" "));
}

/**
 * @typedef {object} Frame  a plot's box in the SVG's units and its data ranges
 * @property {number} left
 * @property {number} right
 * @property {number} top
 * @property {number} bottom
 * @property {[number, number]} xs
 * @property {[number, number]} ys
 */

/** Axes with the ranges' ends as ticks, and axis names; returns the scales.
 * @param {Element} svg @param {Frame} f @param {string} xName @param {string} yName
 * @param {(x: number) => string} text */
export function axes(svg, f, xName, yName, text) {
  const x = scale(f.xs[0], f.xs[1], f.left, f.right);
  const y = scale(f.ys[0], f.ys[1], f.bottom, f.top);
  svgAdd(svg, "line", { x1: f.left, y1: f.bottom, x2: f.right, y2: f.bottom, class: "mg-axis" });
  svgAdd(svg, "line", { x1: f.left, y1: f.top, x2: f.left, y2: f.bottom, class: "mg-axis" });
  svgAdd(svg, "text", { x: f.left - 4, y: f.top + 9, "text-anchor": "end", class: "mg-tick" }, text(f.ys[1]));
  svgAdd(svg, "text", { x: f.left - 4, y: f.bottom, "text-anchor": "end", class: "mg-tick" }, text(f.ys[0]));
  svgAdd(
    svg,
    "text",
    { x: f.left, y: f.bottom + 14, "text-anchor": "start", class: "mg-tick" },
    text(f.xs[0]),
  );
  svgAdd(
    svg,
    "text",
    { x: f.right, y: f.bottom + 14, "text-anchor": "end", class: "mg-tick" },
    text(f.xs[1]),
  );
  svgAdd(
    svg,
    "text",
    { x: (f.left + f.right) / 2, y: f.bottom + 14, "text-anchor": "middle", class: "mg-tick" },
    xName,
  );
  svgAdd(svg, "text", { x: f.left + 4, y: f.top + 9, class: "mg-tick" }, yName);
  return { x, y };
}
