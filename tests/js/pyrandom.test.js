// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";

import { PyRandom, seedWords } from "../../micrograd_like/page/assets/js/pyrandom.js";
import { calls, seedOf, streams } from "./pyrandom_fixtures.js";

test("seeds split into 32-bit words as CPython splits an int's absolute value", () => {
  assert.deepEqual(seedWords(0), [0]);
  assert.deepEqual(seedWords(-1), [1]);
  assert.deepEqual(seedWords(2 ** 32), [0, 1]);
  assert.deepEqual(seedWords(2n ** 64n + 5n), [5, 0, 1]);
  assert.deepEqual(seedWords(-(2 ** 53 - 1)), [0xffffffff, 0x1fffff]);
  assert.throws(() => seedWords(2 ** 53), /safe integer/);
  assert.throws(() => seedWords(1.5), /seed must be an integer/);
});

test("the 32-bit outputs and random() are Python's, bit for bit, through ten refills of the state", () => {
  assert.ok(streams.length >= 10);
  for (const s of streams) {
    const rng = new PyRandom(seedOf(s.seed));
    assert.deepEqual(
      s.uint32.map(() => rng.uint32()),
      s.uint32,
      `seed ${s.seed}`,
    );
    const again = new PyRandom(seedOf(s.seed));
    const values = Array.from({ length: 3000 }, () => again.random());
    assert.deepEqual(values.slice(0, s.first.length), s.first, `seed ${s.seed}`);
    assert.deepEqual(
      values.filter((_, i) => i % 97 === 0),
      s.every97,
      `seed ${s.seed}`,
    );
  }
});

test("a seed as a number and as a bigint give the same stream", () => {
  for (const seed of [0, -7, 2 ** 40, -(2 ** 53 - 1)]) {
    const [a, b] = [new PyRandom(seed), new PyRandom(BigInt(seed))];
    for (let i = 0; i < 700; i++) assert.equal(a.random(), b.random());
  }
});

test("every call gives Python's result, in Python's order (gauss keeps its second value)", () => {
  let gaussCount = 0;
  for (const script of calls) {
    const rng = new PyRandom(seedOf(script.seed));
    script.calls.forEach(([method, args, expected], i) => {
      const where = `seed ${script.seed}, call ${i}: ${method}(${args.join(", ")})`;
      if (method === "shuffle") {
        const items = Array.from({ length: args[0] }, (_, k) => k);
        rng.shuffle(items);
        assert.deepEqual(items, expected, where);
      } else if (method === "seed") {
        rng.seed(seedOf(args[0]));
      } else if (method === "gauss") {
        const got = rng.gauss(args[0], args[1]);
        gaussCount++;
        // Box-Muller's cos, sin and log: exact unless V8's Math differs from libm in the last bit
        assert.ok(got === expected || Math.abs(got - expected) <= 1e-12 * Math.abs(expected), where);
      } else {
        const method_ = /** @type {"random" | "getrandbits" | "randrange" | "randint" | "uniform"} */ (
          method
        );
        assert.equal(/** @type {Function} */ (rng[method_]).apply(rng, args), expected, where);
      }
    });
  }
  assert.ok(gaussCount > 50);
});

test("bad arguments are errors, not wrong numbers", () => {
  const rng = new PyRandom(0);
  assert.throws(() => rng.getrandbits(54), RangeError);
  assert.throws(() => rng.randbelow(0), RangeError);
  assert.throws(() => rng.randrange(3, 3), /empty range/);
});
