// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import { decodeHash, encodeHash } from "../../micrograd_like/page/assets/js/hashstate.js";

test("the state survives the address, names as data", () => {
  const values = new Map([
    ["w[2]12", 0.3],
    ["__proto__", -1.5],
    ["a&b=c#d", 2],
  ]);
  const state = { values, lr: 0.05, step: 7, selected: "constructor", chapter: "gd", quiz: "local" };
  const back = decodeHash(encodeHash(state));
  assert.deepEqual([...back.values], [...values]);
  assert.deepEqual(
    [back.lr, back.step, back.selected, back.chapter, back.quiz, back.problems],
    [0.05, 7, "constructor", "gd", "local", []],
  );
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted"), false);
  assert.equal(
    encodeHash({ values: new Map(), lr: null, step: 0, selected: null, chapter: null, quiz: null }),
    "",
  );
});

test("what does not read is left out and said", () => {
  const s = decodeHash("#step=-1&lr=0&v.x1=1e&v.x2=abc&step=2.5");
  assert.equal(s.values.size, 0);
  assert.equal(s.lr, null);
  assert.equal(s.step, 0);
  assert.equal(s.problems.length, 5);
});

test("the worked example's state keeps the other chapters' entries of the hash", () => {
  const state = { values: new Map([["a", 2]]), lr: 0.5, step: 3, selected: null, chapter: null, quiz: null };
  const hash = encodeHash(state, "#chapter=training&step=9&t.dataset=xor&t.hidden=4%2C2&v.b=1");
  const params = new URLSearchParams(hash.slice(1));
  assert.equal(params.get("t.dataset"), "xor");
  assert.equal(params.get("t.hidden"), "4,2");
  assert.equal(params.get("step"), "3");
  assert.equal(params.get("v.b"), null); // its own entries are written anew
  assert.equal(params.get("chapter"), null);
});
