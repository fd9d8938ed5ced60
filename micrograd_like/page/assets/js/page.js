// @ts-check
/* The page's wiring: its state (the leaves' values, the last good computation, the step, the
 * quiz, the loss history), the controls, and the public API window.walkthrough (state, set, next,
 * prev, reset, end, update, explain, ...). The numbers come from compute.js, the words from
 * narrative.js and explain.js, the drawing from views.js. */

import * as chapters from "./chapters.js";
import { checkGradient, finiteDifference, readAnswer } from "./check.js";
import { compute } from "./compute.js";
import { buildControls } from "./controls.js";
import { explainPaths, explainStory } from "./explain.js";
import { forwardPanel, maskUnshown, phaseOf, shownNodes } from "./forward.js";
import { fmt, numberText, parseNumber, repr } from "./format.js";
import { disagreement } from "./selfcheck.js";
import { editableLeaves, known, parameterLeaves, stateKeys } from "./graph.js";
import { decodeHash, encodeHash, writeAddress } from "./hashstate.js";
import { h } from "./markup.js";
import { panelStory, stepStory } from "./narrative.js";
import { quizQuestions, quizVerdicts, updateStory } from "./panels.js";
import * as network from "./network.js";
import { otherChapters } from "./otherchapters.js";
import { KINDS, questions, quizResults } from "./quiz.js";
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
const F = DATA.forward.length; // forward steps come first: the page steps 0 .. F + N
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
let step = 0; // how many steps of both passes have run: 0 .. F + N
const back = () => Math.max(0, step - F); // ... of the backward pass
let lr = DATA.lr;
/** @type {number[]} */
let history = [];
/** @type {Explanation | null} */
let explained = null;
/** @type {{on: boolean, kind: string, open: boolean, right: number, asked: number, last: Answer[] | null}} */
const quiz = { on: false, kind: "contribution", open: false, right: 0, asked: 0, last: null };
let applyingHash = false; // reading the address: do not write it back half-applied
/** @type {{before: number, after: number, lines: string[]} | null} */
let lastUpdate = null;

const svgs = /** @type {SVGSVGElement[]} */ (Array.from(document.querySelectorAll("svg.mg-picture")));
const telling = () => ({ data: DATA, current, text, paren });
const netSvg = /** @type {SVGSVGElement | null} */ (document.querySelector("svg.mg-network"));
/** A name's node (the first with that name, else a state() key such as "x#2"), or -1. */
const byName = new Map();
NODES.forEach((n, i) => byName.has(n.name) || byName.set(n.name, i));
keys.forEach((key, i) => byName.has(key) || byName.set(key, i));
/** @param {string} name */
const index = (name) => (byName.has(name) ? byName.get(name) : -1);
const netTelling = () => ({ data: DATA, current, index, text, paren, lr });
const selectedName = () => (explained ? NODES[explained.node].name : null);

function state() {
  const values = Object.create(null); // a name such as __proto__ or constructor is a key like any other
  const grads = Object.create(null);
  const k = known(NODES, current.steps, back());
  for (let i = 0; i < N; i++) {
    values[keys[i]] = current.values[i];
    grads[keys[i]] = k.grad[i];
  }
  return {
    step,
    steps: F + N,
    phase: phaseOf(DATA, step),
    shown: Array.from(shownNodes(DATA, step), (i) => keys[i]),
    values,
    grads,
    loss: current.values[0],
    error,
    lr,
    history: history.slice(),
    quiz: { on: quiz.on, kind: quiz.kind, right: quiz.right, asked: quiz.asked },
    selected: explained ? keys[explained.node] : null,
    chapter: chapters.current(),
  };
}

// --- drawing ----------------------------------------------------------------------------------

function render() {
  const picture = { data: DATA, current, step: back(), stale: error !== null, explained, text };
  views.drawPicture(svgs, picture);
  drawStepPanel();
  drawQuiz();
  drawLeaves();
  drawUpdate();
  views.drawPlot(byId("mg-plot"), history.length ? history : [current.values[0]], ROOT, text);
  views.drawTable(/** @type {HTMLTableSectionElement} */ (byId("mg-all")), picture);
  setText(byId("mg-loss"), ROOT + " = " + text(current.values[0]));
  if (netSvg) network.drawNetwork(netSvg, netTelling(), selectedName());
  const computing = step && step <= F ? DATA.forward[step - 1].node : -1; // the forward step's node
  maskUnshown(svgs, netSvg, shownNodes(DATA, step), step < F, computing, index);
  writeHash();
}

function drawStepPanel() {
  setText(byId("mg-counter"), step + " / " + (F + N));
  inputById("mg-prev").disabled = step === 0 && !quiz.open;
  inputById("mg-next").disabled = step === F + N || error !== null;
  inputById("mg-end").disabled = step === F + N || error !== null;
  const told = step <= F && F > 0 ? forwardPanel(telling(), step) : panelStory(telling(), back());
  show(byId("mg-step-text"), quiz.open ? [stepStory(telling(), back(), false)] : told);
}

function drawLeaves() {
  const k = known(NODES, current.steps, back());
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
  button.disabled = error !== null || !parameters.length;
  show(byId("mg-update-text"), updateStory(telling(), lastUpdate, parameters.length > 0));
}

// --- quiz -------------------------------------------------------------------------------------

function openQuiz() {
  quiz.open = true;
  const box = byId("mg-quiz");
  box.hidden = false;
  show(box, quizQuestions(telling(), questions(DATA, current, back(), quiz.kind), quiz.kind));
  byId("mg-check").addEventListener("click", checkQuiz);
  render();
  const first = box.querySelector(".mg-guess");
  if (first instanceof HTMLElement) first.focus();
}

function checkQuiz() {
  if (!quiz.open) return;
  const box = byId("mg-quiz");
  const guesses = questions(DATA, current, back(), quiz.kind).map((_, k) => {
    const input = box.querySelector('[data-k="' + k + '"]');
    return input instanceof HTMLInputElement ? input.value : "";
  });
  const results = quizResults(DATA, current, back(), guesses, quiz.kind, (g) =>
    readAnswer(MATH, DATA, current, g),
  );
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
  show(box, quizVerdicts(telling(), quiz.last || [], quiz.right, quiz.asked));
}

/** @param {boolean} on @param {unknown} [kind] */
function setQuiz(on, kind) {
  if (kind !== undefined) {
    if (typeof kind !== "string" || KINDS.indexOf(kind) < 0)
      throw new Error("the quiz asks for one of " + KINDS.join(", ") + "; got " + JSON.stringify(kind));
    quiz.kind = kind;
    inputById("mg-quiz-kind").value = kind;
  }
  inputById("mg-quiz-toggle").checked = on;
  quiz.on = on;
  quiz.open = false;
  quiz.last = null;
  render();
  return state();
}

// --- stepping -----------------------------------------------------------------------------------

function next() {
  if (error !== null || step >= F + N) return state();
  if (quiz.open) {
    // Next with a question open: reveal without scoring
    quiz.open = false;
    step += 1;
  } else if (quiz.on && step >= F && NODES[back()].parents.length) {
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
  step = F + N;
  render();
  return state();
}

function moved() {
  render();
  views.keepInView(byId("mg-step-text"));
  zoom.align(back() > 0 ? back() - 1 : 0);
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
  const weights = new Map(parameters.map((i) => [NODES[i].name, leaf[i]]));
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
  if (netSvg) network.animateUpdate(netSvg, netTelling(), selectedName, weights); // w → w − α·dL/dw
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
  inputById("mg-mine-name").value = String(i);
  show(byId("mg-explain-text"), explainStory(telling(), explained));
  if (!quiet) render();
  const { paths, total, grad } = explained;
  return { target: keys[i], paths, total, grad, ...(explained.error ? { error: explained.error } : {}) };
}

/** Select a value everywhere: its box in the op graph, its circle or edge in the network view,
 * its paths in the explain panel.
 * @param {unknown} name */
function select(name) {
  const i = typeof name === "number" ? name : index(String(name));
  if (i < 0 || i >= N) throw new Error("no value named " + JSON.stringify(name));
  explain(i);
  return state();
}

/** The learner's answer for dL/d(name), judged against backprop and a finite difference.
 * @param {unknown} name @param {unknown} answer */
function check(name, answer) {
  const i = typeof name === "number" ? name : index(String(name));
  if (i < 0 || i >= N) throw new Error("no value named " + JSON.stringify(name));
  const fd = editable.indexOf(i) >= 0 ? finiteDifference(MATH, DATA, leaf, i) : null;
  const result = checkGradient(MATH, DATA, current, i, String(answer), fd, text);
  inputById("mg-mine-name").value = String(i);
  show(byId("mg-mine-text"), [h("p", { class: result.correct ? "mg-right" : "mg-wrong" }, [result.message])]);
  return result;
}

/** Back to the values, α and step the page was made with (Reset only rewinds the steps). */
function restore() {
  leaf = DATA.reference.values.slice();
  editable.forEach((i) => {
    inputById("mg-leaf-" + i).value = repr(leaf[i]).replace(/\.0$/, "");
  });
  setLearningRate(DATA.lr);
  recompute(leaf.slice(), -1);
  history = [current.values[0]];
  lastUpdate = null;
  explained = null;
  views.clear(byId("mg-explain-text"));
  inputById("mg-explain-select").value = "";
  return reset();
}

// --- the address: the page's state in location.hash -----------------------------------------------

function writeHash() {
  if (applyingHash) return;
  const values = new Map();
  editable.forEach((i) => leaf[i] !== DATA.reference.values[i] && values.set(keys[i], leaf[i]));
  const hash = encodeHash(
    {
      values,
      lr: lr !== DATA.lr ? lr : null,
      step,
      selected: explained ? keys[explained.node] : null,
      chapter: chapters.current() === "backprop" ? null : chapters.current(),
      quiz: quiz.on ? quiz.kind : null,
    },
    location.hash,
  );
  if (hash !== location.hash) writeAddress(hash);
}

/** Open the page at the state an address describes (what it cannot read is left as it was made).
 * @param {string} hash */
function applyHash(hash) {
  const s = decodeHash(hash);
  applyingHash = true;
  try {
    const changed = DATA.reference.values.slice();
    s.values.forEach((x, name) => {
      const i = index(name);
      if (editable.indexOf(i) >= 0) changed[i] = x;
    });
    editable.forEach((i) => {
      inputById("mg-leaf-" + i).value = repr(changed[i]).replace(/\.0$/, "");
    });
    if (!recompute(changed, -1)) recompute(DATA.reference.values.slice(), -1);
    history = [current.values[0]];
    lastUpdate = null;
    setLearningRate(s.lr === null ? DATA.lr : s.lr);
    setQuiz(s.quiz !== null, s.quiz !== null && KINDS.indexOf(s.quiz) >= 0 ? s.quiz : undefined);
    chapters.show(s.chapter || "backprop", { hash: false });
    step = Math.min(s.step, F + N);
    const i = s.selected === null ? -1 : index(s.selected);
    if (i >= 0) explain(i);
    else {
      explained = null;
      views.clear(byId("mg-explain-text"));
    }
  } finally {
    applyingHash = false;
  }
  moved();
}

function unexplain() {
  explained = null;
  views.clear(byId("mg-explain-text"));
  render();
}

// --- start --------------------------------------------------------------------------------------

const others = otherChapters(DATA, MATH, text); // before the address shows a chapter
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
    select,
    check,
    restore,
    netTelling,
  });
  views.buildTable(byId("mg-all"), DATA);
  const wrong = disagreement(current, DATA.reference, NODES); // the page checks itself
  if (wrong) Object.assign(byId("mg-selfcheck"), { hidden: false, textContent: wrong });
  if (location.hash.length > 1) applyHash(location.hash);
  render();
  chapters.startChapters();
  const fit = () => {
    zoom.apply(Math.min(1.25, Math.max(zoom.fit(), 0.68)), false); // its smallest text (10 pt) at least 9 px
    zoom.align(0);
  };
  if (chapters.current() === "backprop") fit();
  else document.addEventListener("mg-chapter", fit, { once: true }); // the picture is measured when shown
  window.addEventListener("hashchange", () => applyHash(location.hash));
  /** @type {any} */ (window).walkthrough = Object.defineProperties(
    {
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
      /** @param {unknown} on @param {unknown} [kind] */
      quiz: (on, kind) => setQuiz(!!on, kind),
      select,
      check,
      restore,
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
      ready: performance.now(), // ms from the navigation's start to a page that answers
    },
    others, // descent, landscape, training
  );
}
