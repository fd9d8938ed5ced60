// @ts-check
/* Work done at most once, when first needed: a hidden chapter starts when it is first shown or
 * when its script API is first used (chapters.js startWhenShown). */

/** A function that runs `start` on its first call and from then on gives what that call gave. A
 * start that throws is not run again (a second run could wire its controls twice): every later
 * call throws the same error.
 * @template T @param {() => T} start @returns {() => T} */
export function once(start) {
  /** @type {{value: T} | {error: unknown} | null} */
  let done = null;
  return () => {
    if (done === null) {
      try {
        done = { value: start() };
      } catch (error) {
        done = { error };
      }
    }
    if ("error" in done) throw done.error;
    return done.value;
  };
}
