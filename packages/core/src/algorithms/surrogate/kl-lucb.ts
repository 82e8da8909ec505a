/**
 * KL-LUCB best-arm identification for Bernoulli arms (Kaufmann & Kalyanakrishnan 2013), as used
 * by Anchors to pick the most precise candidate rules with few model calls.
 */
import type { Rng } from '../../random/prng.js';

export interface Arm {
  /** Draws so far and how many kept the class. */
  n: number;
  positives: number;
  /** The arm's own sample stream. */
  readonly rng: Rng;
}

/** KL divergence of Bernoulli(p) from Bernoulli(q). */
export function bernoulliKl(p: number, q: number): number {
  const e = 1e-12;
  const a = Math.min(Math.max(p, e), 1 - e);
  const b = Math.min(Math.max(q, e), 1 - e);
  return a * Math.log(a / b) + (1 - a) * Math.log((1 - a) / (1 - b));
}

/** [lower, upper]: the q with n·KL(p, q) ≤ beta on either side of p (bisection). */
export function klBounds(p: number, n: number, beta: number): { lower: number; upper: number } {
  if (n <= 0) return { lower: 0, upper: 1 };
  const level = beta / n;
  let lo = p;
  let hi = 1;
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (bernoulliKl(p, mid) > level) hi = mid;
    else lo = mid;
  }
  const upper = lo;
  lo = 0;
  hi = p;
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (bernoulliKl(p, mid) > level) lo = mid;
    else hi = mid;
  }
  return { lower: hi, upper };
}

export interface KlLucbOptions {
  readonly delta: number;
  readonly epsilon: number;
  readonly batch: number;
  readonly maxRounds: number;
}

/**
 * The `k` arms of highest mean: each round samples the weakest-looking member of the current top k
 * (lowest lower bound) and the strongest outsider (highest upper bound), until their bounds overlap
 * by less than ε or `maxRounds` rounds. β_t = log(405.5·K·t^1.1/δ) (the Anchors paper's choice).
 */
export async function klLucb<A extends Arm>(arms: readonly A[], k: number, o: KlLucbOptions, sample: (list: readonly A[]) => Promise<void>): Promise<A[]> {
  const mean = (a: Arm) => (a.n ? a.positives / a.n : 0);
  const order = () => arms.map((a, i) => i).sort((i, j) => mean(arms[j]!) - mean(arms[i]!) || i - j);
  if (arms.length <= k) return order().map((i) => arms[i]!);
  for (let t = 1; t <= o.maxRounds; t++) {
    const idx = order();
    const top = idx.slice(0, k);
    const rest = idx.slice(k);
    const beta = Math.log((405.5 * arms.length * t ** 1.1) / o.delta);
    let lt = top[0]!;
    let lb = Infinity;
    for (const i of top) {
      const b = klBounds(mean(arms[i]!), arms[i]!.n, beta).lower;
      if (b < lb) [lb, lt] = [b, i];
    }
    let ut = rest[0]!;
    let ub = -Infinity;
    for (const i of rest) {
      const b = klBounds(mean(arms[i]!), arms[i]!.n, beta).upper;
      if (b > ub) [ub, ut] = [b, i];
    }
    if (ub - lb < o.epsilon) break;
    await sample([arms[lt]!, arms[ut]!]);
  }
  return order()
    .slice(0, k)
    .map((i) => arms[i]!);
}
