// @ts-check
/* Drawing: the DOM helpers, the picture's numbers and highlights, the table of every value, the
 * loss plot, and pan and zoom. Nothing here decides what is true; page.js passes it the numbers. */

import { known } from "./graph.js";

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").Computation} Computation */
/** @typedef {import("./markup.js").VNode} VNode */
/** @typedef {import("./explain.js").Explanation} Explanation */

/** The element with this id (the page template has them all).
 * @param {string} id
 * @returns {HTMLElement} */
export function byId(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error("the page has no #" + id);
  return found;
}

/** A number box or select by id.
 * @param {string} id */
export function inputById(id) {
  return /** @type {HTMLInputElement} */ (byId(id));
}

/** Markup as DOM: text always as text nodes.
 * @param {VNode | string} node
 * @returns {Node} */
export function toDom(node) {
  if (typeof node === "string") return document.createTextNode(node);
  const element = document.createElement(node.tag);
  Object.keys(node.attrs).forEach((key) => element.setAttribute(key, node.attrs[key]));
  node.children.forEach((child) => element.appendChild(toDom(child)));
  return element;
}

/** @param {Element} el @param {string} text */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** @param {Element} el @param {string} name @param {boolean} on */
export function toggle(el, name, on) {
  el.classList.toggle(name, on);
}

/** @template {Node} T @param {T} node @returns {T} */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** Replace the element's content by the markup.
 * @param {Element} el
 * @param {Array<VNode | string>} story */
export function show(el, story) {
  clear(el);
  story.forEach((part) => el.appendChild(toDom(part)));
}

/**
 * @typedef {object} PictureState
 * @property {PageData} data
 * @property {Computation} current
 * @property {number} step
 * @property {boolean} stale  the numbers are the last good ones (an error is shown)
 * @property {Explanation | null} explained
 * @property {(x: number, p?: number) => string} text
 */

/** The numbers, the step's highlight and the explained paths in every picture.
 * @param {SVGSVGElement[]} svgs
 * @param {PictureState} p */
export function drawPicture(svgs, p) {
  const { data, current, step } = p;
  const digits = data.constants.picture_digits;
  const k = known(data.nodes, current.steps, step);
  const active = step > 0 ? step - 1 : -1; // the step just taken
  const target = p.explained ? p.explained.node : null;
  const onPath = p.explained ? p.explained.pathNodes : new Set();
  const onEdge = p.explained ? p.explained.pathEdges : new Set();
  /** @param {string} selector */
  const all = (selector) => svgs.flatMap((svg) => Array.from(svg.querySelectorAll(selector)));
  all("[data-node]").forEach((g) => {
    const i = Number(g.getAttribute("data-node"));
    const value = g.querySelector(".mg-data");
    const grad = g.querySelector(".mg-grad");
    if (value) setText(value, "data " + p.text(current.values[i], digits));
    if (grad) {
      const known = k.grad[i];
      let text = "?";
      if (known !== null) {
        text = p.text(known, digits);
        if (i !== 0 && k.got[i] < data.nodes[i].uses) text += "…"; // a partial sum: more uses to come
      }
      setText(grad, "grad " + text);
    }
    toggle(g, "mg-current", i === active);
    toggle(g, "mg-pending", k.grad[i] === null);
    toggle(g, "mg-path", onPath.has(i));
    toggle(g, "mg-target", i === target);
  });
  all("[data-op]").forEach((g) => {
    const i = Number(g.getAttribute("data-op"));
    toggle(g, "mg-current", i === active);
    toggle(g, "mg-pending", i >= step);
    toggle(g, "mg-path", onPath.has(i) && target !== null && target !== i);
  });
  all("[data-out]").forEach((g) => {
    const i = Number(g.getAttribute("data-out"));
    toggle(g, "mg-current", i === active);
    toggle(g, "mg-pending", i >= step);
    toggle(g, "mg-path", onPath.has(i) && target !== i);
  });
  all("[data-edge]").forEach((g) => {
    const [i, e] = String(g.getAttribute("data-edge")).split(":").map(Number);
    const local = /** @type {[number, number, number]} */ (current.steps[i][e + 1])[0];
    const label = g.querySelector(".mg-local");
    if (label) setText(label, p.text(local, digits)); // the local derivative, as viz draws it
    toggle(g, "mg-current", i === active);
    toggle(g, "mg-pending", i >= step);
    toggle(g, "mg-path", onEdge.has(i + ":" + e));
  });
  svgs.forEach((svg) => toggle(svg, "mg-stale", p.stale));
}

/** The table of every value and gradient: a row per node, its name and what made it.
 * @param {HTMLElement} body
 * @param {PageData} data */
export function buildTable(body, data) {
  data.nodes.forEach((node) => {
    const row = document.createElement("tr");
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = node.name;
    const made = document.createElement("td");
    made.textContent = node.op || "leaf (" + node.kind + ")";
    row.append(name, made);
    for (let c = 0; c < 2; c++) {
      const cell = document.createElement("td");
      cell.className = "mg-num";
      row.appendChild(cell);
    }
    body.appendChild(row);
  });
}

/** @param {HTMLTableSectionElement} body @param {PictureState} p */
export function drawTable(body, p) {
  const k = known(p.data.nodes, p.current.steps, p.step);
  for (let i = 0; i < p.data.nodes.length; i++) {
    const row = body.rows[i];
    const grad = k.grad[i];
    setText(row.cells[2], p.text(p.current.values[i]));
    setText(row.cells[3], grad === null ? "?" : p.text(grad));
  }
}

/** The root's value after each update, as a small line plot.
 * @param {Element} svg
 * @param {number[]} ys
 * @param {string} root
 * @param {(x: number, p?: number) => string} text */
export function drawPlot(svg, ys, root, text) {
  clear(svg);
  const W = 320,
    H = 120,
    left = 52,
    right = 8,
    top = 10,
    bottom = 24;
  /** @param {string} tag @param {Record<string, string | number>} attrs @param {string} [content] */
  const add = (tag, attrs, content) => {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs).forEach((key) => node.setAttribute(key, String(attrs[key])));
    if (content !== undefined) node.textContent = content;
    svg.appendChild(node);
  };
  let lo = Math.min(...ys),
    hi = Math.max(...ys);
  if (hi === lo) {
    hi += Math.abs(hi) * 0.1 || 1;
    lo -= Math.abs(lo) * 0.1 || 1;
  }
  const n = Math.max(ys.length - 1, 1);
  /** @param {number} i */
  const x = (i) => left + (W - left - right) * (i / n);
  /** @param {number} v */
  const y = (v) => top + (H - top - bottom) * (1 - (v - lo) / (hi - lo));
  add("line", { x1: left, y1: H - bottom, x2: W - right, y2: H - bottom, class: "mg-axis" });
  add("line", { x1: left, y1: top, x2: left, y2: H - bottom, class: "mg-axis" });
  add("text", { x: left - 4, y: top + 8, "text-anchor": "end", class: "mg-tick" }, text(hi, 3));
  add("text", { x: left - 4, y: H - bottom, "text-anchor": "end", class: "mg-tick" }, text(lo, 3));
  add(
    "text",
    { x: (left + W) / 2, y: H - 6, "text-anchor": "middle", class: "mg-tick" },
    "updates (" + (ys.length - 1) + ")",
  );
  add("polyline", { points: ys.map((v, i) => x(i) + "," + y(v)).join(" "), class: "mg-line" });
  ys.forEach((v, i) => add("circle", { cx: x(i), cy: y(v), r: 2.5, class: "mg-dot" }));
  svg.setAttribute("aria-label", root + " after each update: " + ys.map((v) => text(v, 4)).join(", "));
}

/** A round slider range for a value: 1, 2, ..., 10, 20, ...
 * @param {number} x */
export function niceRange(x) {
  const r = Math.max(1, 2 * Math.abs(x));
  const p = 10 ** Math.floor(Math.log10(r));
  return Math.ceil(r / p) * p;
}

/** Pan (drag), zoom (buttons, keys, ctrl+wheel) and following the step's node in the viewport.
 * @param {HTMLElement} view
 * @param {SVGSVGElement[]} svgs */
export function panAndZoom(view, svgs) {
  let zoom = 1;
  /** @param {SVGSVGElement} svg */
  const natural = (svg) => {
    const box = svg.viewBox.baseVal;
    return { w: (box.width * 4) / 3, h: (box.height * 4) / 3 }; // Graphviz's points at 96 px per inch
  };
  const visible = () => svgs.filter((s) => !s.closest("[hidden]"))[0] || svgs[0];
  /** @param {number} z @param {boolean} keepCenter */
  const apply = (z, keepCenter) => {
    view.style.width = ""; // the whole pane again (align may have narrowed it)
    const size = natural(visible());
    const cx = (view.scrollLeft + view.clientWidth / 2) / (size.w * zoom);
    const cy = (view.scrollTop + view.clientHeight / 2) / (size.h * zoom);
    zoom = Math.max(0.2, Math.min(3, z));
    svgs.forEach((s) => {
      const n = natural(s);
      s.style.width = n.w * zoom + "px";
      s.style.height = n.h * zoom + "px";
    });
    if (keepCenter) {
      view.scrollLeft = cx * size.w * zoom - view.clientWidth / 2;
      view.scrollTop = cy * size.h * zoom - view.clientHeight / 2;
    }
    setText(byId("mg-zoom-level"), Math.round(zoom * 100) + "%");
  };
  const fit = () => {
    const size = natural(visible());
    return Math.min((view.clientWidth - 4) / size.w, (window.innerHeight * 0.62) / size.h);
  };
  /** keep node i in view (the picture may be wider than the screen) @param {number} i */
  const follow = (i) => {
    const g = visible().querySelector('[data-node="' + i + '"]');
    if (!g) return;
    const r = g.getBoundingClientRect();
    const v = view.getBoundingClientRect();
    if (r.left < v.left || r.right > v.right)
      view.scrollLeft += (r.left + r.right) / 2 - (v.left + v.right) / 2;
    if (r.top < v.top || r.bottom > v.bottom)
      view.scrollTop += (r.top + r.bottom) / 2 - (v.top + v.bottom) / 2;
  };
  /** @type {{x: number, y: number, left: number, top: number} | null} */
  let drag = null;
  view.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0 || (ev.target instanceof Element && ev.target.closest("[data-node]"))) return;
    drag = { x: ev.clientX, y: ev.clientY, left: view.scrollLeft, top: view.scrollTop };
    view.classList.add("mg-dragging");
  });
  window.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    view.scrollLeft = drag.left - (ev.clientX - drag.x);
    view.scrollTop = drag.top - (ev.clientY - drag.y);
  });
  window.addEventListener("pointerup", () => {
    drag = null;
    view.classList.remove("mg-dragging");
  });
  view.addEventListener(
    "wheel",
    (ev) => {
      if (!ev.ctrlKey && !ev.metaKey) return; // a plain wheel scrolls the page as usual
      ev.preventDefault();
      apply(zoom * (ev.deltaY < 0 ? 1.15 : 1 / 1.15), true);
    },
    { passive: false },
  );
  view.addEventListener("keydown", (ev) => {
    if (ev.key === "+" || ev.key === "=") apply(zoom * 1.25, true);
    else if (ev.key === "-") apply(zoom / 1.25, true);
    else if (ev.key === "0") apply(fit(), false);
    else return;
    ev.preventDefault();
  });
  byId("mg-zoom-in").addEventListener("click", () => apply(zoom * 1.25, true));
  byId("mg-zoom-out").addEventListener("click", () => apply(zoom / 1.25, true));
  byId("mg-zoom-fit").addEventListener("click", () => apply(fit(), false));
  /** Keep node i in view with no box cut at the pane's left or right edge: the pane starts and
   * ends in the gaps between the picture's columns of boxes (narrowing it when it must).
   * @param {number} i */
  const align = (i) => {
    view.style.width = "";
    follow(i);
    const v = view.getBoundingClientRect();
    const full = view.clientWidth;
    const end = view.scrollWidth;
    if (end <= full) return;
    /** @type {Array<[number, number]>} */
    const spans = Array.from(visible().querySelectorAll("[data-node], [data-op]")).map((g) => {
      const r = g.getBoundingClientRect();
      return [
        r.left - v.left - view.clientLeft + view.scrollLeft,
        r.right - v.left - view.clientLeft + view.scrollLeft,
      ];
    });
    spans.sort((a, b) => a[0] - b[0]);
    /** @type {Array<[number, number]>} */
    const cols = [];
    spans.forEach(([a, b]) => {
      const last = cols[cols.length - 1];
      if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
      else cols.push([a, b]);
    });
    const gaps = [0, ...cols.slice(1).map((c, k) => (cols[k][1] + c[0]) / 2), end];
    const target = visible().querySelector('[data-node="' + i + '"]');
    const t = target ? target.getBoundingClientRect() : v;
    const middle = (t.left + t.right) / 2 - v.left + view.scrollLeft;
    let lo = Math.max(
      0,
      cols.findIndex((c) => c[1] >= middle),
    ); // the column around node i
    let hi = lo + 1; // the window is gaps[lo] .. gaps[hi]
    while (hi + 1 < gaps.length && gaps[hi + 1] - gaps[lo] <= full) hi += 1;
    while (lo > 0 && gaps[hi] - gaps[lo - 1] <= full) lo -= 1;
    view.style.width = Math.floor(gaps[hi] - gaps[lo]) + "px";
    view.scrollLeft = gaps[lo];
  };
  return { apply, fit, follow, align, level: () => zoom };
}

/** Scroll the page so `el` shows below the sticky toolbar, if it does not (a phone, stepping).
 * @param {HTMLElement} el */
export function keepInView(el) {
  const bar = document.querySelector(".mg-toolbar");
  const top = bar ? bar.getBoundingClientRect().bottom : 0;
  const r = el.getBoundingClientRect();
  if (r.top < top || r.top > window.innerHeight - 60) window.scrollBy(0, r.top - top - 8);
}
