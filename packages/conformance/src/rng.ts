/**
 * Seeded numbers for the conformance graphs and inputs, over core's bit-reproducible
 * `createRng`, so every adapter on every engine sees identical weights and inputs.
 */
import { createRng } from '@glasswing/core';

export interface SuiteRng {
  uniform(): number;
  normal(): number;
  /** `n` values drawn from `normal() * scale`. */
  normals(n: number, scale?: number): Float32Array;
  /** Integer in [0, n). */
  int(n: number): number;
}

export function suiteRng(seed: number): SuiteRng {
  const rng = createRng(seed);
  return {
    uniform: () => rng.uniform(),
    normal: () => rng.normal(),
    normals(n, scale = 1) {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = rng.normal() * scale;
      return out;
    },
    int: (n) => rng.int(n),
  };
}
