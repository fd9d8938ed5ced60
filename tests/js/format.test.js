// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  chain,
  fill,
  fmt,
  numberText,
  parseNumber,
  repr,
} from "../../micrograd_like/page/assets/js/format.js";
import { numbers } from "./fixtures.js";

test("repr writes every float as Python's repr does", () => {
  for (const [x, expected] of numbers) assert.equal(repr(x), expected, String(x));
});

test("fmt(x, 4) is Python's f'{x:.4g}'", () => {
  for (const [x, , g4] of numbers) assert.equal(fmt(x, 4), g4, String(x));
});

test("fmt(x, 6) is Python's f'{x:.6g}'", () => {
  for (const [x, , , g6] of numbers) assert.equal(fmt(x, 6), g6, String(x));
});

test("parseNumber reads a whole decimal number and nothing else", () => {
  const good = { 1: 1, "-2.5": -2.5, " 3e2 ": 300, ".5": 0.5, "5.": 5, "−4": -4, "+1E-3": 0.001 };
  for (const [text, x] of Object.entries(good)) assert.equal(parseNumber(text), x, text);
  for (const text of ["", " ", "1e", "-", "2abc", "0x10", "Infinity", "1_000", "1,5", "e5"]) {
    assert.ok(Number.isNaN(parseNumber(text)), text);
  }
  assert.equal(parseNumber(0.25), 0.25);
  assert.ok(Number.isNaN(parseNumber(null)));
});

test("fill fills a template as str.format does, and only from the given keys", () => {
  assert.equal(fill("log({a}) is undefined", { a: "0.0" }), "log(0.0) is undefined");
  assert.equal(fill("{{a}} {b}", { b: "1" }), "{a} 1");
  const values = Object.create(null);
  assert.equal(fill("{constructor} {toString}", values), "{constructor} {toString}");
});

test("chain drops a part equal to the one before it", () => {
  assert.equal(chain(["ds/dw", "z[1]2", "0.6", "0.6"]), "ds/dw = z[1]2 = 0.6");
  assert.equal(chain(["a", "(-1)", "-1"]), "a = -1");
});

test("numberText parenthesises negative numbers for products", () => {
  const { text, paren } = numberText(6);
  assert.equal(text(1 / 3), "0.333333");
  assert.equal(text(1 / 3, 2), "0.33");
  assert.equal(paren(-0.5), "(-0.5)");
  assert.equal(paren(2), "2");
});
