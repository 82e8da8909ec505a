/** Seeded random permutations (internal; shared by the permutation-based methods). */
import type { Rng } from './prng.js';

/** A uniformly random permutation of 0 … n − 1: a Fisher–Yates shuffle drawing rng.int. */
export function shuffledRange(rng: Rng, n: number): Int32Array {
  const perm = new Int32Array(n);
  for (let j = 0; j < n; j++) perm[j] = j;
  for (let j = n - 1; j > 0; j--) {
    const r = rng.int(j + 1);
    const t = perm[j]!;
    perm[j] = perm[r]!;
    perm[r] = t;
  }
  return perm;
}
