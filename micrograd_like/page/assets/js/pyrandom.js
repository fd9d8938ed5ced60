// @ts-check
/* Python's random.Random in JavaScript, number for number: the same seed gives the same random(),
 * gauss(), uniform(), shuffle() and randrange() as CPython (3.10 and later), so the page draws the
 * datasets and initial weights micrograd_like draws. The generator is MT19937 (Matsumoto and
 * Nishimura's reference algorithm, which CPython's _randommodule.c implements); each method below
 * follows the CPython function it names. Every step is 32-bit integer arithmetic or an exactly
 * rounded double operation, so the streams agree bit for bit; only gauss() goes through
 * Math.log, Math.cos and Math.sin, which may differ from the C library's in the last bit. */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;
const TWO_PI = 2.0 * Math.PI;

/** A seed as random.Random takes it: an integer (a number that is a safe integer, or a bigint).
 * @typedef {number | bigint} Seed */

/** The seed's absolute value as little-endian 32-bit words, as CPython's random_seed splits an int
 * (0 is one word, 0).
 * @param {Seed} seed
 * @returns {number[]} */
export function seedWords(seed) {
  if (typeof seed === "number" && !Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be an integer (a safe integer number or a bigint), got ${seed}`);
  }
  let n = BigInt(seed);
  if (n < 0n) n = -n;
  const words = [];
  do {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  } while (n > 0n);
  return words;
}

export class PyRandom {
  /** random.Random(seed): a generator seeded as CPython seeds it from an integer.
   * @param {Seed} seed */
  constructor(seed) {
    /** @type {Uint32Array} */
    this.mt = new Uint32Array(N);
    this.index = N;
    /** @type {number | null} gauss()'s second value, kept for the next call */
    this.gaussNext = null;
    this.seed(seed);
  }

  /** Random.seed(int): init_by_array over the seed's words; forgets gauss()'s kept value.
   * @param {Seed} seed */
  seed(seed) {
    const key = seedWords(seed);
    const mt = this.mt;
    initGenrand(mt, 19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j; // Uint32Array keeps it mod 2^32
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (mt[i] ^ Math.imul(prev, 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000; // MSB is 1, assuring a non-zero initial array
    this.index = N;
    this.gaussNext = null;
  }

  /** genrand_uint32: the next 32-bit output, tempered.
   * @returns {number} */
  uint32() {
    const mt = this.mt;
    if (this.index >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) mt[kk] = twist(mt[kk + M], mt[kk], mt[kk + 1]);
      for (; kk < N - 1; kk++) mt[kk] = twist(mt[kk + (M - N)], mt[kk], mt[kk + 1]);
      mt[N - 1] = twist(mt[M - 1], mt[N - 1], mt[0]);
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random(): a float in [0, 1) from 53 random bits (27 + 26 of two outputs).
   * @returns {number} */
  random() {
    const a = this.uint32() >>> 5;
    const b = this.uint32() >>> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }

  /** getrandbits(k) for 0 <= k <= 53: whole 32-bit words from the least significant up, the last
   * one cut to the bits still wanted from its top, as CPython fills an int.
   * @param {number} k
   * @returns {number} */
  getrandbits(k) {
    if (!Number.isInteger(k) || k < 0 || k > 53)
      throw new RangeError(`getrandbits needs 0 <= k <= 53, got ${k}`);
    if (k <= 32) return k === 0 ? 0 : this.uint32() >>> (32 - k);
    const low = this.uint32();
    return (this.uint32() >>> (64 - k)) * 4294967296 + low;
  }

  /** _randbelow(n): an integer in [0, n) by rejection, k = n.bit_length() bits at a time.
   * @param {number} n  a positive integer up to 2^53 - 1
   * @returns {number} */
  randbelow(n) {
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new RangeError(`randbelow needs a positive integer, got ${n}`);
    const k = bitLength(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** randrange(stop) or randrange(start, stop): start + _randbelow(stop - start).
   * @param {number} start
   * @param {number} [stop]
   * @returns {number} */
  randrange(start, stop) {
    if (stop === undefined) return this.randbelow(start);
    if (stop <= start) throw new RangeError(`empty range in randrange(${start}, ${stop})`);
    return start + this.randbelow(stop - start);
  }

  /** randint(a, b): an integer in [a, b], both ends included.
   * @param {number} a
   * @param {number} b */
  randint(a, b) {
    return this.randrange(a, b + 1);
  }

  /** uniform(a, b) = a + (b - a) * random().
   * @param {number} a
   * @param {number} b */
  uniform(a, b) {
    return a + (b - a) * this.random();
  }

  /** gauss(mu, sigma): Box-Muller as CPython's Random.gauss computes it. Each pair of random()
   * draws gives two normal numbers; the second is kept and returned by the next call.
   * @param {number} mu
   * @param {number} sigma */
  gauss(mu, sigma) {
    let z = this.gaussNext;
    this.gaussNext = null;
    if (z === null) {
      const angle = this.random() * TWO_PI;
      const radius = Math.sqrt(-2.0 * Math.log(1.0 - this.random()));
      z = Math.cos(angle) * radius;
      this.gaussNext = Math.sin(angle) * radius;
    }
    return mu + z * sigma;
  }

  /** shuffle(x) in place: Fisher-Yates from the end, j = _randbelow(i + 1).
   * @template T
   * @param {T[]} x */
  shuffle(x) {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }
}

/** init_genrand(s): the state from one 32-bit number (Knuth's multiplier 1812433253).
 * @param {Uint32Array} mt
 * @param {number} s */
function initGenrand(mt, s) {
  mt[0] = s;
  for (let i = 1; i < N; i++) mt[i] = Math.imul(1812433253, mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
}

/** One word of the state's recurrence: far ^ (upper bit of `word`, lower 31 of `next`) · A.
 * @param {number} far
 * @param {number} word
 * @param {number} next */
function twist(far, word, next) {
  const y = (word & UPPER) | (next & LOWER);
  return far ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
}

/** int.bit_length() of a positive safe integer.
 * @param {number} n */
function bitLength(n) {
  let bits = 0;
  for (let m = n; m > 0; m = Math.floor(m / 2)) bits++;
  return bits;
}
