/* micrograd_like walkthrough page: the controller (stepping, editing, explain, update, quiz, plot).
 *
 * Hand-written and op-agnostic: it never computes an op. Every value, local derivative and gradient
 * comes from MG_MATH, which micrograd_like.page generates from the rule table when it writes the
 * page; every message about bad math is one of the rules' own templates (DATA.rules). This file
 * reads DATA (the graph, the engine's steps and numbers) and drives the picture and the panels.
 * Public API: window.walkthrough (state, set, next, prev, reset, end, update, explain, ...).
 */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("mg-data").textContent);
  var NODES = DATA.nodes;
  var N = NODES.length;
  var RULES = DATA.rules;
  var ROOT_NAME = DATA.root;
  var MAX_PATHS = 1000; // as explain.MAX_PATHS: more paths is a wall of text
  var DIGITS = 4; // significant digits in the picture, as viz.draw_dot
  var TEXT_DIGITS = 6; // in the panels

  // --- numbers as Python prints them ---------------------------------------------------------

  // repr(x) of a Python float: the shortest round-trip digits (JavaScript finds the same ones),
  // written fixed for 1e-4 <= |x| < 1e16 and as d.ddde±XX otherwise.
  function repr(x) {
    if (x !== x) return "nan";
    if (x === Infinity) return "inf";
    if (x === -Infinity) return "-inf";
    if (x === 0) return 1 / x < 0 ? "-0.0" : "0.0";
    var parts = x.toExponential().split("e");
    var sign = parts[0].charAt(0) === "-" ? "-" : "";
    var digits = parts[0].replace("-", "").replace(".", "");
    var exp = parseInt(parts[1], 10);
    if (exp < -4 || exp >= 16) {
      var mantissa = digits.length > 1 ? digits.charAt(0) + "." + digits.slice(1) : digits;
      var e = Math.abs(exp);
      return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" + e : String(e));
    }
    if (exp < 0) return sign + "0." + "0".repeat(-exp - 1) + digits;
    if (digits.length <= exp + 1) return sign + digits + "0".repeat(exp + 1 - digits.length) + ".0";
    return sign + digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
  }

  // Python's f"{x:.{p}g}": p significant digits, trailing zeros dropped, exponent form outside
  // 1e-4 <= |x| < 10**p.
  function fmt(x, p) {
    p = p || TEXT_DIGITS;
    if (x !== x || x === Infinity || x === -Infinity) return repr(x);
    if (x === 0) return 1 / x < 0 ? "-0" : "0";
    var parts = x.toExponential(p - 1).split("e");
    var exp = parseInt(parts[1], 10);
    var out;
    if (exp < -4 || exp >= p) {
      var mantissa = parts[0].indexOf(".") >= 0 ? parts[0].replace(/0+$/, "").replace(/\.$/, "") : parts[0];
      var e = Math.abs(exp);
      out = mantissa + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" + e : String(e));
    } else {
      out = x.toFixed(Math.max(0, p - 1 - exp));
      if (out.indexOf(".") >= 0) out = out.replace(/0+$/, "").replace(/\.$/, "");
    }
    return out;
  }

  // The number a person typed, or NaN: the whole text must be one decimal number ("−" read as
  // "-"); unlike parseFloat, "1e" or "2abc" is not a number.
  function parseNumber(text) {
    if (typeof text === "number") return text;
    if (typeof text !== "string") return NaN;
    var t = text.trim().replace(/^[−–]/, "-");
    return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : NaN;
  }

  function paren(x) {
    var s = fmt(x);
    return x < 0 || s.charAt(0) === "-" ? "(" + s + ")" : s;
  }

  // A rule's message template filled in as Python's str.format does: {a}, {b}, {out} are reprs.
  function fill(template, values) {
    return template.replace(/\{\{|\}\}|\{(\w+)\}/g, function (all, key) {
      if (all === "{{") return "{";
      if (all === "}}") return "}";
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  // --- the graph's structure ------------------------------------------------------------------

  var uses = new Array(N).fill(0); // how many edges leave each node (x * x: two)
  NODES.forEach(function (node) {
    node.parents.forEach(function (p) { uses[p] += 1; });
  });
  // state() keys: the node's name, "#2", "#3" added when names repeat. Names are data, never
  // object keys or identifiers: a Map here, null-prototype objects in state().
  var keys = [];
  (function () {
    var used = new Map();
    NODES.forEach(function (node, i) {
      var key = node.name;
      for (var n = 2; used.has(key); n++) key = node.name + "#" + n;
      used.set(key, true);
      keys[i] = key;
    });
  })();
  var editable = []; // labelled leaves other than constants: the page's number inputs
  NODES.forEach(function (node, i) {
    if (node.parents.length === 0 && node.kind !== "constant" && node.label) editable.push(i);
  });
  var parameters = NODES.map(function (n, i) { return i; }).filter(function (i) {
    return NODES[i].parents.length === 0 && NODES[i].kind === "parameter";
  });

  // --- computing: MG_MATH, with the engine's messages -------------------------------------------

  function MathError(message, node) {
    this.message = message;
    this.node = node;
  }

  function inputReprs(i, inputs) {
    var named = {};
    RULES[NODES[i].rule].inputs.forEach(function (x, k) { named[x] = repr(inputs[k]); });
    return named;
  }

  // The generated forward pass: every value, or {error, node} with the message the engine raises
  // for the first op that fails, in its words exactly ("log(0.0) is undefined: log needs an input > 0").
  function forward(leaf) {
    try {
      return {
        values: MG_MATH.forward(
          leaf,
          function fail(i, k, inputs) {
            throw new MathError(fill(RULES[NODES[i].rule].checks[k], inputReprs(i, inputs)), i);
          },
          function overflow(i, out, inputs) {
            var named = inputReprs(i, inputs);
            named.out = repr(out);
            throw new MathError(fill(RULES[NODES[i].rule].overflow, named), i);
          }
        ),
      };
    } catch (err) {
      if (!(err instanceof MathError)) throw err;
      return { error: err.message, node: err.node };
    }
  }

  function dname(top, bottom) {
    function wrap(name) {
      return /^[A-Za-z0-9_\[\].#]+$/.test(name) || isWrapped(name) ? name : "(" + name + ")";
    }
    return "d" + wrap(top) + "/d" + wrap(bottom);
  }

  function isWrapped(name) {
    if (name.charAt(0) !== "(" || name.charAt(name.length - 1) !== ")") return false;
    var depth = 0;
    for (var i = 0; i < name.length; i++) {
      depth += name.charAt(i) === "(" ? 1 : name.charAt(i) === ")" ? -1 : 0;
      if (depth === 0 && i < name.length - 1) return false;
    }
    return true;
  }

  // The first edge, in backward order, that carried an inf or nan (backprop._first_non_finite).
  function backwardProblem(values, result) {
    var grads = result.grads;
    var accumulated = null;
    for (var i = 0; i < N; i++) {
      var node = NODES[i];
      var step = result.steps[i];
      for (var k = 0; k < node.parents.length; k++) {
        var p = node.parents[k];
        var local = step[k + 1][0];
        var contribution = step[k + 1][1];
        if (!isFinite(contribution)) {
          var what = node.op + " node " + node.name + " (data " + repr(values[i]) + ")";
          var why = !isFinite(local)
            ? "its local derivative " + RULES[node.rule].formulas[k] + " is " + repr(local) +
              " at " + NODES[p].name + " = " + repr(values[p])
            : "local " + repr(local) + " × upstream " + repr(step[0]) + " = " + repr(contribution);
          return notFinite(NODES[p].name, "at " + what + ", " + why);
        }
        if (accumulated === null && !isFinite(step[k + 1][2])) accumulated = [i, p];
      }
    }
    for (var j = 0; j < N; j++) {
      if (!isFinite(grads[j]) && accumulated === null) accumulated = [j, j];
    }
    if (accumulated === null) return null;
    var below = NODES[accumulated[0]];
    return notFinite(
      NODES[accumulated[1]].name,
      "below " + below.op + " node " + below.name + ", the finite contributions to " +
        NODES[accumulated[1]].name + ".grad add up to " + repr(grads[accumulated[1]])
    );
  }

  function notFinite(wrt, why) {
    return "backward: the gradient " + dname(ROOT_NAME, wrt) + " is not a finite float: " + why +
      ". Scale the inputs so the values stay within float range.";
  }

  // Everything for one set of leaf values: {values, grads, steps} or {error, node}.
  function compute(leaf) {
    var f = forward(leaf);
    if (f.error) return f;
    var result = MG_MATH.backward(f.values);
    var problem = backwardProblem(f.values, result);
    if (problem) return { error: problem, node: null };
    return { values: f.values, grads: result.grads, steps: result.steps };
  }

  // --- state ---------------------------------------------------------------------------------

  var leaf = DATA.reference.values.slice(); // the leaves' values (interior entries are ignored)
  var current = null; // the last good computation
  var error = null; // the message of the last failed one (the page shows `current` greyed)
  var errorLeaf = null;
  var step = 0; // how many backward steps have run: 0 .. N
  var lr = DATA.lr;
  var history = [];
  var explained = null; // the node whose gradient the explain panel shows
  var quiz = { on: false, open: false, right: 0, asked: 0, last: null };
  var lastUpdate = null;

  var $ = function (id) { return document.getElementById(id); };
  var svgs = Array.prototype.slice.call(document.querySelectorAll("svg.mg-picture"));
  function all(selector) {
    var found = [];
    svgs.forEach(function (svg) {
      found.push.apply(found, svg.querySelectorAll(selector));
    });
    return found;
  }

  // Which gradients the first `k` steps have made known, and their partial sums.
  function known(k) {
    var got = new Array(N).fill(0);
    var grad = new Array(N).fill(null);
    if (k > 0) grad[0] = current.steps[0][0];
    for (var s = 0; s < k; s++) {
      var node = NODES[s];
      for (var e = 0; e < node.parents.length; e++) {
        var p = node.parents[e];
        got[p] += 1;
        grad[p] = current.steps[s][e + 1][2];
      }
    }
    return { got: got, grad: grad };
  }

  function state() {
    var values = Object.create(null); // a name such as __proto__ or constructor is a key like any other
    var grads = Object.create(null);
    var k = known(step);
    for (var i = 0; i < N; i++) {
      values[keys[i]] = current.values[i];
      grads[keys[i]] = k.grad[i];
    }
    return {
      step: step,
      steps: N,
      values: values,
      grads: grads,
      loss: current.values[0],
      error: error,
      lr: lr,
      history: history.slice(),
      quiz: { on: quiz.on, right: quiz.right, asked: quiz.asked },
    };
  }

  // --- the picture ----------------------------------------------------------------------------

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function toggle(el, name, on) {
    var classes = (el.getAttribute("class") || "").split(/\s+/).filter(Boolean);
    var has = classes.indexOf(name) >= 0;
    if (on && !has) classes.push(name);
    if (!on && has) classes.splice(classes.indexOf(name), 1);
    el.setAttribute("class", classes.join(" "));
  }

  var pathEdges = {}; // "i:k" -> true on the explained node's paths
  var pathNodes = {};

  function drawPicture() {
    var k = known(step);
    var active = step > 0 ? step - 1 : -1; // the step just taken
    all("[data-node]").forEach(function (g) {
      var i = +g.getAttribute("data-node");
      var data = g.querySelector(".mg-data");
      var grad = g.querySelector(".mg-grad");
      if (data) setText(data, "data " + fmt(current.values[i], DIGITS));
      if (grad) {
        var text = "?";
        if (k.grad[i] !== null) {
          text = fmt(k.grad[i], DIGITS);
          if (i !== 0 && k.got[i] < uses[i]) text += "…"; // a partial sum: more uses to come
        }
        setText(grad, "grad " + text);
      }
      toggle(g, "mg-current", i === active);
      toggle(g, "mg-pending", k.grad[i] === null);
      toggle(g, "mg-path", !!pathNodes[i]);
      toggle(g, "mg-target", i === explained);
    });
    all("[data-op]").forEach(function (g) {
      var i = +g.getAttribute("data-op");
      toggle(g, "mg-current", i === active);
      toggle(g, "mg-pending", i >= step);
      toggle(g, "mg-path", !!pathNodes[i] && explained !== null && explained !== i);
    });
    all("[data-out]").forEach(function (g) {
      var i = +g.getAttribute("data-out");
      toggle(g, "mg-current", i === active);
      toggle(g, "mg-pending", i >= step);
      toggle(g, "mg-path", !!pathNodes[i] && explained !== i);
    });
    all("[data-edge]").forEach(function (g) {
      var ik = g.getAttribute("data-edge").split(":");
      var i = +ik[0];
      var e = +ik[1];
      var edge = current.steps[i][e + 1];
      var label = g.querySelector(".mg-local");
      if (label) setText(label, fmt(edge[0], DIGITS)); // the local derivative, as viz draws it
      toggle(g, "mg-current", i === active);
      toggle(g, "mg-pending", i >= step);
      toggle(g, "mg-path", !!pathEdges[i + ":" + e]);
    });
    svgs.forEach(function (svg) { toggle(svg, "mg-stale", error !== null); });
  }

  // --- the step panel -------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  // "1 - ⟨out⟩²" with the numbers in: "1 - 0.305657²"
  function numbers(template, i) {
    var node = NODES[i];
    var rule = RULES[node.rule];
    var values = { "⟨out⟩": paren(current.values[i]) };
    rule.inputs.forEach(function (x, k) { values["⟨" + x + "⟩"] = paren(current.values[node.parents[k]]); });
    return template.replace(/⟨(a|b|out)⟩/g, function (m) { return values[m]; });
  }

  // "a = b = c" without repeating a part equal to the one before it ("z[1]2 = 0.6 = 0.6")
  function chain(parts) {
    var out = [];
    function bare(text) { return /^\([^()]*\)$/.test(text) ? text.slice(1, -1) : text; }
    parts.forEach(function (part) {
      if (out.length && bare(out[out.length - 1]) === bare(part)) out[out.length - 1] = part;
      else out.push(part);
    });
    return out.join(" = ");
  }

  function noteFor(i) {
    var notes = DATA.notes || {};
    var found = [];
    if (notes[i]) found.push(notes[i]);
    NODES[i].parents.forEach(function (p) {
      if (notes[p] && found.indexOf(notes[p]) < 0) found.push(notes[p]);
    });
    return found;
  }

  function stepLines(s, reveal) {
    // What step s (0-based) does; with reveal false the contributions are "?" (quiz).
    var node = NODES[s];
    var up = current.steps[s][0];
    var box = el("div", { class: "mg-step" });
    var head = node.parents.length
      ? node.name + (node.show !== node.name ? " = " + node.show : "") + "   (" + node.op + ")"
      : node.name + "   (a leaf: " + node.kind + ")";
    box.appendChild(el("p", { class: "mg-step-head" }, [el("strong", { text: "Step " + (s + 1) + ": " }), head]));
    if (!node.parents.length) {
      box.appendChild(el("p", {
        text: "A leaf has no inputs: its gradient " + dname(ROOT_NAME, node.name) + " = " + fmt(up) +
          " is final." + (node.kind === "parameter" ? " Gradient descent uses it to update " + node.name + "." : ""),
      }));
    } else {
      var why = s === 0
        ? "the root: d" + ROOT_NAME + "/d" + ROOT_NAME + " = 1 starts the backward pass"
        : uses[s] === 1 ? "complete: its one use has passed its gradient back"
          : "complete: all " + uses[s] + " of its uses have passed their gradients back";
      box.appendChild(el("p", {}, ["Upstream gradient ", el("code", { text: dname(ROOT_NAME, node.name) + " = " + fmt(up) }), " (" + why + ")."]));
      var list = el("ul", { class: "mg-edges" });
      node.parents.forEach(function (p, k) {
        var e = current.steps[s][k + 1];
        var info = node.edges[k];
        var got = 0;
        for (var t = 0; t <= s; t++) {
          NODES[t].parents.forEach(function (q, kk) {
            if (q === p && (t < s || kk <= k)) got += 1;
          });
        }
        var item = el("li", {}, [
          el("span", { class: "mg-to", text: "to " + NODES[p].name + ": " }),
          "local ", el("code", { text: chain([info.d, info.formula, numbers(info.numbers, s), fmt(e[0])]) }),
          el("br"),
          "local × upstream = ",
          el("code", { text: fmt(e[0]) + " × " + paren(up) + " = " + (reveal ? fmt(e[1]) : "?") }),
          el("br"),
          reveal
            ? dname(ROOT_NAME, NODES[p].name) + " so far: " + fmt(e[2]) +
              (got < uses[p] ? "  (" + got + " of " + uses[p] + " uses; more to come)" : "  (complete)")
            : "",
        ]);
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    noteFor(s).forEach(function (text) { box.appendChild(el("p", { class: "mg-note", text: text })); });
    return box;
  }

  function drawStepPanel() {
    setText($("mg-counter"), step + " / " + N);
    $("mg-prev").disabled = step === 0 && !quiz.open;
    $("mg-next").disabled = step === N || error !== null;
    $("mg-end").disabled = step === N || error !== null;
    var out = clear($("mg-step-text"));
    if (quiz.open) {
      out.appendChild(stepLines(step, false));
      return;
    }
    if (step === 0) {
      out.appendChild(el("p", {
        text: "Nothing has run yet: every gradient is unknown (?). The backward pass starts at the root " +
          ROOT_NAME + " with " + dname(ROOT_NAME, ROOT_NAME) + " = 1 and visits every node once, each " +
          "after all the nodes that use it. Press Next step (or →).",
      }));
      return;
    }
    out.appendChild(stepLines(step - 1, true));
    if (step === N) {
      out.appendChild(el("p", { class: "mg-done", text: "Done: every gradient is known, the same numbers backward() gives." }));
    }
  }

  // --- quiz --------------------------------------------------------------------------------------

  function tolerance(x) {
    return Math.max(0.005 * Math.abs(x), 0.0005);
  }

  function openQuiz() {
    quiz.open = true;
    var box = clear($("mg-quiz"));
    var node = NODES[step];
    box.hidden = false;
    box.appendChild(el("p", { class: "mg-quiz-head", text: "Your turn: what does this step pass to each input? (local × upstream)" }));
    node.parents.forEach(function (p, k) {
      var e = current.steps[step][k + 1];
      var id = "mg-guess-" + k;
      box.appendChild(el("p", {}, [
        el("label", { for: id, text: "prediction for the contribution to " + dname(ROOT_NAME, NODES[p].name) }),
        " ",
        el("input", { id: id, type: "text", inputmode: "decimal", autocomplete: "off", class: "mg-guess", "data-k": String(k) }),
        el("span", { class: "mg-tol", text: " (right within ±" + fmt(tolerance(e[1]), 2) + ")" }),
      ]));
    });
    var check = el("button", { id: "mg-check", type: "button", text: "Check answer" });
    check.addEventListener("click", checkQuiz);
    box.appendChild(check);
    box.appendChild(el("span", { class: "mg-hint", text: "  or Next step to reveal without answering" }));
    box.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && ev.target.classList.contains("mg-guess")) {
        ev.preventDefault(); // else the Enter would also press the Next step button focused below
        checkQuiz();
      }
    });
    var first = box.querySelector(".mg-guess");
    render();
    if (first) first.focus();
  }

  function checkQuiz() {
    if (!quiz.open) return;
    var node = NODES[step];
    var results = [];
    var box = $("mg-quiz");
    node.parents.forEach(function (p, k) {
      var input = box.querySelector('[data-k="' + k + '"]');
      var guess = parseNumber(input.value || "");
      var truth = current.steps[step][k + 1][1];
      var ok = isFinite(guess) && Math.abs(guess - truth) <= tolerance(truth);
      quiz.asked += 1;
      if (ok) quiz.right += 1;
      results.push({ to: NODES[p].name, guess: input.value, truth: truth, ok: ok });
    });
    quiz.last = results;
    quiz.open = false;
    step += 1;
    render();
    $("mg-next").focus();
  }

  function drawQuiz() {
    var box = $("mg-quiz");
    if (quiz.open) return;
    clear(box);
    box.hidden = !quiz.on;
    if (!quiz.on) return;
    if (quiz.last) {
      quiz.last.forEach(function (r) {
        box.appendChild(el("p", { class: r.ok ? "mg-right" : "mg-wrong" }, [
          el("strong", { text: r.ok ? "✓ Right" : "✗ Not quite" }),
          ": the engine says " + dname(ROOT_NAME, r.to) + " gets " + fmt(r.truth) +
            " (you said " + (r.guess === "" ? "nothing" : r.guess) + ", tolerance ±" + fmt(tolerance(r.truth), 2) + ").",
        ]));
      });
    }
    box.appendChild(el("p", { class: "mg-score", text: "Score: " + quiz.right + " right of " + quiz.asked + "." }));
  }

  // --- stepping ------------------------------------------------------------------------------

  function next() {
    if (error !== null || step >= N) return state();
    if (quiz.open) { // Next with a question open: reveal without scoring
      quiz.open = false;
      quiz.last = null;
      step += 1;
    } else if (quiz.on && NODES[step].parents.length) {
      quiz.last = null;
      openQuiz();
      return state();
    } else {
      quiz.last = null;
      step += 1;
    }
    render();
    follow();
    return state();
  }

  function prev() {
    if (quiz.open) quiz.open = false;
    else if (step > 0) step -= 1;
    quiz.last = null;
    render();
    follow();
    return state();
  }

  function reset() {
    quiz.open = false;
    quiz.last = null;
    step = 0;
    render();
    follow();
    return state();
  }

  function end() {
    if (error !== null) return state();
    quiz.open = false;
    quiz.last = null;
    step = N;
    render();
    return state();
  }

  // --- editing ---------------------------------------------------------------------------------

  function recompute(newLeaf, cause) {
    var result = compute(newLeaf);
    if (result.error) {
      error = result.error;
      errorLeaf = cause;
      render();
      return false;
    }
    leaf = newLeaf;
    current = result;
    var bad = invalidBox(); // another box still holds a number that is not one: keep saying so
    error = bad ? bad.message : null;
    errorLeaf = bad ? bad.leaf : null;
    if (explained !== null) explain(explained, true);
    render();
    return true;
  }

  // What is wrong with leaf i's box, or null: empty, or text the browser could not read as a
  // number (a type=number box reports "1e" as value "" with validity.badInput).
  function boxProblem(i) {
    var input = $("mg-leaf-" + i);
    if (!input) return null;
    if (input.validity && input.validity.badInput) {
      return NODES[i].name + " needs a finite number, got text that is not a number";
    }
    if (!isFinite(parseNumber(input.value))) {
      return NODES[i].name + " needs a finite number, got " + (input.value === "" ? "nothing" : input.value);
    }
    return null;
  }

  function invalidBox() {
    for (var j = 0; j < editable.length; j++) {
      var message = boxProblem(editable[j]);
      if (message) return { leaf: editable[j], message: message };
    }
    return null;
  }

  function findLeaf(label) {
    for (var j = 0; j < editable.length; j++) {
      if (NODES[editable[j]].name === label) return editable[j];
    }
    return -1;
  }

  function set(label, number) {
    var i = findLeaf(label);
    if (i < 0) {
      throw new Error("no editable leaf named " + JSON.stringify(label) + "; editable: " +
        editable.map(function (j) { return NODES[j].name; }).join(", "));
    }
    var x = parseNumber(number);
    var input = $("mg-leaf-" + i);
    if (!isFinite(x)) {
      error = NODES[i].name + " needs a finite number, got " + (number === "" ? "nothing" : String(number));
      errorLeaf = i;
      render();
      return state();
    }
    if (input && parseNumber(input.value) !== x) input.value = repr(x).replace(/\.0$/, "");
    var changed = leaf.slice();
    changed[i] = x;
    if (recompute(changed, i)) history = [current.values[0]];
    lastUpdate = null;
    drawPlot();
    return state();
  }

  function setLearningRate(x) {
    x = parseNumber(x);
    if (!isFinite(x) || x <= 0) {
      $("mg-lr-msg").textContent = "α must be a number > 0 (gradient descent steps downhill).";
      return state();
    }
    $("mg-lr-msg").textContent = "";
    lr = x;
    if (+$("mg-lr").value !== x) $("mg-lr").value = String(x);
    return state();
  }

  // --- gradient descent ------------------------------------------------------------------------

  function update() {
    if (error !== null) return state();
    var before = current.values[0];
    var changed = leaf.slice();
    var lines = [];
    parameters.forEach(function (i) {
      var g = current.grads[i];
      changed[i] = leaf[i] - lr * g; // w ← w − α·dL/dw, as optim.SGD and WorkedExample.update
      lines.push(NODES[i].name + " ← " + fmt(leaf[i]) + " − " + fmt(lr) + "·" + paren(g) + " = " + fmt(changed[i]));
    });
    var result = compute(changed);
    if (result.error) {
      $("mg-update-text").textContent = "The update was not applied: with the new weights, " + result.error;
      return state();
    }
    leaf = changed;
    current = result;
    history.push(current.values[0]);
    lastUpdate = { before: before, after: current.values[0], lines: lines };
    editable.forEach(function (i) {
      var input = $("mg-leaf-" + i);
      if (input) input.value = repr(leaf[i]).replace(/\.0$/, "");
    });
    if (explained !== null) explain(explained, true);
    render();
    return state();
  }

  function drawUpdate() {
    var box = clear($("mg-update-text"));
    if (!parameters.length) {
      box.appendChild(el("p", { text: "This graph has no parameters to update." }));
      $("mg-update").disabled = true;
      return;
    }
    $("mg-update").disabled = error !== null;
    if (!lastUpdate) {
      box.appendChild(el("p", {
        text: "Apply update does w ← w − α·" + dname(ROOT_NAME, "w") + " for every parameter, then runs " +
          "the forward and backward passes again. " + ROOT_NAME + " now: " + fmt(current.values[0]) + ".",
      }));
      return;
    }
    var verdict = lastUpdate.after < lastUpdate.before ? "lower: the step went downhill"
      : lastUpdate.after > lastUpdate.before ? "higher: this step overshot (try a smaller α)" : "unchanged";
    box.appendChild(el("p", {}, [
      el("strong", { text: ROOT_NAME + " before: " + fmt(lastUpdate.before) + " → after: " + fmt(lastUpdate.after) }),
      " (" + verdict + ")",
    ]));
    var details = el("details", {}, [el("summary", { text: "the " + lastUpdate.lines.length + " updates" })]);
    lastUpdate.lines.forEach(function (line) { details.appendChild(el("div", { class: "mg-mono", text: line })); });
    box.appendChild(details);
  }

  function drawPlot() {
    var svg = $("mg-plot");
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var ns = "http://www.w3.org/2000/svg";
    var W = 320, H = 120, left = 52, right = 8, top = 10, bottom = 24;
    function add(tag, attrs, text) {
      var node = document.createElementNS(ns, tag);
      Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
      if (text !== undefined) node.textContent = text;
      svg.appendChild(node);
      return node;
    }
    var ys = history.length ? history : [current.values[0]];
    var lo = Math.min.apply(null, ys), hi = Math.max.apply(null, ys);
    if (hi === lo) { hi += Math.abs(hi) * 0.1 || 1; lo -= Math.abs(lo) * 0.1 || 1; }
    var n = Math.max(ys.length - 1, 1);
    function x(i) { return left + (W - left - right) * (i / n); }
    function y(v) { return top + (H - top - bottom) * (1 - (v - lo) / (hi - lo)); }
    add("line", { x1: left, y1: H - bottom, x2: W - right, y2: H - bottom, class: "mg-axis" });
    add("line", { x1: left, y1: top, x2: left, y2: H - bottom, class: "mg-axis" });
    add("text", { x: left - 4, y: top + 8, "text-anchor": "end", class: "mg-tick" }, fmt(hi, 3));
    add("text", { x: left - 4, y: H - bottom, "text-anchor": "end", class: "mg-tick" }, fmt(lo, 3));
    add("text", { x: (left + W) / 2, y: H - 6, "text-anchor": "middle", class: "mg-tick" },
      "updates (" + (ys.length - 1) + ")");
    add("polyline", { points: ys.map(function (v, i) { return x(i) + "," + y(v); }).join(" "), class: "mg-line" });
    ys.forEach(function (v, i) { add("circle", { cx: x(i), cy: y(v), r: 2.5, class: "mg-dot" }); });
    svg.setAttribute("aria-label", ROOT_NAME + " after each update: " + ys.map(function (v) { return fmt(v, 4); }).join(", "));
  }

  // --- explain: every path from the root to a node ---------------------------------------------

  function countPaths(target) {
    var count = new Array(N).fill(0);
    for (var i = N - 1; i >= 0; i--) { // parents before the nodes that use them
      if (i === target) { count[i] = 1; continue; }
      NODES[i].parents.forEach(function (p) { count[i] += count[p]; });
    }
    return count;
  }

  function findPaths(target, count) {
    var paths = [];
    var path = [];
    (function walk(i) {
      if (i === target) { paths.push(path.slice()); return; }
      NODES[i].parents.forEach(function (p, k) {
        if (!count[p]) return;
        path.push([i, k]);
        walk(p);
        path.pop();
      });
    })(0);
    return paths;
  }

  function explain(target, quiet) {
    if (typeof target === "string") {
      var found = keys.indexOf(target);
      if (found < 0) found = NODES.map(function (n) { return n.name; }).indexOf(target);
      if (found < 0) throw new Error("no node named " + JSON.stringify(target));
      target = found;
    }
    explained = target;
    pathNodes = {};
    pathEdges = {};
    var count = countPaths(target);
    var result = { target: keys[target], paths: [], total: 0, grad: current.grads[target] };
    if (count[0] > MAX_PATHS) {
      result.error = count[0] + " paths lead from " + ROOT_NAME + " to " + NODES[target].name +
        ", more than " + MAX_PATHS + ": too many to list";
    } else {
      var total = 0;
      findPaths(target, count).forEach(function (edges) {
        var value = 1;
        var factors = [];
        edges.forEach(function (ik) {
          var i = ik[0], k = ik[1];
          var local = current.steps[i][k + 1][0];
          value = local * value; // the engine's order: local · upstream, from the root down
          factors.push({ name: NODES[i].edges[k].d, local: local });
          pathNodes[i] = true;
          pathEdges[i + ":" + k] = true;
        });
        total += value;
        result.paths.push({ factors: factors, value: value });
      });
      pathNodes[target] = true;
      result.total = target === 0 ? 1 : total;
    }
    if (!quiet) {
      var select = $("mg-explain-select");
      if (select.value !== String(target)) select.value = String(target);
    }
    drawExplain(result);
    if (!quiet) render();
    return result;
  }

  function drawExplain(result) {
    var box = clear($("mg-explain-text"));
    if (explained === null) return;
    var name = NODES[explained].name;
    var d = dname(ROOT_NAME, name);
    if (result.error) { box.appendChild(el("p", { text: result.error })); return; }
    if (explained === 0) { box.appendChild(el("p", { text: d + " = 1: the derivative of a value with respect to itself." })); return; }
    if (!result.paths.length) { box.appendChild(el("p", { text: d + " = 0: no path leads from " + ROOT_NAME + " to " + name + "." })); return; }
    box.appendChild(el("p", {
      text: d + " is the sum over the " + result.paths.length + " path" + (result.paths.length === 1 ? "" : "s") +
        " from " + ROOT_NAME + " to " + name + " (dashed in the picture) of the local derivatives multiplied along each:",
    }));
    var list = el("ol", { class: "mg-paths" });
    result.paths.forEach(function (path) {
      list.appendChild(el("li", {}, [
        el("div", { class: "mg-mono", text: path.factors.map(function (f) { return f.name; }).join(" · ") }),
        el("div", { class: "mg-mono", text: "= " + path.factors.map(function (f) { return paren(f.local); }).join("·") + " = " + fmt(path.value) }),
      ]));
    });
    box.appendChild(list);
    var terms = result.paths.map(function (p) { return paren(p.value); }).join(" + ");
    var same = result.total === result.grad ? "the same float" : "equal up to rounding (" + repr(result.total - result.grad) + ")";
    box.appendChild(el("p", {}, [
      el("strong", { text: d + " = " + (result.paths.length > 1 ? terms + " = " : "") + fmt(result.total) }),
      "; backward() gives " + fmt(result.grad) + " (" + same + ").",
    ]));
    noteFor(explained).forEach(function (text) { box.appendChild(el("p", { class: "mg-note", text: text })); });
  }

  // --- drawing everything ---------------------------------------------------------------------

  function drawLeaves() {
    var k = known(step);
    editable.forEach(function (i) {
      var out = $("mg-leaf-grad-" + i);
      if (out) setText(out, k.grad[i] === null ? "?" : fmt(k.grad[i]));
      var input = $("mg-leaf-" + i);
      if (input) input.setAttribute("aria-invalid", String(errorLeaf === i));
      var slider = $("mg-slider-" + i);
      if (slider && document.activeElement !== slider) {
        if (Math.abs(leaf[i]) > +slider.max) { // the value left the slider's range: widen it
          var r = niceRange(leaf[i]);
          slider.min = String(-r);
          slider.max = String(r);
          slider.step = String(r / 200);
        }
        slider.value = String(leaf[i]);
      }
    });
    var box = $("mg-message");
    setText(box, error === null ? "" : "⚠ " + error + (error.indexOf("backward:") === 0 ? "" : " — the page shows the last numbers that could be computed."));
    box.hidden = error === null;
  }

  function drawTable() {
    var body = $("mg-all");
    if (!body) return;
    var k = known(step);
    for (var i = 0; i < N; i++) {
      var row = body.rows[i];
      setText(row.cells[2], fmt(current.values[i]));
      setText(row.cells[3], k.grad[i] === null ? "?" : fmt(k.grad[i]));
    }
  }

  function render() {
    drawPicture();
    drawStepPanel();
    drawQuiz();
    drawLeaves();
    drawUpdate();
    drawPlot();
    drawTable();
    setText($("mg-loss"), ROOT_NAME + " = " + fmt(current.values[0]));
  }

  // --- pan and zoom ----------------------------------------------------------------------------

  var view = $("mg-viewport");
  var zoom = 1;
  function natural(svg) {
    var box = svg.viewBox.baseVal;
    return { w: box.width * 4 / 3, h: box.height * 4 / 3 }; // Graphviz's points at 96 px per inch
  }
  function visibleSvg() {
    return svgs.filter(function (s) { return !s.closest("[hidden]"); })[0] || svgs[0];
  }
  function applyZoom(z, keepCenter) {
    var svg = visibleSvg();
    var size = natural(svg);
    var cx = (view.scrollLeft + view.clientWidth / 2) / (size.w * zoom);
    var cy = (view.scrollTop + view.clientHeight / 2) / (size.h * zoom);
    zoom = Math.max(0.2, Math.min(3, z));
    svgs.forEach(function (s) {
      var n = natural(s);
      s.style.width = n.w * zoom + "px";
      s.style.height = n.h * zoom + "px";
    });
    if (keepCenter) {
      view.scrollLeft = cx * size.w * zoom - view.clientWidth / 2;
      view.scrollTop = cy * size.h * zoom - view.clientHeight / 2;
    }
    setText($("mg-zoom-level"), Math.round(zoom * 100) + "%");
  }
  function fitZoom() {
    var size = natural(visibleSvg());
    return Math.min((view.clientWidth - 4) / size.w, (window.innerHeight * 0.62) / size.h);
  }
  function follow() {
    // keep the step's node in view (the picture may be wider than the screen)
    var i = step > 0 ? step - 1 : 0;
    var g = visibleSvg().querySelector('[data-node="' + i + '"]');
    if (!g || !g.getBoundingClientRect) return;
    var r = g.getBoundingClientRect();
    var v = view.getBoundingClientRect();
    if (r.left < v.left || r.right > v.right) view.scrollLeft += (r.left + r.right) / 2 - (v.left + v.right) / 2;
    if (r.top < v.top || r.bottom > v.bottom) view.scrollTop += (r.top + r.bottom) / 2 - (v.top + v.bottom) / 2;
  }
  (function () {
    var drag = null;
    view.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0 || ev.target.closest("[data-node]")) return;
      drag = { x: ev.clientX, y: ev.clientY, left: view.scrollLeft, top: view.scrollTop };
      view.classList.add("mg-dragging");
    });
    window.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      view.scrollLeft = drag.left - (ev.clientX - drag.x);
      view.scrollTop = drag.top - (ev.clientY - drag.y);
    });
    window.addEventListener("pointerup", function () { drag = null; view.classList.remove("mg-dragging"); });
    view.addEventListener("wheel", function (ev) {
      if (!ev.ctrlKey && !ev.metaKey) return; // plain wheel scrolls the page as usual
      ev.preventDefault();
      applyZoom(zoom * (ev.deltaY < 0 ? 1.15 : 1 / 1.15), true);
    }, { passive: false });
    view.addEventListener("keydown", function (ev) {
      if (ev.key === "+" || ev.key === "=") { applyZoom(zoom * 1.25, true); ev.preventDefault(); }
      if (ev.key === "-") { applyZoom(zoom / 1.25, true); ev.preventDefault(); }
      if (ev.key === "0") { applyZoom(fitZoom(), false); ev.preventDefault(); }
    });
    $("mg-zoom-in").addEventListener("click", function () { applyZoom(zoom * 1.25, true); });
    $("mg-zoom-out").addEventListener("click", function () { applyZoom(zoom / 1.25, true); });
    $("mg-zoom-fit").addEventListener("click", function () { applyZoom(fitZoom(), false); });
  })();

  // --- building the panels --------------------------------------------------------------------

  function niceRange(x) {
    var r = Math.max(1, 2 * Math.abs(x));
    var p = 10 ** Math.floor(Math.log10(r)); // a round slider range: 1, 2, ..., 10, 20, ...
    return Math.ceil(r / p) * p;
  }

  function buildLeaves() {
    var table = $("mg-leaves");
    var groups = [
      ["parameter", "Parameters (Apply update changes these)"],
      ["input", "Inputs and targets"],
    ];
    groups.forEach(function (group) {
      var rows = editable.filter(function (i) { return NODES[i].kind === group[0]; });
      rows.sort(function (a, b) { return NODES[a].name.localeCompare(NODES[b].name, undefined, { numeric: true }); });
      if (!rows.length) return;
      var body = el("tbody");
      body.appendChild(el("tr", {}, [el("th", { colspan: "4", class: "mg-group", scope: "colgroup", text: group[1] })]));
      rows.forEach(function (i) {
        var v = leaf[i];
        var r = niceRange(v);
        var number = el("input", { id: "mg-leaf-" + i, type: "number", step: "any", value: repr(v).replace(/\.0$/, ""), "data-leaf": String(i) });
        var slider = el("input", {
          id: "mg-slider-" + i, type: "range", min: String(-r), max: String(r), step: String(r / 200),
          value: String(v), "aria-label": NODES[i].name + " slider",
        });
        number.addEventListener("input", function () {
          if (boxProblem(i) === null) set(NODES[i].name, parseNumber(number.value));
          // else half-typed ("-", "1e"): judged when the box is left
        });
        function leave() { // every invalid entry says so when the box is left; nothing computes from it
          var message = boxProblem(i);
          if (message === null) return;
          error = message;
          errorLeaf = i;
          render();
        }
        number.addEventListener("change", leave);
        number.addEventListener("blur", leave);
        slider.addEventListener("input", function () {
          var x = +slider.value;
          number.value = repr(x).replace(/\.0$/, "");
          set(NODES[i].name, x);
        });
        body.appendChild(el("tr", {}, [
          el("th", { scope: "row" }, [el("label", { for: "mg-leaf-" + i, text: NODES[i].name })]),
          el("td", {}, [number]),
          el("td", {}, [slider]),
          el("td", { class: "mg-num", id: "mg-leaf-grad-" + i, title: dname(ROOT_NAME, NODES[i].name) }),
        ]));
      });
      table.appendChild(body);
    });
    setText($("mg-grad-head"), dname(ROOT_NAME, "leaf"));
  }

  function buildTable() {
    var body = $("mg-all");
    NODES.forEach(function (node, i) {
      body.appendChild(el("tr", {}, [
        el("th", { scope: "row", text: node.name }),
        el("td", { text: node.op || "leaf (" + node.kind + ")" }),
        el("td", { class: "mg-num" }),
        el("td", { class: "mg-num" }),
      ]));
    });
  }

  function buildExplain() {
    var select = $("mg-explain-select");
    select.appendChild(el("option", { value: "", text: "choose a value…" }));
    var order = NODES.map(function (n, i) { return i; }).filter(function (i) { return i !== 0; });
    order.sort(function (a, b) {
      var leafA = NODES[a].parents.length === 0, leafB = NODES[b].parents.length === 0;
      if (leafA !== leafB) return leafA ? -1 : 1;
      return NODES[a].name.localeCompare(NODES[b].name, undefined, { numeric: true });
    });
    order.forEach(function (i) {
      select.appendChild(el("option", { value: String(i), text: NODES[i].name + (NODES[i].parents.length ? "" : "  (" + NODES[i].kind + ")") }));
    });
    select.addEventListener("change", function () {
      if (select.value === "") { explained = null; pathNodes = {}; pathEdges = {}; drawExplain({}); render(); return; }
      explain(+select.value);
    });
    all("[data-node]").forEach(function (g) {
      var i = +g.getAttribute("data-node");
      if (i === 0) return;
      g.setAttribute("tabindex", NODES[i].parents.length ? "-1" : "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", "explain " + dname(ROOT_NAME, NODES[i].name));
      g.addEventListener("click", function () { explain(i); });
      g.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { explain(i); ev.preventDefault(); }
      });
    });
  }

  function wire() {
    $("mg-next").addEventListener("click", next);
    $("mg-prev").addEventListener("click", prev);
    $("mg-reset").addEventListener("click", reset);
    $("mg-end").addEventListener("click", end);
    $("mg-update").addEventListener("click", update);
    $("mg-lr").value = String(lr);
    $("mg-lr").addEventListener("input", function () { setLearningRate($("mg-lr").value); });
    $("mg-quiz-toggle").addEventListener("change", function () {
      quiz.on = $("mg-quiz-toggle").checked;
      quiz.open = false;
      quiz.last = null;
      render();
    });
    document.addEventListener("keydown", function (ev) {
      var t = ev.target;
      var tag = t && t.tagName ? t.tagName.toLowerCase() : "";
      if (tag === "input" || tag === "select" || tag === "textarea" || (t && t.isContentEditable)) return;
      if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
      if (ev.key === "ArrowRight") { next(); ev.preventDefault(); }
      else if (ev.key === "ArrowLeft") { prev(); ev.preventDefault(); }
    });
    var layout = $("mg-layout");
    if (layout) {
      layout.addEventListener("change", function () {
        document.querySelectorAll("[data-layout]").forEach(function (div) {
          div.hidden = div.getAttribute("data-layout") !== layout.value;
        });
        applyZoom(zoom, false);
        follow();
      });
    }
  }

  // The page checks itself: its JavaScript must give the engine's numbers for the exported values.
  function selfCheck() {
    var ref = DATA.reference;
    var worst = 0, where = null;
    function close(a, b) {
      var scale = Math.max(Math.abs(a), Math.abs(b));
      return a === b || Math.abs(a - b) <= 1e-12 * scale;
    }
    for (var i = 0; i < N; i++) {
      if (!close(current.values[i], ref.values[i]) || !close(current.grads[i], ref.grads[i])) {
        where = i;
        worst = Math.max(worst, Math.abs(current.grads[i] - ref.grads[i]));
      }
    }
    if (where !== null) {
      var box = $("mg-selfcheck");
      box.hidden = false;
      box.textContent = "⚠ This page's JavaScript disagrees with the Python engine at " + NODES[where].name +
        " (by " + repr(worst) + "): please report it.";
    }
  }

  // --- start --------------------------------------------------------------------------------------

  var first = compute(leaf);
  if (first.error) { // the exported graph always computes; keep the page alive anyway
    document.getElementById("mg-message").textContent = first.error;
    return;
  }
  current = first;
  history = [current.values[0]];
  buildLeaves();
  buildTable();
  buildExplain();
  wire();
  selfCheck();
  render();
  applyZoom(Math.min(1.25, Math.max(fitZoom(), 0.72)), false);
  follow();

  window.walkthrough = {
    state: state,
    set: set,
    next: next,
    prev: prev,
    reset: reset,
    end: end,
    update: update,
    explain: function (name) { return explain(name); },
    setLearningRate: setLearningRate,
    quiz: function (on) {
      $("mg-quiz-toggle").checked = !!on;
      quiz.on = !!on;
      quiz.open = false;
      quiz.last = null;
      render();
      return state();
    },
    nodes: function () {
      return NODES.map(function (n, i) {
        return { index: i, key: keys[i], name: n.name, label: n.label, kind: n.kind, op: n.op || "", parents: n.parents.slice() };
      });
    },
    steps: function () { return current.steps.map(function (s) { return s.slice(); }); },
    format: fmt,
    repr: repr,
    data: DATA,
  };
})();
