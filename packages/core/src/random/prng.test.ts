import { describe, expect, it } from 'vitest';
import { createRng, createRngFromState, portableLog } from './prng.js';
import { InvalidArgumentError } from '../errors.js';

/*
 * Reference values were produced by compiling the published C definition of xoshiro128**
 * (and the 32-bit SplitMix seeding described in prng.ts) with gcc, independently of this file.
 */
describe('xoshiro128** core', () => {
  it('matches the reference implementation from state {1,2,3,4}', () => {
    const rng = createRngFromState([1, 2, 3, 4]);
    const got = Array.from({ length: 6 }, () => rng.nextUint32());
    expect(got).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('matches the reference implementation after seeding', () => {
    const cases: Array<[number, number[]]> = [
      [0, [3809008728, 1133695204, 53579671, 2891528803, 139681546, 2203266335]],
      [42, [2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290]],
      [4294967295, [835879718, 1921286648, 2356205009, 1885780724, 980451116, 1053911718]],
    ];
    for (const [seed, expected] of cases) {
      const rng = createRng(seed);
      expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual(expected);
    }
    const r7 = createRng(7);
    let v = 0;
    for (let i = 0; i < 1000; i++) v = r7.nextUint32();
    expect(v).toBe(3747675409);
  });

  it('wraps seeds modulo 2^32 and rejects non-integers', () => {
    expect(createRng(-1).nextUint32()).toBe(createRng(4294967295).nextUint32());
    expect(() => createRng(0.5)).toThrow(InvalidArgumentError);
    expect(() => createRng(Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => createRngFromState([0, 0, 0, 0])).toThrow(InvalidArgumentError);
  });
});

describe('reproducibility', () => {
  it('same seed gives bit-identical uniform / normal / int streams', () => {
    const a = createRng(123);
    const b = createRng(123);
    for (let i = 0; i < 1000; i++) {
      expect(a.uniform()).toBe(b.uniform());
      expect(Object.is(a.normal(), b.normal())).toBe(true);
      expect(a.int(7)).toBe(b.int(7));
    }
  });

  it('different seeds differ', () => {
    const a = createRng(1);
    const b = createRng(2);
    const xs = Array.from({ length: 8 }, () => a.uniform());
    const ys = Array.from({ length: 8 }, () => b.uniform());
    expect(xs).not.toEqual(ys);
  });

  it('pins the first normals of seed 0 (guards against silent algorithm changes)', () => {
    const r = createRng(0);
    const first = [r.normal(), r.normal(), r.normal(), r.normal()];
    expect(first).toEqual([0.12177618600477014, 0.49342493394909925, -0.5381877552332646, 1.6753298369058043]);
    // The pair is (u·f, v·f) of one accepted point: same radius factor, so |z0/z1| = |u/v|.
    const r2 = createRng(0);
    const u = 2 * r2.uniform() - 1;
    const v = 2 * r2.uniform() - 1;
    if (u * u + v * v < 1) expect(first[0]! / first[1]!).toBeCloseTo(u / v, 12);
  });

  it('derive is position-independent and distinct per key; fork advances the parent', () => {
    const a = createRng(5);
    const d1 = a.derive(3).uniform();
    a.uniform();
    a.uniform();
    expect(a.derive(3).uniform()).toBe(d1);
    expect(a.derive(4).uniform()).not.toBe(d1);
    expect(createRng(6).derive(3).uniform()).not.toBe(d1);

    const p = createRng(9);
    const q = createRng(9);
    const f = p.fork();
    expect(p.nextUint32()).not.toBe(q.nextUint32()); // p advanced by two draws
    const q2 = createRng(9);
    q2.nextUint32();
    q2.nextUint32();
    expect(p.nextUint32()).toBe((q2.nextUint32(), q2.nextUint32()));
    expect(f.uniform()).not.toBe(createRng(9).uniform());
  });
});

describe('statistics (fixed seeds; tolerances ≈ 4–5 standard errors)', () => {
  const n = 200_000;

  it('uniform(): range, mean 1/2, variance 1/12, χ² over 20 bins', () => {
    const r = createRng(2024);
    let sum = 0;
    let sq = 0;
    const bins = new Array<number>(20).fill(0);
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) bad++;
      sum += u;
      sq += u * u;
      bins[Math.floor(u * 20)]!++;
    }
    expect(bad).toBe(0);
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4.5 * Math.sqrt(1 / 12 / n));
    // var of u² is 1/5 − 1/9 = 4/45: the variance estimate's standard error ≈ sqrt(1/180/n).
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(4.5 * Math.sqrt(1 / 180 / n));
    const e = n / 20;
    const chi2 = bins.reduce((acc, o) => acc + ((o - e) * (o - e)) / e, 0);
    expect(chi2).toBeLessThan(43.8); // χ²(19) upper 0.1% point
  });

  it('int(n): values in range, χ² uniform for n = 10 and n = 3', () => {
    for (const k of [10, 3]) {
      const r = createRng(77 + k);
      const counts = new Array<number>(k).fill(0);
      for (let i = 0; i < n; i++) counts[r.int(k)]!++;
      expect(counts.reduce((a, b) => a + b, 0)).toBe(n); // every value was an index in [0, k)
      const e = n / k;
      const chi2 = counts.reduce((acc, o) => acc + ((o - e) * (o - e)) / e, 0);
      expect(chi2).toBeLessThan(k === 10 ? 27.9 : 13.8); // χ²(k−1) upper 0.1% points
    }
    expect(() => createRng(0).int(0)).toThrow(InvalidArgumentError);
    expect(() => createRng(0).int(2.5)).toThrow(InvalidArgumentError);
    expect(createRng(0).int(1)).toBe(0);
  });

  it('normal(): mean 0, variance 1, fourth moment 3, χ² over decile bins', () => {
    const r = createRng(31337);
    let s1 = 0;
    let s2 = 0;
    let s4 = 0;
    // Deciles of N(0,1).
    const cuts = [-1.2815515655446004, -0.8416212335729143, -0.5244005127080407, -0.2533471031357997, 0, 0.2533471031357997, 0.5244005127080407, 0.8416212335729143, 1.2815515655446004];
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s1 += z;
      s2 += z * z;
      s4 += z * z * z * z;
      let b = 0;
      while (b < 9 && z >= cuts[b]!) b++;
      bins[b]!++;
    }
    expect(Number.isFinite(s4)).toBe(true);
    expect(Math.abs(s1 / n)).toBeLessThan(4.5 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(4.5 * Math.sqrt(2 / n)); // var(z²) = 2
    expect(Math.abs(s4 / n - 3)).toBeLessThan(4.5 * Math.sqrt(96 / n)); // var(z⁴) = 105 − 9
    const e = n / 10;
    const chi2 = bins.reduce((acc, o) => acc + ((o - e) * (o - e)) / e, 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it('derived streams are uncorrelated', () => {
    const a = createRng(1).derive(0);
    const b = createRng(1).derive(1);
    let sxy = 0;
    const m = 50_000;
    for (let i = 0; i < m; i++) sxy += a.normal() * b.normal();
    expect(Math.abs(sxy / m)).toBeLessThan(4.5 / Math.sqrt(m));
  });
});

describe('portableLog', () => {
  it('agrees with Math.log to ~1e-15 relative over many magnitudes', () => {
    const r = createRng(4);
    for (let i = 0; i < 5000; i++) {
      const x = r.uniform() * 2 ** (Math.floor(r.uniform() * 200) - 120) + 1e-300;
      const want = Math.log(x);
      expect(Math.abs(portableLog(x) - want)).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(want)));
    }
    expect(portableLog(1)).toBe(0);
    expect(portableLog(2)).toBeCloseTo(Math.LN2, 15);
    expect(() => portableLog(0)).toThrow(InvalidArgumentError);
    expect(() => portableLog(-1)).toThrow(InvalidArgumentError);
  });
});
