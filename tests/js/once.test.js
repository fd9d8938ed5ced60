// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import { once } from "../../micrograd_like/page/assets/js/once.js";

test("the start runs on the first call only, and every call gives its result", () => {
  let runs = 0;
  const started = once(() => ({ run: ++runs }));
  assert.equal(runs, 0); // nothing runs until asked
  const first = started();
  assert.deepEqual(first, { run: 1 });
  assert.equal(started(), first); // the same object, not a second start
  assert.equal(runs, 1);
});

test("a start that throws is not run again: every call throws its error", () => {
  let runs = 0;
  const broken = new Error("no #mg-t-map");
  const started = once(() => {
    runs += 1;
    throw broken;
  });
  assert.throws(started, (error) => error === broken);
  assert.throws(started, (error) => error === broken);
  assert.equal(runs, 1);
});

test("a start that returns undefined is still started once", () => {
  let runs = 0;
  const started = once(() => {
    runs += 1;
  });
  assert.equal(started(), undefined);
  assert.equal(started(), undefined);
  assert.equal(runs, 1);
});
