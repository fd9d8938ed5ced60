// @ts-check
/* Numbers and text as Python writes them: repr, the :.Ng format, str.format templates. */

/** repr(x) of a Python float: the shortest round-trip digits (JavaScript finds the same ones),
 * written fixed for 1e-4 <= |x| < 1e16 and as d.ddde±XX otherwise.
 * @param {number} x
 * @returns {string} */
export function repr(x) {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return 1 / x < 0 ? "-0.0" : "0.0";
  const parts = x.toExponential().split("e");
  const sign = parts[0].charAt(0) === "-" ? "-" : "";
  const digits = parts[0].replace("-", "").replace(".", "");
  const exp = parseInt(parts[1], 10);
  if (exp < -4 || exp >= 16) {
    const mantissa = digits.length > 1 ? digits.charAt(0) + "." + digits.slice(1) : digits;
    return sign + mantissa + exponent(exp);
  }
  if (exp < 0) return sign + "0." + "0".repeat(-exp - 1) + digits;
  if (digits.length <= exp + 1) return sign + digits + "0".repeat(exp + 1 - digits.length) + ".0";
  return sign + digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
}

/** "e-05", "e+16": Python's exponent, at least two digits.
 * @param {number} exp */
function exponent(exp) {
  const e = Math.abs(exp);
  return "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" + e : String(e));
}

/** Python's f"{x:.{p}g}": p significant digits, trailing zeros dropped, exponent form outside
 * 1e-4 <= |x| < 10**p.
 * @param {number} x
 * @param {number} p
 * @returns {string} */
export function fmt(x, p) {
  if (x !== x || x === Infinity || x === -Infinity) return repr(x);
  if (x === 0) return 1 / x < 0 ? "-0" : "0";
  const parts = x.toExponential(p - 1).split("e");
  const exp = parseInt(parts[1], 10);
  if (exp < -4 || exp >= p) {
    const mantissa = parts[0].indexOf(".") >= 0 ? parts[0].replace(/0+$/, "").replace(/\.$/, "") : parts[0];
    return mantissa + exponent(exp);
  }
  const out = x.toFixed(Math.max(0, p - 1 - exp));
  return out.indexOf(".") >= 0 ? out.replace(/0+$/, "").replace(/\.$/, "") : out;
}

/** The number a person typed, or NaN: the whole text must be one decimal number ("−" read as
 * "-"); unlike parseFloat, "1e" or "2abc" is not a number.
 * @param {unknown} text
 * @returns {number} */
export function parseNumber(text) {
  if (typeof text === "number") return text;
  if (typeof text !== "string") return NaN;
  const t = text.trim().replace(/^[−–]/, "-");
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : NaN;
}

/** A rule's message template filled in as Python's str.format does ({a}, {b}, {out}).
 * @param {string} template
 * @param {Record<string, string>} values
 * @returns {string} */
export function fill(template, values) {
  return template.replace(/\{\{|\}\}|\{(\w+)\}/g, (all, key) => {
    if (all === "{{") return "{";
    if (all === "}}") return "}";
    return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
  });
}

/** "a = b = c" without repeating a part equal to the one before it ("z[1]2 = 0.6 = 0.6").
 * @param {string[]} parts
 * @returns {string} */
export function chain(parts) {
  /** @type {string[]} */
  const out = [];
  /** @param {string} text */
  const bare = (text) => (/^\([^()]*\)$/.test(text) ? text.slice(1, -1) : text);
  parts.forEach((part) => {
    if (out.length && bare(out[out.length - 1]) === bare(part)) out[out.length - 1] = part;
    else out.push(part);
  });
  return out.join(" = ");
}

/** Numbers of the text: `digits` significant digits, and negative ones in parentheses for products.
 * @param {number} digits */
export function numberText(digits) {
  /** @param {number} x @param {number} [p] */
  const text = (x, p) => fmt(x, p || digits);
  /** @param {number} x */
  const paren = (x) => {
    const s = text(x);
    return x < 0 || s.charAt(0) === "-" ? "(" + s + ")" : s;
  };
  return { text, paren };
}
