// @ts-check
/* The page's wiring: its state (the leaves' values, the last good computation, the step, the
 * quiz, the loss history), the controls, and the public API window.walkthrough (state, set, next,
 * prev, reset, end, update, explain, ...). The numbers come from compute.js, the words from
 * narrative.js and explain.js, the drawing from views.js. */

import * as chapters from "./chapters.js";
import { compute } from "./compute.js";
import { buildControls } from "./controls.js";
import { explainPaths, explainStory } from "./explain.js";
import { fmt, numberText, parseNumber, repr } from "./format.js";
import { startGradientDescent } from "./gdchapter.js";
import { edgeOf, editableLeaves, known, parameterLeaves, stateKeys } from "./graph.js";
import { h } from "./markup.js";
import { panelStory, stepStory } from "./narrative.js";
import { quizResults, tolerance } from "./quiz.js";
import { startTraining } from "./training.js";
import * as views from "./views.js";

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").GraphMath} GraphMath */
/** @typedef {import("./types.js").Computation} Computation */
/** @typedef {import("./explain.js").Explanation} Explanation */
/** @typedef {import("./quiz.js").Answer} Answer */

const { byId, inputById, setText, show } = views;

/** @type {PageData} */
const DATA = JSON.parse(byId("mg-data").textContent || "");
const MATH = /** @type {GraphMath} */ (/** @type {any} */ (window).MG_MATH);
const NODES = DATA.nodes;
const N = NODES.length;
const ROOT = DATA.root;
const { text, paren } = numberText(DATA.constants.text_digits);
const keys = stateKeys(NODES);
const editable = editableLeaves(NODES);
const parameters = parameterLeaves(NODES);

let leaf = DATA.reference.values.slice(); // the leaves' values (interior entries are ignored)
/** @type {Computation} */
let current; // the last good computation
/** @type {string | null} */
let error = null; // the message of the last failed one (the page shows `current` greyed)
/** @type {number | null} */
let errorLeaf = null;
let step = 0; // how many backward steps have run: 0 .. N
let lr = DATA.lr;
/** @type {number[]} */
let history = [];
/** @type {Explanation | null} */
let explained = null;
/** @type {{on: boolean, open: boolean, right: number, asked: number, last: Answer[] | null}} */
const quiz = { on: false, open: false, right: 0, asked: 0, last: null };
/** @type {{before: number, after: number, lines: string[]} | null} */
let lastUpdate = null;

const svgs = /** @type {SVGSVGElement[]} */ (Array.from(document.querySelectorAll("svg.mg-picture")));
const telling = () => ({ data: DATA, current, text, paren });

function state() {
  const values = Object.create(null); // a name such as __proto__ or constructor is a key like any other
  const grads = Object.create(null);
  const k = known(NODES, current.steps, step);
  for (let i = 0; i < N; i++) {
    values[keys[i]] = current.values[i];
    grads[keys[i]] = k.grad[i];
  }
  return {
    step,
    steps: N,
    values,
    grads,
    loss: current.values[0],
    error,
    lr,
    history: history.slice(),
    quiz: { on: quiz.on, right: quiz.right, asked: quiz.asked },
  };
}

// --- drawing ----------------------------------------------------------------------------------

function render() {
  const picture = { data: DATA, current, step, stale: error !== null, explained, text };
  views.drawPicture(svgs, picture);
  drawStepPanel();
  drawQuiz();
  drawLeaves();
  drawUpdate();
  views.drawPlot(byId("mg-plot"), history.length ? history : [current.values[0]], ROOT, text);
  views.drawTable(/** @type {HTMLTableSectionElement} */ (byId("mg-all")), picture);
  setText(byId("mg-loss"), ROOT + " = " + text(current.values[0]));
}

function drawStepPanel() {
  setText(byId("mg-counter"), step + " / " + N);
  inputById("mg-prev").disabled = step === 0 && !quiz.open;
  inputById("mg-next").disabled = step === N || error !== null;
  inputById("mg-end").disabled = step === N || error !== null;
  show(byId("mg-step-text"), quiz.open ? [stepStory(telling(), step, false)] : panelStory(telling(), step));
}

function drawLeaves() {
  const k = known(NODES, current.steps, step);
  editable.forEach((i) => {
    const grad = k.grad[i];
    setText(byId("mg-leaf-grad-" + i), grad === null ? "?" : text(grad));
    byId("mg-leaf-" + i).setAttribute("aria-invalid", String(errorLeaf === i));
    const slider = inputById("mg-slider-" + i);
    if (document.activeElement !== slider) {
      if (Math.abs(leaf[i]) > +slider.max) {
        // the value left the slider's range: widen it
        const r = views.niceRange(leaf[i]);
        slider.min = String(-r);
        slider.max = String(r);
        slider.step = String(r / 200);
      }
      slider.value = String(leaf[i]);
    }
  });
  const box = byId("mg-message");
  const last =
    error === null || error.indexOf("backward:") === 0
      ? ""
      : " — the page shows the last numbers that could be computed.";
  setText(box, error === null ? "" : "⚠ " + error + last);
  box.hidden = error === null;
}

function drawUpdate() {
  const button = inputById("mg-update");
  if (!parameters.length) {
    show(byId("mg-update-text"), [h("p", {}, ["This graph has no parameters to update."])]);
    button.disabled = true;
    return;
  }
  button.disabled = error !== null;
  if (!lastUpdate) {
    show(byId("mg-update-text"), [
      h("p", {}, [
        "Apply update does w ← w − α·" +
          DATA.constants.grad_of_w +
          " for every parameter, then runs " +
          "the forward and backward passes again. " +
          ROOT +
          " now: " +
          text(current.values[0]) +
          ".",
      ]),
    ]);
    return;
  }
  const { before, after, lines } = lastUpdate;
  const verdict =
    after < before
      ? "lower: the step went downhill"
      : after > before
        ? "higher: this step overshot (try a smaller α)"
        : "unchanged";
  show(byId("mg-update-text"), [
    h("p", {}, [
      h("strong", {}, [ROOT + " before: " + text(before) + " → after: " + text(after)]),
      " (" + verdict + ")",
    ]),
    h("details", {}, [
      h("summary", {}, ["the " + lines.length + " updates"]),
      ...lines.map((line) => h("div", { class: "mg-mono" }, [line])),
    ]),
  ]);
}

// --- quiz -------------------------------------------------------------------------------------

function openQuiz() {
  quiz.open = true;
  const box = byId("mg-quiz");
  box.hidden = false;
  show(box, [
    h("p", { class: "mg-quiz-head" }, [
      "Your turn: what does this step pass to each input? (local × upstream)",
    ]),
    ...NODES[step].parents.map((p, k) =>
      h("p", {}, [
        h("label", { for: "mg-guess-" + k }, ["prediction for the contribution to " + NODES[p].grad_name]),
        " ",
        h("input", {
          id: "mg-guess-" + k,
          type: "text",
          inputmode: "decimal",
          autocomplete: "off",
          class: "mg-guess",
          "data-k": String(k),
        }),
        h("span", { class: "mg-tol" }, [
          " (right within ±" + text(tolerance(edgeOf(current.steps[step], k)[1]), 2) + ")",
        ]),
      ]),
    ),
    h("button", { id: "mg-check", type: "button" }, ["Check answer"]),
    h("span", { class: "mg-hint" }, ["  or Next step to reveal without answering"]),
  ]);
  byId("mg-check").addEventListener("click", checkQuiz);
  render();
  const first = box.querySelector(".mg-guess");
  if (first instanceof HTMLElement) first.focus();
}

function checkQuiz() {
  if (!quiz.open) return;
  const box = byId("mg-quiz");
  const guesses = NODES[step].parents.map((_, k) => {
    const input = box.querySelector('[data-k="' + k + '"]');
    return input instanceof HTMLInputElement ? input.value : "";
  });
  const results = quizResults(DATA, current, step, guesses);
  quiz.asked += results.length;
  quiz.right += results.filter((r) => r.ok).length;
  quiz.last = results;
  quiz.open = false;
  step += 1;
  render();
  byId("mg-next").focus();
}

function drawQuiz() {
  const box = byId("mg-quiz");
  if (quiz.open) return;
  box.hidden = !quiz.on;
  if (!quiz.on) {
    views.clear(box);
    return;
  }
  show(box, [
    ...(quiz.last || []).map((r) =>
      h("p", { class: r.ok ? "mg-right" : "mg-wrong" }, [
        h("strong", {}, [r.ok ? "✓ Right" : "✗ Not quite"]),
        ": the engine says " +
          r.to +
          " gets " +
          text(r.truth) +
          " (you said " +
          (r.guess === "" ? "nothing" : r.guess) +
          ", tolerance ±" +
          text(tolerance(r.truth), 2) +
          ").",
      ]),
    ),
    h("p", { class: "mg-score" }, ["Score: " + quiz.right + " right of " + quiz.asked + "."]),
  ]);
}

/** @param {boolean} on */
function setQuiz(on) {
  inputById("mg-quiz-toggle").checked = on;
  quiz.on = on;
  quiz.open = false;
  quiz.last = null;
  render();
  return state();
}

// --- stepping -----------------------------------------------------------------------------------

function next() {
  if (error !== null || step >= N) return state();
  if (quiz.open) {
    // Next with a question open: reveal without scoring
    quiz.open = false;
    step += 1;
  } else if (quiz.on && NODES[step].parents.length) {
    quiz.last = null;
    openQuiz();
    return state();
  } else {
    step += 1;
  }
  quiz.last = null;
  return moved();
}

function prev() {
  if (quiz.open) quiz.open = false;
  else if (step > 0) step -= 1;
  quiz.last = null;
  return moved();
}

function reset() {
  quiz.open = false;
  quiz.last = null;
  step = 0;
  return moved();
}

function end() {
  if (error !== null) return state();
  quiz.open = false;
  quiz.last = null;
  step = N;
  render();
  return state();
}

function moved() {
  render();
  zoom.follow(step > 0 ? step - 1 : 0);
  return state();
}

// --- editing ----------------------------------------------------------------------------------

/** What is wrong with leaf i's box, or null: empty, or text the browser could not read as a
 * number (a type=number box reports "1e" as value "" with validity.badInput).
 * @param {number} i */
function boxProblem(i) {
  const input = inputById("mg-leaf-" + i);
  if (input.validity.badInput) return NODES[i].name + " needs a finite number, got text that is not a number";
  if (!isFinite(parseNumber(input.value))) {
    return NODES[i].name + " needs a finite number, got " + (input.value === "" ? "nothing" : input.value);
  }
  return null;
}

/** Say what is wrong with a box; nothing computes from it.
 * @param {{leaf: number, message: string}} problem */
function reject(problem) {
  error = problem.message;
  errorLeaf = problem.leaf;
  render();
}

function invalidBox() {
  for (const i of editable) {
    const message = boxProblem(i);
    if (message) return { leaf: i, message };
  }
  return null;
}

/** @param {number[]} newLeaf @param {number} cause */
function recompute(newLeaf, cause) {
  const result = compute(MATH, DATA, newLeaf);
  if ("error" in result) {
    error = result.error;
    errorLeaf = cause;
    render();
    return false;
  }
  leaf = newLeaf;
  current = result;
  const bad = invalidBox(); // another box still holds a number that is not one: keep saying so
  error = bad ? bad.message : null;
  errorLeaf = bad ? bad.leaf : null;
  if (explained !== null) explain(explained.node, true);
  render();
  return true;
}

/** @param {string} label @param {unknown} number */
function set(label, number) {
  const i = editable.find((j) => NODES[j].name === label);
  if (i === undefined) {
    throw new Error(
      "no editable leaf named " +
        JSON.stringify(label) +
        "; editable: " +
        editable.map((j) => NODES[j].name).join(", "),
    );
  }
  const x = parseNumber(number);
  if (!isFinite(x)) {
    error = NODES[i].name + " needs a finite number, got " + (number === "" ? "nothing" : String(number));
    errorLeaf = i;
    render();
    return state();
  }
  const input = inputById("mg-leaf-" + i);
  if (parseNumber(input.value) !== x) input.value = repr(x).replace(/\.0$/, "");
  const changed = leaf.slice();
  changed[i] = x;
  if (recompute(changed, i)) history = [current.values[0]];
  lastUpdate = null;
  render();
  return state();
}

/** @param {unknown} rate */
function setLearningRate(rate) {
  const x = parseNumber(rate);
  if (!isFinite(x) || x <= 0) {
    byId("mg-lr-msg").textContent = "α must be a number > 0 (gradient descent steps downhill).";
    return state();
  }
  byId("mg-lr-msg").textContent = "";
  lr = x;
  if (parseNumber(inputById("mg-lr").value) !== x) inputById("mg-lr").value = String(x);
  return state();
}

// --- gradient descent -------------------------------------------------------------------------

function update() {
  if (error !== null) return state();
  const before = current.values[0];
  const changed = leaf.slice();
  const lines = parameters.map((i) => {
    const g = current.grads[i];
    changed[i] = leaf[i] - lr * g; // w ← w − α·dL/dw, as optim.SGD and WorkedExample.update
    return (
      NODES[i].name + " ← " + text(leaf[i]) + " − " + text(lr) + "·" + paren(g) + " = " + text(changed[i])
    );
  });
  const result = compute(MATH, DATA, changed);
  if ("error" in result) {
    byId("mg-update-text").textContent = "The update was not applied: with the new weights, " + result.error;
    return state();
  }
  leaf = changed;
  current = result;
  history.push(current.values[0]);
  lastUpdate = { before, after: current.values[0], lines };
  editable.forEach((i) => {
    inputById("mg-leaf-" + i).value = repr(leaf[i]).replace(/\.0$/, "");
  });
  if (explained !== null) explain(explained.node, true);
  render();
  return state();
}

// --- explain --------------------------------------------------------------------------------------

/** @param {number | string} target @param {boolean} [quiet] */
function explain(target, quiet) {
  let i = typeof target === "number" ? target : keys.indexOf(target);
  if (i < 0) i = NODES.findIndex((n) => n.name === target);
  if (i < 0 || i >= N) throw new Error("no node named " + JSON.stringify(target));
  explained = explainPaths(DATA, current, i);
  const select = inputById("mg-explain-select");
  if (!quiet && select.value !== String(i)) select.value = String(i);
  show(byId("mg-explain-text"), explainStory(telling(), explained));
  if (!quiet) render();
  const { paths, total, grad } = explained;
  return { target: keys[i], paths, total, grad, ...(explained.error ? { error: explained.error } : {}) };
}

function unexplain() {
  explained = null;
  views.clear(byId("mg-explain-text"));
  render();
}

// --- start --------------------------------------------------------------------------------------

const first = compute(MATH, DATA, leaf);
const zoom = views.panAndZoom(byId("mg-viewport"), svgs);
if ("error" in first) {
  // the exported graph always computes; say why if it does not
  byId("mg-message").textContent = first.error;
} else {
  current = first;
  history = [current.values[0]];
  buildControls({
    data: DATA,
    editable,
    leaf,
    lr,
    svgs,
    zoom,
    set,
    explain,
    unexplain,
    reject,
    boxProblem,
    next,
    prev,
    reset,
    end,
    update,
    setLearningRate,
    setQuiz,
    step: () => step,
  });
  views.buildTable(byId("mg-all"), DATA);
  selfCheck();
  render();
  chapters.startChapters();
  const fit = () => {
    zoom.apply(Math.min(1.25, Math.max(zoom.fit(), 0.72)), false);
    zoom.follow(0);
  };
  if (chapters.current() === "backprop") fit();
  else document.addEventListener("mg-chapter", fit, { once: true }); // the picture is measured when shown
  /** @type {any} */ (window).walkthrough = {
    state,
    set,
    next,
    prev,
    reset,
    end,
    update,
    /** @param {string} name */
    explain: (name) => explain(name),
    setLearningRate,
    /** @param {unknown} on */
    quiz: (on) => setQuiz(!!on),
    nodes: () =>
      NODES.map((n, i) => ({
        index: i,
        key: keys[i],
        name: n.name,
        label: n.label,
        kind: n.kind,
        op: n.op || "",
        parents: n.parents.slice(),
      })),
    steps: () => current.steps.map((s) => s.slice()),
    /** @param {number} x @param {number} [p] */
    format: (x, p) => fmt(x, p || DATA.constants.text_digits),
    repr,
    data: DATA,
    chapters: { current: chapters.current, show: chapters.show },
    ...startGradientDescent(DATA, MATH, text),
    training: startTraining(DATA.training, /** @type {any} */ (window).MG_TRAINING_RULES),
  };
}

// The page checks itself: its JavaScript must give the engine's numbers for the exported values.
function selfCheck() {
  const ref = DATA.reference;
  /** @param {number} a @param {number} b */
  const close = (a, b) => a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  let worst = 0;
  /** @type {number | null} */
  let where = null;
  for (let i = 0; i < N; i++) {
    if (!close(current.values[i], ref.values[i]) || !close(current.grads[i], ref.grads[i])) {
      where = i;
      worst = Math.max(worst, Math.abs(current.grads[i] - ref.grads[i]));
    }
  }
  if (where !== null) {
    const box = byId("mg-selfcheck");
    box.hidden = false;
    box.textContent =
      "⚠ This page's JavaScript disagrees with the Python engine at " +
      NODES[where].name +
      " (by " +
      repr(worst) +
      "): please report it.";
  }
}
