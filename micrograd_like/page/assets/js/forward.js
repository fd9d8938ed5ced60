// @ts-check
/* The forward pass, stepped: the page's first phase. Step k (1..F) computes data.forward[k-1]'s
 * node (and the unlabelled nodes written out in its formula), in the post's order; the values it
 * has not reached show "?" in the op graph and the network view. The steps, formulas and what each
 * computes come in the data (story.forward_steps); the numbers are the page's current ones. */

import { h } from "./markup.js";

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").Computation} Computation */
/** @typedef {import("./markup.js").VNode} VNode */
/** @typedef {import("./narrative.js").Telling} Telling */

/** "forward" while forward steps remain, "backward" while backward steps remain, then "done".
 * @param {PageData} data
 * @param {number} step  of both passes: 0 .. forward + nodes */
export function phaseOf(data, step) {
  if (step < data.forward.length) return "forward";
  return step < data.forward.length + data.nodes.length ? "backward" : "done";
}

/** The nodes whose values are on screen after `step` steps: the leaves (given), and what the
 * forward steps so far computed; every node once the forward pass is over.
 * @param {PageData} data
 * @param {number} step
 * @returns {Set<number>} */
export function shownNodes(data, step) {
  const shown = new Set();
  data.nodes.forEach((node, i) => {
    if (!node.parents.length || step >= data.forward.length) shown.add(i);
  });
  data.forward.slice(0, step).forEach((f) => f.computes.forEach((i) => shown.add(i)));
  return shown;
}

/** Forward step f's formula with the current numbers in: "0.25·1+(-0.4)·1".
 * @param {Telling} t
 * @param {number} f */
export function forwardNumbers(t, f) {
  const value = (/** @type {string} */ i) => t.current.values[Number(i)];
  return t.data.forward[f].numbers
    .replace(/\(⟨(\d+)⟩\)/g, (_, i) => "(" + t.text(value(i)) + ")") // a call's argument: tanh(-0.15)
    .replace(/⟨(\d+)⟩/g, (_, i) => t.paren(value(i))); // an operand: (-0.4)·1, as Python writes it
}

/** The line of forward step f: "s[1]1 = w[1]11·x1+w[1]12·x2 = 0.25·1+(-0.4)·1 = -0.15".
 * @param {Telling} t
 * @param {number} f */
export function forwardLine(t, f) {
  const step = t.data.forward[f];
  const forms = [
    t.data.nodes[step.node].name,
    step.formula,
    forwardNumbers(t, f),
    t.text(t.current.values[step.node]),
  ];
  return forms.filter((form, k) => forms.indexOf(form) === k).join(" = "); // each form once, as Python's
}

/** The step panel while stepping the forward pass (0: before the first step, F: after the last).
 * @param {Telling} t
 * @param {number} step
 * @returns {VNode[]} */
export function forwardPanel(t, step) {
  const count = t.data.forward.length;
  if (step === 0) {
    return [
      h("p", {}, [
        "Nothing is computed yet: only the inputs and weights are given. The forward pass computes " +
          "each value from them, in " +
          count +
          " steps, then the backward pass computes the gradients. Press Next step (or →).",
      ]),
    ];
  }
  const parts = [
    h("p", { class: "mg-step-head" }, [h("strong", {}, ["Forward step " + step + " of " + count + ": "])]),
    h("p", {}, [h("code", {}, [forwardLine(t, step - 1)])]),
  ];
  if (step === count) {
    parts.push(
      h("p", { class: "mg-done" }, [
        "The forward pass is done: " +
          t.data.root +
          " = " +
          t.text(t.current.values[0]) +
          ". Next, the backward pass starts at " +
          t.data.root +
          ".",
      ]),
    );
  }
  return [h("div", { class: "mg-step" }, parts)];
}

/** Hide what the forward pass has not computed yet: "?" for its value in the op graph and in the
 * network view, and, before the backward pass, "?" for the network's gradients.
 * @param {Element[]} svgs  the op graph's pictures
 * @param {Element | null} net  the network view
 * @param {Set<number>} shown
 * @param {boolean} forward  forward steps remain: the network's gradients are not known yet
 * @param {number} computing  the node the last forward step computed (-1: none), marked current
 * @param {(name: string) => number} index */
export function maskUnshown(svgs, net, shown, forward, computing, index) {
  svgs.forEach((svg) =>
    svg.querySelectorAll("[data-node]").forEach((g) => {
      const i = Number(g.getAttribute("data-node"));
      const value = g.querySelector(".mg-data");
      if (!shown.has(i) && value) value.textContent = "data ?";
      g.classList.toggle("mg-uncomputed", !shown.has(i));
      if (computing >= 0) g.classList.toggle("mg-current", i === computing);
    }),
  );
  if (!net) return;
  net.querySelectorAll("text[data-of]").forEach((el) => {
    if (!shown.has(index(String(el.getAttribute("data-of")))))
      el.textContent = el.getAttribute("data-prefix") + " = ?";
  });
  if (forward) {
    net.querySelectorAll("text[data-grad-of]").forEach((el) => {
      el.textContent = el.getAttribute("data-prefix") + " = ?";
    });
  }
}
