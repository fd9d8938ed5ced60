// @ts-check
/* descent.js: step_kind's rule against descent.step_kind (tools/page_fixtures.py) and the
 * threshold's definition; chapters.js: the chapter in the URL hash. */

import assert from "node:assert/strict";
import { test } from "node:test";

import { chapterInHash, hashWithChapter } from "../../micrograd_like/page/assets/js/chapters.js";
import { stepKind, thresholdOf } from "../../micrograd_like/page/assets/js/descent.js";
import { stepKinds, stepWords } from "./fixtures.js";

test("stepKind answers as descent.step_kind", () => {
  const seen = new Set();
  for (const [a, b, c, kind] of stepKinds) {
    const before = { J: a[0], slope: a[1] };
    const after = { J: b[0], slope: b[1] };
    const earlier = c === null ? null : { slope: c[1] };
    assert.equal(stepKind(before, after, earlier), kind, JSON.stringify([a, b, c]));
    seen.add(kind);
  }
  assert.deepEqual(
    [...seen].sort(),
    Object.keys(stepWords)
      .filter((k) => k !== "start")
      .sort(),
  );
});

test("the threshold is 2/J'' where J'' > 0, else none", () => {
  assert.equal(thresholdOf(0.5), 4);
  assert.equal(thresholdOf(0), null);
  assert.equal(thresholdOf(-1), null);
  assert.equal(thresholdOf(null), null);
});

test("the chapter in the hash, every other entry kept", () => {
  assert.equal(chapterInHash("#chapter=descent"), "descent");
  assert.equal(chapterInHash("#x=1&chapter=backprop"), "backprop");
  assert.equal(chapterInHash(""), null);
  assert.equal(hashWithChapter("", "descent"), "#chapter=descent");
  assert.equal(hashWithChapter("#x=1&chapter=backprop", "descent"), "#x=1&chapter=descent");
});
