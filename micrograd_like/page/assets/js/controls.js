// @ts-check
/* The page's controls, built once: a number box and a slider per editable leaf, the explain
 * select and clickable boxes in the picture, the step buttons, keys, learning rate, quiz, layout. */

import { parseNumber, repr } from "./format.js";
import { wireNetwork } from "./network.js";
import { byId, inputById, niceRange } from "./views.js";

/** @typedef {import("./types.js").PageData} PageData */

/**
 * @typedef {object} Actions  what the controls do (page.js)
 * @property {PageData} data
 * @property {number[]} editable
 * @property {number[]} leaf  the leaves' values to start from
 * @property {number} lr
 * @property {SVGSVGElement[]} svgs
 * @property {{apply: (z: number, keep: boolean) => void, follow: (i: number) => void, align: (i: number) => void, level: () => number}} zoom
 * @property {(name: string, x: unknown) => unknown} set
 * @property {(target: number) => unknown} explain
 * @property {() => void} unexplain
 * @property {(problem: {leaf: number, message: string}) => void} reject
 * @property {(i: number) => string | null} boxProblem
 * @property {() => unknown} next
 * @property {() => unknown} prev
 * @property {() => unknown} reset
 * @property {() => unknown} end
 * @property {() => unknown} update
 * @property {(rate: unknown) => unknown} setLearningRate
 * @property {(on: boolean, kind?: string) => unknown} setQuiz
 * @property {() => number} step
 * @property {(name: string) => unknown} select
 * @property {(name: number, answer: string) => unknown} check
 * @property {() => unknown} restore
 * @property {() => import("./network.js").NetTelling} netTelling
 */

/** @param {string} tag @param {Record<string, string>} attrs @param {string} [text] */
function el(tag, attrs, text) {
  const node = document.createElement(tag);
  Object.keys(attrs).forEach((key) => node.setAttribute(key, attrs[key]));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Names in reading order ("x2" before "x10"): one collator made once (localeCompare with options
 * builds one per call). @param {string} a @param {string} b */
const byName = new Intl.Collator(undefined, { numeric: true }).compare;

/** @param {Actions} act */
export function buildControls(act) {
  buildLeaves(act);
  buildExplain(act);
  buildCheck(act);
  wire(act);
}

/** The "Check my gradient" box, the Restore defaults button, the quiz's kind, the network view.
 * @param {Actions} act */
function buildCheck(act) {
  const nodes = act.data.nodes;
  const select = inputById("mg-mine-name");
  const order = nodes.map((_, i) => i);
  order.sort((a, b) => byName(nodes[a].name, nodes[b].name));
  order.forEach((i) => select.appendChild(el("option", { value: String(i) }, nodes[i].name)));
  const first = order.find((i) => nodes[i].kind === "parameter");
  if (first !== undefined) select.value = String(first);
  byId("mg-mine").addEventListener("submit", (ev) => {
    ev.preventDefault();
    act.check(+select.value, inputById("mg-mine-answer").value);
  });
  byId("mg-restore").addEventListener("click", act.restore);
  const kind = inputById("mg-quiz-kind");
  kind.addEventListener("change", () => act.setQuiz(inputById("mg-quiz-toggle").checked, kind.value));
  const net = document.querySelector("svg.mg-network");
  if (net instanceof SVGSVGElement) wireNetwork(net, byId("mg-net-info"), act.netTelling, act.select);
}

/** @param {Actions} act */
function buildLeaves(act) {
  const nodes = act.data.nodes;
  const table = byId("mg-leaves");
  const groups = [
    ["parameter", "Parameters (Apply update changes these)"],
    ["input", "Inputs and targets"],
  ];
  groups.forEach(([kind, title]) => {
    const rows = act.editable
      .filter((i) => nodes[i].kind === kind)
      .sort((a, b) => byName(nodes[a].name, nodes[b].name));
    if (!rows.length) return;
    const body = document.createElement("tbody");
    const head = el("tr", {});
    head.appendChild(el("th", { colspan: "4", class: "mg-group", scope: "colgroup" }, title));
    body.appendChild(head);
    rows.forEach((i) => {
      const name = nodes[i].name;
      const v = act.leaf[i];
      const r = niceRange(v);
      const number = /** @type {HTMLInputElement} */ (
        el("input", {
          id: "mg-leaf-" + i,
          type: "number",
          step: "any",
          value: repr(v).replace(/\.0$/, ""),
          "data-leaf": String(i),
        })
      );
      const slider = /** @type {HTMLInputElement} */ (
        el("input", {
          id: "mg-slider-" + i,
          type: "range",
          min: String(-r),
          max: String(r),
          step: String(r / 200),
          value: String(v),
          "aria-label": name + " slider",
        })
      );
      number.addEventListener("input", () => {
        if (act.boxProblem(i) === null) act.set(name, parseNumber(number.value));
        // else half-typed ("-", "1e"): judged when the box is left
      });
      const leave = () => {
        // every invalid entry says so when the box is left; nothing computes from it
        const message = act.boxProblem(i);
        if (message !== null) act.reject({ leaf: i, message });
      };
      number.addEventListener("change", leave);
      number.addEventListener("blur", leave);
      slider.addEventListener("input", () => {
        const x = +slider.value;
        number.value = repr(x).replace(/\.0$/, "");
        act.set(name, x);
      });
      const row = el("tr", {});
      const label = el("th", { scope: "row" });
      label.appendChild(el("label", { for: "mg-leaf-" + i }, name));
      const box = el("td", {});
      box.appendChild(number);
      const slide = el("td", {});
      slide.appendChild(slider);
      row.append(
        label,
        box,
        slide,
        el("td", { class: "mg-num", id: "mg-leaf-grad-" + i, title: nodes[i].grad_name }),
      );
      body.appendChild(row);
    });
    table.appendChild(body);
  });
  byId("mg-grad-head").textContent = act.data.constants.grad_of_leaf;
}

/** @param {Actions} act */
function buildExplain(act) {
  const nodes = act.data.nodes;
  const select = inputById("mg-explain-select");
  select.appendChild(el("option", { value: "" }, "choose a value…"));
  const order = nodes.map((_, i) => i).filter((i) => i !== 0);
  order.sort((a, b) => {
    const leafA = nodes[a].parents.length === 0,
      leafB = nodes[b].parents.length === 0;
    if (leafA !== leafB) return leafA ? -1 : 1;
    return byName(nodes[a].name, nodes[b].name);
  });
  order.forEach((i) => {
    const kind = nodes[i].parents.length ? "" : "  (" + nodes[i].kind + ")";
    select.appendChild(el("option", { value: String(i) }, nodes[i].name + kind));
  });
  select.addEventListener("change", () => {
    if (select.value === "") act.unexplain();
    else act.explain(+select.value);
  });
  act.svgs.forEach((svg) => {
    svg.querySelectorAll("[data-node]").forEach((g) => {
      const i = Number(g.getAttribute("data-node"));
      if (i === 0) return;
      g.setAttribute("tabindex", nodes[i].parents.length ? "-1" : "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", "explain " + nodes[i].grad_name);
      g.addEventListener("click", () => act.explain(i));
      g.addEventListener("keydown", (ev) => {
        if (!(ev instanceof KeyboardEvent) || (ev.key !== "Enter" && ev.key !== " ")) return;
        act.explain(i);
        ev.preventDefault();
      });
    });
  });
}

/** @param {Actions} act */
function wire(act) {
  byId("mg-next").addEventListener("click", act.next);
  byId("mg-prev").addEventListener("click", act.prev);
  byId("mg-reset").addEventListener("click", act.reset);
  byId("mg-end").addEventListener("click", act.end);
  byId("mg-update").addEventListener("click", act.update);
  const rate = inputById("mg-lr");
  rate.value = String(act.lr);
  rate.addEventListener("input", () => act.setLearningRate(rate.value));
  const quiz = inputById("mg-quiz-toggle");
  quiz.addEventListener("change", () => act.setQuiz(quiz.checked));
  byId("mg-quiz").addEventListener("keydown", (ev) => {
    const target = ev.target;
    if (ev.key === "Enter" && target instanceof Element && target.classList.contains("mg-guess")) {
      ev.preventDefault(); // else the Enter would also press the Next step button focused below
      byId("mg-check").click();
    }
  });
  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    const tag = t instanceof HTMLElement ? t.tagName.toLowerCase() : "";
    if (
      tag === "input" ||
      tag === "select" ||
      tag === "textarea" ||
      (t instanceof HTMLElement && t.isContentEditable)
    )
      return;
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === "ArrowRight") act.next();
    else if (ev.key === "ArrowLeft") act.prev();
    else return;
    ev.preventDefault();
  });
  const layout = document.getElementById("mg-layout");
  if (layout instanceof HTMLSelectElement) {
    layout.addEventListener("change", () => {
      document.querySelectorAll("[data-layout]").forEach((div) => {
        if (div instanceof HTMLElement) div.hidden = div.getAttribute("data-layout") !== layout.value;
      });
      act.zoom.apply(act.zoom.level(), false);
      const step = act.step();
      act.zoom.follow(step > 0 ? step - 1 : 0);
    });
  }
}
