// @ts-check
/* Check my gradient: a learner's number or expression for dL/d(name), read by a small parser (the
 * text is data: it is never run as code, and a name is looked up in a Map of the page's names),
 * evaluated at the current values and compared with backprop; when it is wrong, the chain-rule
 * factor that differs is named, by comparing the expression factor by factor with the paths. */

import { compute } from "./compute.js";
import { parseNumber } from "./format.js";
import { countPaths, edgeOf, findPaths } from "./graph.js";
import { tolerance } from "./quiz.js";

/** @typedef {import("./types.js").PageData} PageData */
/** @typedef {import("./types.js").Computation} Computation */

export const MAX_LENGTH = 400; // characters: a gradient of this page never needs more
const MAX_DEPTH = 40; // nested parentheses and operators

/** @typedef {Map<string, (x: number) => number>} Functions  name -> the rule's own forward */

/** The functions an answer may call (tanh, exp, log, sigmoid, relu): the generated MG_MATH's, so
 * each computes as its rule does.
 * @param {import("./types.js").GraphMath} math
 * @returns {Functions} */
export function functionsOf(math) {
  return new Map(Object.keys(math.functions).map((name) => [name, math.functions[name]]));
}

/** The operators, with the other ways people type them. */
const OPERATORS = new Map([
  ["**", "**"],
  ["^", "**"],
  ["*", "*"],
  ["·", "*"],
  ["×", "*"],
  ["/", "/"],
  ["+", "+"],
  ["-", "-"],
  ["−", "-"],
  ["–", "-"],
  ["(", "("],
  [")", ")"],
]);

/**
 * @typedef {{kind: "num", value: number, start: number, end: number}
 *   | {kind: "name", name: string, start: number, end: number}
 *   | {kind: "neg", arg: Expr, start: number, end: number}
 *   | {kind: "bin", op: string, left: Expr, right: Expr, start: number, end: number}
 *   | {kind: "call", fn: string, arg: Expr, start: number, end: number}} Expr
 */

/** @typedef {{type: string, text: string, start: number, end: number, value?: number}} Token */

export class CheckError extends Error {}

/** The tokens of `text`: numbers, the page's names (longest first), functions, operators.
 * @param {string} text
 * @param {string[]} names
 * @param {Functions} fns
 * @returns {Token[]} */
export function tokenize(text, names, fns) {
  if (text.length > MAX_LENGTH)
    throw new CheckError("the answer is " + text.length + " characters long; at most " + MAX_LENGTH);
  const byLength = names.filter((n) => n !== "").sort((a, b) => b.length - a.length);
  /** @type {Token[]} */
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const name = byLength.find((n) => rest.startsWith(n) && !/^[A-Za-z0-9_]/.test(rest.slice(n.length)));
    const number = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(rest);
    const word = /^[A-Za-z_$][\w$]*/.exec(rest);
    const op = ["**", "^", "*", "·", "×", "/", "+", "-", "−", "–", "(", ")"].find((o) => rest.startsWith(o));
    if (name !== undefined) {
      tokens.push({ type: "name", text: name, start: i, end: i + name.length });
    } else if (number) {
      const value = Number(number[0]);
      tokens.push({ type: "num", text: number[0], start: i, end: i + number[0].length, value });
    } else if (word && fns.has(word[0]) && /^\s*\(/.test(rest.slice(word[0].length))) {
      tokens.push({ type: "fn", text: word[0], start: i, end: i + word[0].length });
    } else if (word) {
      throw new CheckError(
        "no value is named " + JSON.stringify(word[0]) + " on this page (column " + (i + 1) + ")",
      );
    } else if (op !== undefined) {
      tokens.push({ type: String(OPERATORS.get(op)), text: op, start: i, end: i + op.length });
    } else {
      throw new CheckError("cannot read " + JSON.stringify(rest.charAt(0)) + " (column " + (i + 1) + ")");
    }
    i = tokens[tokens.length - 1].end;
  }
  return tokens;
}

/** The expression `text` as a tree (Python's precedence: ** binds tighter than unary minus on its
 * left, and to the right), or a CheckError saying what is wrong and where.
 * @param {string} text
 * @param {string[]} names  the page's names
 * @param {Functions} fns
 * @returns {Expr} */
export function parse(text, names, fns) {
  const tokens = tokenize(text, names, fns);
  if (!tokens.length) throw new CheckError("the answer is empty: type a number or an expression");
  let at = 0;
  let depth = 0;
  const peek = () => (at < tokens.length ? tokens[at].type : "end");
  const where = () => (at < tokens.length ? "column " + (tokens[at].start + 1) : "the end");
  /** @param {() => Expr} inner */
  const deeper = (inner) => {
    if (++depth > MAX_DEPTH)
      throw new CheckError("the expression nests deeper than " + MAX_DEPTH + " levels");
    const result = inner();
    depth -= 1;
    return result;
  };
  /** @returns {Expr} */
  const sum = () =>
    deeper(() => {
      let left = product();
      while (peek() === "+" || peek() === "-") {
        const op = tokens[at++].type;
        const right = product();
        left = { kind: "bin", op, left, right, start: left.start, end: right.end };
      }
      return left;
    });
  /** @returns {Expr} */
  const product = () => {
    let left = unary();
    while (peek() === "*" || peek() === "/") {
      const op = tokens[at++].type;
      const right = unary();
      left = { kind: "bin", op, left, right, start: left.start, end: right.end };
    }
    return left;
  };
  /** @returns {Expr} */
  const unary = () =>
    deeper(() => {
      if (peek() === "-" || peek() === "+") {
        const sign = tokens[at++];
        const arg = unary();
        return sign.type === "-" ? { kind: "neg", arg, start: sign.start, end: arg.end } : arg;
      }
      const base = atom();
      if (peek() !== "**") return base;
      at += 1;
      const exponent = unary();
      return { kind: "bin", op: "**", left: base, right: exponent, start: base.start, end: exponent.end };
    });
  /** @returns {Expr} */
  const atom = () => {
    const token = tokens[at];
    if (!token) throw new CheckError("the expression ends too early: a number, name or ( is missing");
    at += 1;
    if (token.type === "num")
      return { kind: "num", value: Number(token.value), start: token.start, end: token.end };
    if (token.type === "name") return { kind: "name", name: token.text, start: token.start, end: token.end };
    if (token.type === "fn" || token.type === "(") {
      if (token.type === "fn") expect("(");
      const arg = sum();
      const close = expect(")");
      return token.type === "fn"
        ? { kind: "call", fn: token.text, arg, start: token.start, end: close.end }
        : { ...arg, start: token.start, end: close.end };
    }
    throw new CheckError("unexpected " + JSON.stringify(token.text) + " at column " + (token.start + 1));
  };
  /** @param {string} type */
  const expect = (type) => {
    if (peek() !== type) throw new CheckError("expected " + JSON.stringify(type) + " at " + where());
    return tokens[at++];
  };
  const tree = sum();
  if (at < tokens.length)
    throw new CheckError("unexpected " + JSON.stringify(tokens[at].text) + " at " + where());
  return tree;
}

/** The expression's value, with each name's value from `values` (a Map: a name is never a property).
 * @param {Expr} e
 * @param {Map<string, number>} values
 * @param {Functions} fns
 * @returns {number} */
export function evaluate(e, values, fns) {
  switch (e.kind) {
    case "num":
      return e.value;
    case "name":
      return /** @type {number} */ (values.get(e.name));
    case "neg":
      return -evaluate(e.arg, values, fns);
    case "call":
      return /** @type {(x: number) => number} */ (fns.get(e.fn))(evaluate(e.arg, values, fns));
    default: {
      const a = evaluate(e.left, values, fns),
        b = evaluate(e.right, values, fns);
      if (e.op === "+") return a + b;
      if (e.op === "-") return a - b;
      if (e.op === "*") return a * b;
      if (e.op === "/") return a / b;
      return a ** b;
    }
  }
}

/** True when the expression names a value (else it is a plain number the learner worked out).
 * @param {Expr} e @returns {boolean} */
function hasName(e) {
  if (e.kind === "name") return true;
  if (e.kind === "num") return false;
  if (e.kind === "bin") return hasName(e.left) || hasName(e.right);
  return hasName(e.arg);
}

/** @typedef {{text: string, value: number, exact: boolean}} Factor  one factor of a learner's term */

/** The learner's expression as a sum of terms, each a list of factors (a − b: b's factors with −1).
 * @param {Expr} e
 * @param {string} source
 * @param {(e: Expr) => number} valueOf
 * @returns {Factor[][]} */
export function termsOf(e, source, valueOf) {
  if (e.kind === "bin" && e.op === "+")
    return [...termsOf(e.left, source, valueOf), ...termsOf(e.right, source, valueOf)];
  if (e.kind === "bin" && e.op === "-") {
    const right = termsOf(e.right, source, valueOf).map((t) => [minusOne(), ...t]);
    return [...termsOf(e.left, source, valueOf), ...right];
  }
  return [factorsOf(e, source, valueOf)];
}

function minusOne() {
  return { text: "-1", value: -1, exact: true };
}

/** @param {Expr} e @param {string} source @param {(e: Expr) => number} valueOf @returns {Factor[]} */
function factorsOf(e, source, valueOf) {
  if (e.kind === "bin" && e.op === "*")
    return [...factorsOf(e.left, source, valueOf), ...factorsOf(e.right, source, valueOf)];
  if (e.kind === "neg") return [minusOne(), ...factorsOf(e.arg, source, valueOf)];
  if (e.kind === "bin" && e.op === "/") {
    const den = valueOf(e.right);
    const text = "1/" + source.slice(e.right.start, e.right.end);
    return [...factorsOf(e.left, source, valueOf), { text, value: 1 / den, exact: hasName(e.right) }];
  }
  return [{ text: source.slice(e.start, e.end).trim(), value: valueOf(e), exact: hasName(e) }];
}

/** @typedef {{name: string, formula: string, local: number}} PathFactor  a local derivative */

/** The paths from the root to node `target`, each its local derivatives from the root down, a
 * factor of exactly 1 (a sum passing the gradient on) merged into its neighbour:
 * dL/d(z[2]-y) · d(z[2]-y)/dz[2] · ... -> dL/dz[2] · ..., "ds[2]/dw[2]12 is z[1]2".
 * @param {PageData} data
 * @param {Computation} current
 * @param {number} target
 * @returns {PathFactor[][]} */
export function pathFactors(data, current, target) {
  const nodes = data.nodes;
  const prefix = data.constants.grad_of_leaf.slice(0, -"leaf".length); // "dL/d"
  /** @param {number} i  a node's name as a derivative writes it: "z[2]", "(z[2]-y)" */
  const wrapped = (i) => nodes[i].grad_name.slice(prefix.length);
  const count = countPaths(nodes, target);
  if (count[0] > data.constants.max_paths) return [];
  return findPaths(nodes, target, count).map((edges) => {
    /** @type {Array<{top: number, bottom: number, formula: string, local: number}>} */
    const raw = edges.map(([i, k]) => ({
      top: i,
      bottom: nodes[i].parents[k],
      formula: (nodes[i].edges || [])[k].formula,
      local: edgeOf(current.steps[i], k)[0],
    }));
    // a factor of exactly 1 (a sum passing the gradient on) joins its neighbour: into the one
    // below when it leads to an unnamed product (ds[2]/d(w·z) · d(w·z)/dw -> ds[2]/dw), else
    // into the one above (dL/d(z[2]-y) · d(z[2]-y)/dz[2] -> dL/dz[2])
    /** @type {typeof raw} */
    const merged = [];
    /** @type {number | null} */
    let carry = null; // the top of a factor of 1 waiting for the next one
    raw.forEach((f) => {
      const one = f.local === 1 && f.formula === "1";
      const last = merged[merged.length - 1];
      if (one && nodes[f.bottom].label === "" && nodes[f.bottom].parents.length)
        carry = carry === null ? f.top : carry;
      else if (one && last) last.bottom = f.bottom;
      else if (one) merged.push({ ...f });
      else {
        merged.push(carry === null ? { ...f } : { ...f, top: carry });
        carry = null;
      }
    });
    return merged.map((f) => ({
      name: "d" + wrapped(f.top) + "/d" + wrapped(f.bottom),
      formula: f.formula,
      local: f.local,
    }));
  });
}

/** @param {number} a @param {number} b @param {boolean} exact */
function near(a, b, exact) {
  return exact ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) : Math.abs(a - b) <= tolerance(b);
}

/**
 * @typedef {object} Diagnosis
 * @property {number} matched  how many of the path's factors the term has
 * @property {string} message  "" when every factor matches
 */

/** One learner term against one path: which chain-rule factor differs.
 * @param {Factor[]} term
 * @param {PathFactor[]} path
 * @param {(x: number) => string} text
 * @returns {Diagnosis} */
export function diagnose(term, path, text) {
  const mine = term.filter((f) => !(f.value === 1 && f.exact));
  const used = new Array(mine.length).fill(false);
  const missing = path.filter((p) => {
    const k = mine.findIndex((f, j) => !used[j] && near(f.value, p.local, f.exact));
    if (k >= 0) used[k] = true;
    return k < 0;
  });
  // a factor may be written as a few (2·(z[2]-y)), or a few as one number (dL/ds[2] as -1.2589)
  const left = () => mine.filter((_, j) => !used[j]);
  for (let m = missing.length - 1; m >= 0; m--) {
    const run = consecutive(mine, used, missing[m].local);
    if (run) {
      run.forEach((j) => (used[j] = true));
      missing.splice(m, 1);
    }
  }
  if (missing.length > 1 && left().length === 1) {
    const product = missing.reduce((acc, p) => acc * p.local, 1);
    if (near(left()[0].value, product, left()[0].exact)) return { matched: path.length, message: "" };
  }
  const extra = left();
  const matched = path.length - missing.length;
  if (!missing.length && !extra.length) return { matched, message: "" };
  const show = (/** @type {Factor[]} */ fs) =>
    fs.map((f) => f.text).join(" · ") +
    (fs.length === 1 && !fs[0].exact ? "" : " = " + text(fs.reduce((a, f) => a * f.value, 1)));
  if (!missing.length)
    return {
      matched,
      message:
        "your expression has " +
        show(extra) +
        ", which is not a factor on the path: the chain rule multiplies only the local derivatives along it",
    };
  const p = missing[0];
  const more =
    missing.length > 1
      ? " (and " + (missing.length - 1) + " more factor" + (missing.length > 2 ? "s" : "") + " differ)"
      : "";
  const truth = p.name + " is " + (p.formula === text(p.local) ? "" : p.formula + " = ") + text(p.local);
  return {
    matched,
    message: truth + "; your expression " + (extra.length ? "has " + show(extra) : "is missing it") + more,
  };
}

/** Indices of a run of unused consecutive factors whose product is `target`, or null.
 * @param {Factor[]} factors @param {boolean[]} used @param {number} target */
function consecutive(factors, used, target) {
  for (let a = 0; a < factors.length; a++) {
    let product = 1;
    let exact = true;
    for (let b = a; b < factors.length && !used[b]; b++) {
      product *= factors[b].value;
      exact = exact && factors[b].exact;
      if (b > a && near(product, target, exact)) return Array.from({ length: b - a + 1 }, (_, k) => a + k);
    }
  }
  return null;
}

/**
 * @typedef {object} CheckResult
 * @property {boolean} correct
 * @property {number} expected  backprop's dL/d(name)
 * @property {number | null} value  the learner's answer at the current values (null: unreadable)
 * @property {number | null} finite_difference  (L(x+h) − L(x−h)) / 2h for a leaf, else null
 * @property {string} message
 */

/** The learner's answer for dL/d(node `target`), judged.
 * @param {import("./types.js").GraphMath} math
 * @param {PageData} data
 * @param {Computation} current
 * @param {number} target
 * @param {string} answer
 * @param {number | null} fd  the finite difference, when the page could compute one
 * @param {(x: number) => string} text
 * @returns {CheckResult} */
export function checkGradient(math, data, current, target, answer, fd, text) {
  const fns = functionsOf(math);
  const expected = current.grads[target];
  const d = data.nodes[target].grad_name;
  const base = { expected, finite_difference: fd };
  const names = data.nodes.map((n) => n.name);
  const values = valuesByName(data, current);
  let tree;
  try {
    tree = parse(String(answer), names, fns);
  } catch (err) {
    if (!(err instanceof CheckError)) throw err;
    return { ...base, correct: false, value: null, message: "Cannot read your answer: " + err.message + "." };
  }
  const value = evaluate(tree, values, fns);
  const exact = hasName(tree);
  const fdText = fd === null ? "" : " (a finite difference gives " + text(fd) + ")";
  if (!isFinite(value))
    return {
      ...base,
      correct: false,
      value,
      message: "Your expression is " + String(value) + " at the current values, not a finite number.",
    };
  if (near(value, expected, exact)) {
    return {
      ...base,
      correct: true,
      value,
      message: "✓ Right: " + d + " = " + text(expected) + fdText + ".",
    };
  }
  const head =
    "✗ Not quite: your answer is " +
    text(value) +
    ", backprop gives " +
    d +
    " = " +
    text(expected) +
    fdText +
    ". ";
  if (!exact)
    return {
      ...base,
      correct: false,
      value,
      message: head + "Try writing it as the product of the local derivatives along each path.",
    };
  const paths = pathFactors(data, current, target);
  const terms = termsOf(tree, String(answer), (e) => evaluate(e, values, fns));
  if (paths.length !== terms.length && paths.length > 1) {
    const why =
      d +
      " is a sum over " +
      paths.length +
      " paths (one term per path); your expression has " +
      terms.length +
      " term" +
      (terms.length === 1 ? "" : "s");
    return { ...base, correct: false, value, message: head + why + "." };
  }
  let best = { matched: -1, message: "" };
  terms.forEach((term) => {
    paths.forEach((path) => {
      const found = diagnose(term, path, text);
      if (found.message && found.matched > best.matched) best = found;
    });
  });
  return {
    ...base,
    correct: false,
    value,
    message: head + (best.message ? best.message + "." : ""),
  };
}

/** A typed answer's value at the current values: a number, or an expression in the page's names;
 * NaN when it is neither.
 * @param {import("./types.js").GraphMath} math
 * @param {PageData} data
 * @param {Computation} current
 * @param {string} guess */
export function readAnswer(math, data, current, guess) {
  const x = parseNumber(guess);
  if (isFinite(x) || guess.trim() === "") return x;
  const fns = functionsOf(math);
  try {
    const tree = parse(
      guess,
      data.nodes.map((n) => n.name),
      fns,
    );
    return evaluate(tree, valuesByName(data, current), fns);
  } catch (err) {
    if (err instanceof CheckError) return NaN;
    throw err;
  }
}

/** Each name's value (the first node with the name), in a Map.
 * @param {PageData} data
 * @param {Computation} current */
export function valuesByName(data, current) {
  /** @type {Map<string, number>} */
  const values = new Map();
  data.nodes.forEach((n, i) => values.has(n.name) || values.set(n.name, current.values[i]));
  return values;
}

/** d(root)/d(leaf i) by a central difference, (L(x+h) − L(x−h)) / 2h, or null where it fails.
 * @param {import("./types.js").GraphMath} math
 * @param {PageData} data
 * @param {number[]} leaf
 * @param {number} i */
export function finiteDifference(math, data, leaf, i) {
  const dx = 1e-6 * Math.max(1, Math.abs(leaf[i])); // error ~ dx², rounding ~ 1e-16 / dx
  const up = leaf.slice(),
    down = leaf.slice();
  up[i] += dx;
  down[i] -= dx;
  const a = compute(math, data, up),
    b = compute(math, data, down);
  return "error" in a || "error" in b ? null : (a.values[0] - b.values[0]) / (2 * dx);
}
