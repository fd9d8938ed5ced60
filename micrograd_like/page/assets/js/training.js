// @ts-check
/* The "Training" chapter: the form (dataset, network, optimizer, α, loss, seed), Play, Pause,
 * Step and Reset, the pictures (trainingview.js) redrawn each frame, a clicked weight's gradient,
 * the model as the file MLP.load reads, and the settings in the URL hash ("#chapter=training&
 * t.dataset=xor&t.hidden=4,2"). Its script API is walkthrough.training:
 *
 *   set({dataset, samples, noise, hidden, activation, optimizer, lr, seed, loss, options})  a new run
 *   epochs(n) -> {epoch, loss}    state() -> {epoch, loss, accuracy, playing, diverged, settings}
 *   model() -> the JSON MLP.save writes    play()  pause()  step()  gradient(name)
 *   paths(name, sample = 1, limit) -> {paths: [{factors, product}], count, rest, total, gradient}:
 *     sample #`sample`'s dL/dw as the sum over paths (trainingpaths.js) and by the backward pass */

import { fmt } from "./format.js";
import { withEntries, writeAddress } from "./hashstate.js";
import { makeLosses } from "./trainingcore.js";
import { pathSum, sampleGradient, sampleValues } from "./trainingpaths.js";
import { resolve, startRun } from "./trainingrun.js";
import { buildNetwork, drawLoss, drawMap, showPaths } from "./trainingview.js";

/** @typedef {import("./trainingrun.js").TrainingPart} TrainingPart */
/** @typedef {import("./trainingrun.js").Settings} Settings */
/** @typedef {import("./trainingrun.js").Run} Run */

const PREFIX = "t.";
const FRAME_BUDGET_MS = 12; // the epochs of one frame stop here, leaving time to draw
const SPEEDS = [1, 5, 20, 100]; // epochs per frame at most
const LISTED_PATHS = 8; // the paths panel lists this many, the largest; an 8x8x8 network has hundreds

/** @param {string} id */
function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error("the page lacks #" + id);
  return el;
}

/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ (byId(id));

/** @param {HTMLElement} select @param {string[]} values @param {(v: string) => string} [label] */
function fillSelect(select, values, label) {
  select.replaceChildren(
    ...values.map((v) => {
      const option = document.createElement("option");
      option.value = v;
      option.textContent = label ? label(v) : v;
      return option;
    }),
  );
}

const LOSS_NAMES = /** @type {Record<string, string>} */ ({
  bce_logits: "cross-entropy on a logit (bce_logits)",
  logistic: "logistic: sigmoid output (logistic)",
  softmax_ce: "softmax cross-entropy",
  mse: "squared error (mse)",
});

/** The settings a hash names (entries "t.dataset=xor", ...), as `set` takes them.
 * @param {string} hash @returns {Record<string, unknown>} */
export function settingsInHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  /** @type {Record<string, unknown>} */
  const given = {};
  /** @type {Record<string, unknown>} */
  const options = {};
  params.forEach((value, key) => {
    if (!key.startsWith(PREFIX)) return;
    const name = key.slice(PREFIX.length);
    const numbers = value.split(",").map(Number);
    if (name.startsWith("o.")) {
      const option = name.slice(2);
      options[option] =
        value === "true" ? true : value === "false" ? false : numbers.length > 1 ? numbers : numbers[0];
    } else if (name === "hidden") given.hidden = numbers;
    else if (["samples", "noise", "lr", "seed"].indexOf(name) >= 0) given[name] = Number(value);
    else given[name] = value;
  });
  if (Object.keys(options).length) given.options = options;
  return given;
}

/** The hash with the chosen settings written in (null ones left out), every other entry kept.
 * @param {string} hash @param {Record<string, unknown>} chosen */
export function hashWithSettings(hash, chosen) {
  /** @type {Array<[string, string]>} */
  const entries = [];
  Object.keys(chosen).forEach((key) => {
    const value = chosen[key];
    if (value === null || value === undefined) return;
    if (key === "options") {
      const options = /** @type {Record<string, unknown>} */ (value);
      Object.keys(options).forEach((o) => entries.push([PREFIX + "o." + o, String(options[o])]));
    } else entries.push([PREFIX + key, String(value)]);
  });
  return withEntries(hash, (key) => key.startsWith(PREFIX), entries);
}

/** @param {TrainingPart} part
 * @param {import("./trainingcore.js").Rules} rules  the generated MG_TRAINING_RULES */
export function startTraining(part, rules) {
  /** @type {Record<string, unknown>} the user's choices; null: the default */
  let chosen = {};
  /** @type {Run} */
  let run = startRun(part, resolve(part, {}), rules);
  let playing = false;
  let selected = -1;
  let speed = 5;
  const map = /** @type {HTMLCanvasElement} */ (byId("mg-t-map"));
  const lossCanvas = /** @type {HTMLCanvasElement} */ (byId("mg-t-curve"));
  const net = /** @type {SVGSVGElement} */ (/** @type {unknown} */ (byId("mg-t-net")));
  const scratch = document.createElement("canvas");
  scratch.width = scratch.height = 48;
  const message = byId("mg-t-msg");
  let view = buildNetwork(run, net, choose);
  const losses = makeLosses(rules);
  let sample = 1; // the paths panel's sample, counted from 1 as its box shows it
  const pathsBox = document.createElement("div");
  pathsBox.id = "mg-t-paths";
  pathsBox.className = "mg-t-paths";
  pathsBox.setAttribute("aria-live", "polite");
  pathsBox.hidden = true;
  const sampleLabel = document.createElement("label");
  const sampleBox = document.createElement("input");
  sampleBox.id = "mg-t-sample";
  sampleBox.type = "number";
  sampleBox.min = "1";
  sampleBox.step = "1";
  sampleBox.value = "1";
  sampleLabel.append("sample # ", sampleBox);
  const pathsBody = document.createElement("div");
  pathsBox.append(sampleLabel, pathsBody);
  byId("mg-t-curve").after(pathsBox);
  sampleBox.addEventListener("change", () => {
    const n = Number(sampleBox.value);
    if (Number.isInteger(n) && n >= 1 && n <= run.data.xs.length) sample = n;
    else say(`sample # must be a whole number from 1 to ${run.data.xs.length}, got ${sampleBox.value}`);
    sampleBox.value = String(sample);
    draw();
  });

  fillSelect(byId("mg-t-dataset"), Object.keys(part.datasets));
  fillSelect(byId("mg-t-activation"), part.activations);
  fillSelect(byId("mg-t-optimizer"), Object.keys(part.presets));
  fillSelect(byId("mg-t-speed"), SPEEDS.map(String), (v) => `${v} per frame`);
  input("mg-t-speed").value = String(speed);

  /** @param {string} text */
  function say(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  /** A new run from the chosen settings (epoch 0); an error leaves the current run and says why.
   * @param {Record<string, unknown>} given */
  function set(given) {
    const next = Object.assign({}, chosen, given);
    // a new optimizer or dataset brings its own defaults unless they are given too
    if ("optimizer" in given && !("lr" in given)) next.lr = null;
    if ("optimizer" in given && !("options" in given)) next.options = null;
    if ("dataset" in given && !("loss" in given)) next.loss = null;
    if ("dataset" in given && !("noise" in given)) next.noise = null;
    if ("dataset" in given && !("lr" in given)) next.lr = null;
    const settings = resolve(part, /** @type {Partial<Settings>} */ (withoutNulls(next)));
    chosen = next;
    pause();
    run = startRun(part, settings, rules);
    selected = -1;
    if (sample > run.data.xs.length) sample = 1;
    view = buildNetwork(run, net, choose);
    say("");
    showSettings();
    writeHash();
    draw();
    return state();
  }

  /** @param {Record<string, unknown>} o */
  function withoutNulls(o) {
    /** @type {Record<string, unknown>} */
    const out = {};
    Object.keys(o).forEach((k) => {
      if (o[k] !== null && o[k] !== undefined) out[k] = o[k];
    });
    return out;
  }

  function writeHash() {
    writeAddress(hashWithSettings(location.hash, chosen));
  }

  /** The form shows the run's settings. */
  function showSettings() {
    const s = run.settings;
    input("mg-t-dataset").value = s.dataset;
    input("mg-t-samples").value = String(s.samples);
    input("mg-t-noise").value = String(s.noise);
    input("mg-t-seed").value = String(s.seed);
    input("mg-t-hidden").value = s.hidden.join(",");
    input("mg-t-activation").value = s.activation;
    input("mg-t-optimizer").value = s.optimizer;
    input("mg-t-lr").value = String(s.lr);
    const task = part.datasets[s.dataset].task;
    const losses = Object.keys(part.losses).filter((n) => part.losses[n].tasks.indexOf(task) >= 0);
    fillSelect(byId("mg-t-loss"), losses, (n) => LOSS_NAMES[n] || n);
    input("mg-t-loss").value = /** @type {string} */ (s.loss);
    showOptions();
  }

  /** The optimizer's other keyword arguments, each in its own box. */
  function showOptions() {
    const box = byId("mg-t-options");
    const cls = part.presets[run.settings.optimizer].optimizer;
    const defaults = part.optimizers[cls];
    const current = Object.assign({}, defaults, run.settings.options);
    box.replaceChildren();
    Object.keys(defaults)
      .filter((k) => k !== "lr")
      .forEach((key) => {
        const label = document.createElement("label");
        const field = document.createElement("input");
        field.id = "mg-t-o-" + key;
        const value = current[key];
        if (typeof value === "boolean") {
          field.type = "checkbox";
          field.checked = value;
        } else {
          field.type = "text";
          field.size = Array.isArray(value) ? 11 : 6;
          field.value = Array.isArray(value) ? value.join(",") : String(value);
        }
        field.addEventListener("change", () => {
          const parsed =
            typeof value === "boolean"
              ? field.checked
              : Array.isArray(value)
                ? field.value.split(",").map(Number)
                : Number(field.value);
          const options = Object.assign({}, /** @type {object} */ (chosen.options || {}), { [key]: parsed });
          apply({ options });
        });
        label.append(key + " ", field);
        box.append(label);
      });
  }

  /** A change from the form: a new run, or the reason it cannot be, with the form put back.
   * @param {Record<string, unknown>} given */
  function apply(given) {
    try {
      set(given);
    } catch (error) {
      showSettings();
      say(error instanceof Error ? error.message : String(error));
    }
  }

  /** @type {Array<[string, string, (v: string) => unknown]>} */
  const fields = [
    ["mg-t-dataset", "dataset", (v) => v],
    ["mg-t-samples", "samples", Number],
    ["mg-t-noise", "noise", Number],
    ["mg-t-seed", "seed", Number],
    ["mg-t-hidden", "hidden", (v) => v.split(",").map((w) => Number(w.trim()))],
    ["mg-t-activation", "activation", (v) => v],
    ["mg-t-optimizer", "optimizer", (v) => v],
    ["mg-t-lr", "lr", Number],
    ["mg-t-loss", "loss", (v) => v],
  ];
  fields.forEach(([id, key, parse]) =>
    byId(id).addEventListener("change", () => apply({ [key]: parse(input(id).value) })),
  );

  /** One epoch; a divergence pauses the run and says so. @returns {boolean} whether it ran */
  function epoch() {
    if (run.trainer.diverged()) return false;
    try {
      run.trainer.epoch();
      return true;
    } catch (error) {
      pause();
      say(error instanceof Error ? error.message : String(error));
      return false;
    }
  }

  /** @param {number} i */
  function choose(i) {
    selected = i;
    draw();
  }

  function draw() {
    const weights = run.trainer.weights();
    drawMap(run, map, scratch);
    drawLoss(run.trainer.losses, lossCanvas);
    view.update(weights, selected);
    const s = state();
    const parts = [`epoch ${s.epoch}`];
    if (s.loss !== null) parts.push(`loss J = ${fmt(s.loss, 4)}`);
    if (s.accuracy !== null) parts.push(`training accuracy ${Math.round(s.accuracy * 100)}%`);
    byId("mg-t-status").textContent = parts.join(" · ");
    const grad = byId("mg-t-grad");
    if (selected < 0) grad.textContent = "Click an edge (a weight) or a unit (its bias) to see its gradient.";
    else {
      const name = run.names[selected];
      const g = run.trainer.gradients()[selected];
      grad.textContent =
        `${name} = ${fmt(weights[selected], 6)}; its gradient now, dJ/d${name} = ${fmt(g, 6)}: ` +
        (g > 0 ? "J falls if it shrinks" : g < 0 ? "J falls if it grows" : "J is flat along it");
      showPaths(pathsBody, samplePaths(selected, sample, LISTED_PATHS), run.data.xs.length);
    }
    pathsBox.hidden = selected < 0;
    sampleBox.max = String(run.data.xs.length);
    input("mg-t-play").disabled = playing || !!run.trainer.diverged();
    input("mg-t-step").disabled = playing || !!run.trainer.diverged();
    input("mg-t-pause").disabled = !playing;
  }

  /** Sample #`n`'s dL/dw of parameter `i`: the sum over paths (the `limit` largest listed) and the
   * backward pass's. @param {number} i @param {number} n @param {number} [limit] */
  function samplePaths(i, n, limit) {
    const x = run.data.xs[n - 1],
      y = run.data.ys[n - 1];
    const weights = run.trainer.weights();
    const loss = losses[/** @type {string} */ (run.settings.loss)];
    const values = sampleValues(run.net, weights, x, y, loss, rules);
    const sum = pathSum(run.net, weights, values, i, { name: run.names[i], limit });
    return { sample: n, x: x.slice(), y, sum, gradient: sampleGradient(run.net, weights, x, y, loss)[i] };
  }

  /** @param {string} name */
  function parameter(name) {
    const i = run.names.indexOf(name);
    if (i < 0)
      throw new RangeError(`no parameter ${JSON.stringify(name)}; its parameters: ${run.names.join(", ")}`);
    return i;
  }

  function frame() {
    if (!playing) return;
    const start = performance.now();
    for (let i = 0; i < speed && playing; i++) {
      if (!epoch()) break;
      if (performance.now() - start > FRAME_BUDGET_MS) break;
    }
    draw();
    if (playing) requestAnimationFrame(frame);
  }

  function play() {
    if (playing || run.trainer.diverged()) return state();
    playing = true;
    requestAnimationFrame(frame);
    draw();
    return state();
  }

  function pause() {
    playing = false;
    draw();
    return state();
  }

  function state() {
    const losses = run.trainer.losses;
    const acc = run.trainer.accuracies;
    return {
      epoch: run.trainer.count(),
      loss: losses.length ? losses[losses.length - 1] : null,
      accuracy: acc.length ? acc[acc.length - 1] : null,
      playing,
      diverged: run.trainer.diverged(),
      settings: JSON.parse(JSON.stringify(run.settings)),
      speed,
    };
  }

  /** @param {number} n */
  function epochs(n) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError("epochs(n) needs an integer n >= 0, got " + n);
    for (let i = 0; i < n; i++) if (!epoch()) break;
    draw();
    const s = state();
    return { epoch: s.epoch, loss: s.loss, diverged: s.diverged };
  }

  function download() {
    const text = JSON.stringify(run.model(), null, 2) + "\n";
    const link = document.createElement("a");
    link.href = "data:application/json;charset=utf-8," + encodeURIComponent(text);
    link.download = `${run.settings.dataset}-model.json`;
    document.body.append(link);
    link.click();
    link.remove();
  }

  byId("mg-t-play").addEventListener("click", play);
  byId("mg-t-pause").addEventListener("click", pause);
  byId("mg-t-step").addEventListener("click", () => epochs(1));
  byId("mg-t-reset").addEventListener("click", () => set({}));
  byId("mg-t-download").addEventListener("click", download);
  byId("mg-t-speed").addEventListener("change", () => {
    speed = Number(input("mg-t-speed").value);
  });

  try {
    set(settingsInHash(location.hash));
  } catch (error) {
    set({});
    say("The settings in the address could not be used: " + (error instanceof Error ? error.message : error));
  }

  return {
    /** @param {Record<string, unknown>} given */
    set: (given) => set(given || {}),
    epochs,
    step: () => epochs(1),
    state,
    model: () => run.model(),
    play,
    pause,
    /** @param {number} n */
    speed: (n) => {
      if (!(Number.isInteger(n) && n >= 1)) throw new RangeError("speed(n) needs an integer n >= 1");
      speed = n;
      return state();
    },
    /** dJ/dw of the parameter named `name` at the current weights. @param {string} name */
    gradient(name) {
      return run.trainer.gradients()[parameter(name)];
    },
    /** Sample #`n` (from 1)'s dL/dw of parameter `name` as the sum over paths, every path listed
     * unless `limit` caps them, with the backward pass's number as `gradient`.
     * @param {string} name @param {number} [n] @param {number} [limit] */
    paths(name, n = 1, limit) {
      const i = parameter(name);
      if (!(Number.isInteger(n) && n >= 1 && n <= run.data.xs.length)) {
        throw new RangeError(`paths(name, sample): sample must be 1 to ${run.data.xs.length}, got ${n}`);
      }
      const { sample: at, x, y, sum, gradient } = samplePaths(i, n, limit);
      return Object.assign({ sample: at, x, y, gradient }, sum);
    },
    names: () => run.names.slice(),
  };
}
