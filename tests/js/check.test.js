// @ts-check
/* Check my gradient: the parser (numbers, the page's names, operators, functions; hostile input is
 * an error, never code), its values against the engine's, and the factor diagnosis. */
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  CheckError,
  checkGradient,
  evaluate,
  functionsOf,
  MAX_LENGTH,
  parse,
  pathFactors,
  readAnswer,
  valuesByName,
} from "../../micrograd_like/page/assets/js/check.js";
import { numberText } from "../../micrograd_like/page/assets/js/format.js";
import { close, graph } from "./fixtures.js";

const g = graph("worked example");
const current = { values: g.data.reference.values, ...g.math.backward(g.data.reference.values) };
const fns = functionsOf(g.math);
const names = g.data.nodes.map((n) => n.name);
const values = valuesByName(g.data, current);
const { text } = numberText(6);
/** @param {string} name */
const at = (name) => names.indexOf(name);
/** @param {string} name */
const v = (name) => current.values[at(name)];
/** @param {string} src */
const value = (src) => evaluate(parse(src, names, fns), values, fns);

test("expressions read as Python reads them, names by the page's values", () => {
  assert.equal(value("2 + 3 * 4"), 14);
  assert.equal(value("-2 ** 2"), -4); // ** binds tighter than unary minus
  assert.equal(value("2 ** 3 ** 2"), 512); // ... and to the right
  assert.equal(value("(1 - 2) - 3"), -4);
  assert.equal(value("1 − 2 · 3 × 2 ^ 2"), 1 - 2 * 3 * 4); // the other ways people type them
  assert.equal(value("z[1]2"), v("z[1]2"));
  assert.equal(value("w[2]11·z[1]1"), v("w[2]11·z[1]1")); // the longest name wins
  assert.equal(value("tanh(s[2])"), v("z[2]"));
  assert.ok(close(value("sigmoid(0) + relu(-1) + exp(log(2))"), 2.5));
  const w = current.grads[at("w[2]12")];
  assert.ok(close(value("2*(z[2]-y)*(1-z[2]**2)*z[1]2"), w));
});

test("hostile or broken input is a clear error, never run", () => {
  /** @type {Array<[string, RegExp]>} */
  const bad = [
    ["constructor", /no value is named "constructor"/],
    ["__proto__", /no value is named "__proto__"/],
    ["alert(1)", /no value is named "alert"/],
    ["toString()", /no value is named "toString"/],
    ["x1 +", /ends too early/],
    ["(x1", /expected "\)"/],
    ["x1 x2", /unexpected "x2"/],
    ["x1; x2", /cannot read ";"/],
    ["'a'", /cannot read/],
    ["", /empty/],
    ["x1+".repeat(MAX_LENGTH), /characters long/],
    ["(".repeat(100) + "1" + ")".repeat(100), /nests deeper/],
  ];
  for (const [src, message] of bad) {
    assert.throws(
      () => parse(String(src), names, fns),
      (err) => err instanceof CheckError && message.test(err.message),
    );
  }
  assert.ok(Number.isNaN(readAnswer(g.math, g.data, current, "constructor")));
  assert.equal(readAnswer(g.math, g.data, current, "0.25"), 0.25);
});

test("the paths' factors, a factor of 1 joined to its neighbour", () => {
  const [path] = pathFactors(g.data, current, at("w[2]12"));
  assert.deepEqual(
    path.map((f) => f.name),
    ["dL/dz[2]", "dz[2]/ds[2]", "ds[2]/dw[2]12"],
  );
  assert.ok(
    close(
      path.reduce((a, f) => a * f.local, 1),
      current.grads[at("w[2]12")],
    ),
  );
  assert.equal(pathFactors(g.data, current, at("x1")).length, 2);
});

test("a right answer is right; a wrong one names the factor that differs", () => {
  const i = at("w[2]12");
  /** @param {string} answer */
  const check = (answer) => checkGradient(g.math, g.data, current, i, answer, null, text);
  const right = check("2*(z[2]-y)*(1-z[2]**2)*z[1]2");
  assert.equal(right.correct, true);
  assert.equal(right.expected, current.grads[i]);
  assert.equal(check("(1-z[2]**2)*z[1]2*2*(z[2]-y)").correct, true); // any order
  const swapped = check("2*(z[2]-y)*(1-z[2]**2)*z[1]1");
  assert.equal(swapped.correct, false);
  assert.match(
    swapped.message,
    new RegExp(
      "ds\\[2\\]/dw\\[2\\]12 is z\\[1\\]2 = " + text(v("z[1]2")) + "; your expression has z\\[1\\]1",
    ),
  );
  assert.match(check("2*(z[2]-y)*z[1]2").message, /dz\[2\]\/ds\[2\] is 1 - z\[2\]² = .*is missing it/);
  assert.match(
    check("2*(z[2]-y)*(1-z[2]**2)*z[1]2*w[2]12").message,
    /has w\[2\]12 .*not a factor on the path/,
  );
  const upstream = text(current.grads[at("s[2]")]);
  assert.equal(check(upstream + "*z[1]2").correct, false); // 6 digits are not the float
  assert.equal(check(current.grads[at("s[2]")] + "*z[1]2").correct, true);
  const x1 = checkGradient(g.math, g.data, current, at("x1"), "dz[2]/ds[2]", null, text);
  assert.match(x1.message, /Cannot read/);
  const one = checkGradient(
    g.math,
    g.data,
    current,
    at("x1"),
    "2*(z[2]-y)*(1-z[2]**2)*w[2]11*(1-z[1]1**2)*w[1]11",
    null,
    text,
  );
  assert.match(one.message, /sum over 2 paths .* 1 term/);
});
