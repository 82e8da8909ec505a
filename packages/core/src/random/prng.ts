/**
 * Seeded pseudo-random numbers, bit-reproducible across runs, engines and platforms.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", 2018), a 128-bit-state generator of 32-bit words, implemented from its published
 * definition. The four state words are filled by a 32-bit SplitMix-style sequence
 * (Weyl increment 0x9e3779b9, then the MurmurHash3 32-bit finaliser), so any 32-bit seed gives a
 * well-mixed, never all-zero state.
 *
 * Only integer operations and IEEE-754 +, −, ×, ÷ and sqrt (all correctly rounded) are used:
 * `normal()` uses the polar form of the Box–Muller transform with a natural logarithm written
 * here in plain arithmetic (not `Math.log`, whose last bit ECMAScript leaves to the engine), so
 * every value is identical on every conforming JavaScript engine.
 */
import { InvalidArgumentError } from '../errors.js';

export interface Rng {
  /** The next raw 32-bit output, as an unsigned integer in [0, 2³²). */
  nextUint32(): number;
  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
  /** Uniform integer in [0, n), unbiased (rejection sampling). 1 ≤ n ≤ 2³². */
  int(n: number): number;
  /**
   * Standard normal N(0, 1) (polar Box–Muller). Each accepted pair yields two values: the first
   * is returned, the second is kept and returned by the next call.
   */
  normal(): number;
  /**
   * An independent stream derived from this generator's seed and `key` only: it does not
   * depend on, or advance, this generator's position. `derive(k)` of equal generators are equal.
   */
  derive(key: number): Rng;
  /** An independent stream seeded from the next two outputs of this generator (advances it). */
  fork(): Rng;
}

const GOLDEN = 0x9e3779b9;

/** MurmurHash3 fmix32 finaliser. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The 32-bit SplitMix sequence used for seeding: output k is fmix32(seed + (k+1)·golden). */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + GOLDEN) >>> 0;
    return fmix32(state);
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;

/**
 * Natural logarithm of a positive finite double using only correctly-rounded arithmetic
 * (reproducible everywhere). Accurate to a few ulp; exported for its tests.
 */
export function portableLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new InvalidArgumentError(`portableLog needs a positive finite number, got ${x}`);
  let m = x;
  let e = 0;
  // Exact power-of-two scaling into [1, 2).
  while (m >= 2) {
    m /= 2;
    e++;
  }
  while (m < 1) {
    m *= 2;
    e--;
  }
  if (m > SQRT2) {
    m /= 2;
    e++;
  }
  // ln m = 2 atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = 0;
  for (let k = 0; k < 16; k++) {
    sum += term / (2 * k + 1);
    term *= s2;
  }
  return e * LN2 + 2 * sum;
}

class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;
  private readonly seed: number;

  constructor(seed: number, state?: readonly [number, number, number, number]) {
    this.seed = seed >>> 0;
    if (state) {
      [this.s0, this.s1, this.s2, this.s3] = state.map((v) => v >>> 0) as [number, number, number, number];
    } else {
      const sm = splitmix32(this.seed);
      this.s0 = sm();
      this.s1 = sm();
      this.s2 = sm();
      this.s3 = sm();
    }
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new InvalidArgumentError(`int(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`);
    }
    const limit = Math.floor(4294967296 / n) * n;
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * portableLog(s)) / s);
        this.spare = v * f;
        return u * f;
      }
    }
  }

  derive(key: number): Rng {
    if (!Number.isInteger(key)) throw new InvalidArgumentError(`derive(key) needs an integer key, got ${key}`);
    const mixed = fmix32((fmix32(this.seed ^ 0x632be5ab) + Math.imul(key >>> 0, GOLDEN) + 0x165667b1) >>> 0);
    return new Xoshiro128(mixed);
  }

  fork(): Rng {
    return new Xoshiro128((this.nextUint32() ^ fmix32(this.nextUint32())) >>> 0);
  }
}

/**
 * Create a seeded generator. `seed` must be a finite integer; it is reduced modulo 2³²
 * (negative seeds wrap), so seeds that agree modulo 2³² give the same stream.
 */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer, got ${seed}`);
  return new Xoshiro128(seed);
}

/**
 * A generator started from an explicit xoshiro128** state (four 32-bit words, not all zero),
 * for checking against the published reference implementation. `derive` keys off the first word.
 */
export function createRngFromState(state: readonly [number, number, number, number]): Rng {
  if (state.length !== 4 || state.some((v) => !Number.isInteger(v))) {
    throw new InvalidArgumentError('state must be four 32-bit integers');
  }
  if (state.every((v) => v >>> 0 === 0)) throw new InvalidArgumentError('xoshiro128** state must not be all zero');
  return new Xoshiro128(state[0], state);
}
