/**
 * A tiny seeded generator (mulberry32 + Box–Muller) so the conformance graphs and inputs are
 * bit-identical on every run and every adapter. Kept local: the suite must not change when
 * core's PRNG evolves.
 */
export interface SuiteRng {
  uniform(): number;
  normal(): number;
  /** `n` values drawn from `normal() * scale`. */
  normals(n: number, scale?: number): Float32Array;
  /** Integer in [0, n). */
  int(n: number): number;
}

export function suiteRng(seed: number): SuiteRng {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return {
    uniform,
    normal,
    normals(n, scale = 1) {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = normal() * scale;
      return out;
    },
    int: (n) => Math.floor(uniform() * n),
  };
}
