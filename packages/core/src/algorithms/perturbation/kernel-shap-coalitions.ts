/**
 * Coalition designs for KernelSHAP (Lundberg & Lee, 2017): which coalitions z ∈ {0,1}^M of the
 * M features to evaluate, and their regression weights.
 *
 * The Shapley kernel gives a coalition of size s (0 < s < M) the weight
 * π(s) = (M − 1) / (C(M, s) · s · (M − s)); the total kernel mass on size s is ∝ 1 / (s (M − s)).
 * The empty and full coalitions (infinite weight) are not sampled: KernelSHAP enforces them as
 * constraints (φ₀ = E[f(background)], Σφ = f(x) − φ₀).
 *
 * - Exact: when the budget covers every coalition (budget ≥ 2^M − 2), all of them are enumerated
 *   with weight π(s); the constrained weighted regression then returns the exact Shapley values.
 * - Sampled: sizes are taken in pairs (s, M − s), most kernel mass first (s = 1, 2, …). A size
 *   pair is enumerated completely while the budget still expected for it (budget left × its
 *   share of the kernel mass left) covers all its coalitions; those get their exact kernel
 *   weight. The remaining budget is spent drawing a size from the kernel distribution over the
 *   remaining sizes, then a uniformly random coalition of that size, and always its complement
 *   too (paired / antithetic sampling). Repeated draws add to a coalition's count instead of a
 *   new row; sampled coalitions share the remaining kernel mass in proportion to their counts.
 *   This follows the scheme of the SHAP package's KernelExplainer (written from its description;
 *   the middle size of an even M is paired with its complement as well).
 *
 * Draws use the seeded generator only, so a design depends on (M, budget, seed) alone.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Rng } from '../../random/prng.js';

export interface CoalitionDesign {
  /** Number of features. */
  readonly m: number;
  /** Number of distinct coalitions (rows). */
  readonly count: number;
  /** Row-major count × m, 1 = feature present (taken from x), 0 = taken from the background. */
  readonly z: Uint8Array;
  /** Regression weight of each row (sum 1 over rows when m > 1). */
  readonly weights: Float64Array;
  /** True when every coalition was enumerated (the result is the exact Shapley value). */
  readonly exact: boolean;
}

/** Largest budget accepted (rows of the design). */
export const MAX_COALITIONS = 1 << 22;

function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const kk = Math.min(k, n - k);
  let r = 1;
  for (let i = 1; i <= kk; i++) r = (r * (n - kk + i)) / i;
  return Math.round(r);
}

/** Calls fn for every k-subset of [0, m) in lexicographic order (as a sorted index array). */
function forEachSubset(m: number, k: number, fn: (idx: Int32Array) => void): void {
  const idx = new Int32Array(k);
  for (let i = 0; i < k; i++) idx[i] = i;
  for (;;) {
    fn(idx);
    let i = k - 1;
    while (i >= 0 && idx[i] === m - k + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}

/** A coalition as a string key, 16 features per UTF-16 code unit. */
function packKey(row: Uint8Array): string {
  const codes: number[] = [];
  for (let i = 0; i < row.length; i += 16) {
    let c = 0;
    for (let b = 0; b < 16 && i + b < row.length; b++) if (row[i + b]) c |= 1 << b;
    codes.push(c);
  }
  let key = '';
  for (let i = 0; i < codes.length; i += 4096) key += String.fromCharCode(...codes.slice(i, i + 4096));
  return key;
}

class DesignBuilder {
  readonly rows: Uint8Array[] = [];
  readonly weights: number[] = [];
  private readonly index = new Map<string, number>();
  constructor(readonly m: number) {}

  /** Appends a coalition known to be new. */
  push(row: Uint8Array, w: number): void {
    this.rows.push(row);
    this.weights.push(w);
  }

  /** Adds coalition `row` with weight w (or adds w to an existing row). Returns true if new. */
  add(row: Uint8Array, w: number): boolean {
    const key = packKey(row);
    const at = this.index.get(key);
    if (at !== undefined) {
      this.weights[at] += w;
      return false;
    }
    this.index.set(key, this.rows.length);
    this.rows.push(row);
    this.weights.push(w);
    return true;
  }

  build(exact: boolean): CoalitionDesign {
    const count = this.rows.length;
    const z = new Uint8Array(count * this.m);
    this.rows.forEach((r, i) => z.set(r, i * this.m));
    return { m: this.m, count, z, weights: Float64Array.from(this.weights), exact };
  }
}

function fromIndices(m: number, idx: ArrayLike<number>, complement: boolean): Uint8Array {
  const row = new Uint8Array(m).fill(complement ? 1 : 0);
  for (let i = 0; i < idx.length; i++) row[idx[i]!] = complement ? 0 : 1;
  return row;
}

/**
 * The coalition design for m features and a budget of `budget` coalitions (rows), drawing from
 * `rng`. m = 1 has no coalitions besides the empty and full ones (count 0).
 */
export function coalitionDesign(m: number, budget: number, rng: Rng): CoalitionDesign {
  if (!Number.isInteger(m) || m < 1) throw new InvalidArgumentError(`coalitionDesign: m must be an integer ≥ 1, got ${m}`);
  if (!Number.isInteger(budget) || budget < 1 || budget > MAX_COALITIONS) {
    throw new InvalidArgumentError(`the number of samples must be an integer in [1, ${MAX_COALITIONS}], got ${budget}`);
  }
  const builder = new DesignBuilder(m);
  if (m === 1) return builder.build(true);
  const total = m <= 52 ? Math.pow(2, m) - 2 : Number.POSITIVE_INFINITY;
  if (budget >= total) {
    for (let s = 1; s < m; s++) {
      const w = (m - 1) / (binomial(m, s) * s * (m - s));
      forEachSubset(m, s, (idx) => builder.push(fromIndices(m, idx, false), w));
    }
    return normalise(builder.build(true));
  }
  // Size classes: s = 1 … ⌈(m−1)/2⌉, class s also holding size m − s when m − s ≠ s.
  const classes = Math.ceil((m - 1) / 2);
  const mass = new Float64Array(classes);
  for (let c = 0; c < classes; c++) {
    const s = c + 1;
    mass[c] = ((m - 1) / (s * (m - s))) * (s !== m - s ? 2 : 1);
  }
  const totalMass = mass.reduce((a, b) => a + b, 0);
  for (let c = 0; c < classes; c++) mass[c] /= totalMass;
  let left = budget;
  let full = 0;
  let massLeft = 1;
  for (let c = 0; c < classes; c++) {
    const s = c + 1;
    const paired = s !== m - s;
    const subsets = binomial(m, s) * (paired ? 2 : 1);
    if (!((left * mass[c]!) / massLeft / subsets >= 1 - 1e-8)) break;
    const w = mass[c]! / subsets;
    forEachSubset(m, s, (idx) => {
      builder.add(fromIndices(m, idx, false), w);
      if (paired) builder.add(fromIndices(m, idx, true), w);
    });
    left -= subsets;
    massLeft -= mass[c]!;
    full++;
  }
  if (left > 0 && full < classes) {
    // Sample the remaining size classes in proportion to their kernel mass.
    const cum = new Float64Array(classes - full);
    let acc = 0;
    for (let c = full; c < classes; c++) cum[c - full] = acc += mass[c]!;
    const sampledStart = builder.rows.length;
    const perm = new Int32Array(m);
    const maxDraws = 64 * budget + 1024;
    for (let draw = 0; draw < maxDraws && left > 0; draw++) {
      const u = rng.uniform() * acc;
      let c = 0;
      while (c < cum.length - 1 && u >= cum[c]!) c++;
      const s = c + full + 1;
      // A uniformly random s-subset: the first s entries of a partial Fisher–Yates shuffle.
      for (let i = 0; i < m; i++) perm[i] = i;
      for (let i = 0; i < s; i++) {
        const j = i + rng.int(m - i);
        const t = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = t;
      }
      const chosen = perm.subarray(0, s);
      if (builder.add(fromIndices(m, chosen, false), 1)) left--;
      if (left > 0 && builder.add(fromIndices(m, chosen, true), 1)) left--;
    }
    // The sampled rows share the mass not enumerated, in proportion to their counts.
    let counts = 0;
    for (let r = sampledStart; r < builder.rows.length; r++) counts += builder.weights[r]!;
    for (let r = sampledStart; r < builder.rows.length; r++) builder.weights[r] = (builder.weights[r]! * massLeft) / counts;
  }
  return normalise(builder.build(false));
}

function normalise(d: CoalitionDesign): CoalitionDesign {
  let s = 0;
  for (let i = 0; i < d.count; i++) s += d.weights[i]!;
  if (s > 0) for (let i = 0; i < d.count; i++) d.weights[i] = d.weights[i]! / s;
  return d;
}
