import { describe, expect, it } from 'vitest';
import { gaussLegendre, linspaceF32, quadratureRule, QUADRATURES } from './approximation.js';
import { InvalidArgumentError } from '../../errors.js';

const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);

describe('Gauss–Legendre', () => {
  it('matches closed forms for n = 1, 2, 3', () => {
    expect(Array.from(gaussLegendre(1).nodes)).toEqual([0]);
    expect(gaussLegendre(1).weights[0]).toBeCloseTo(2, 15);
    const g2 = gaussLegendre(2);
    expect(g2.nodes[0]).toBeCloseTo(-1 / Math.sqrt(3), 15);
    expect(g2.nodes[1]).toBeCloseTo(1 / Math.sqrt(3), 15);
    expect(g2.weights[0]).toBeCloseTo(1, 15);
    const g3 = gaussLegendre(3);
    expect(g3.nodes[0]).toBeCloseTo(-Math.sqrt(3 / 5), 15);
    expect(g3.nodes[1]).toBe(0);
    expect(g3.weights[0]).toBeCloseTo(5 / 9, 15);
    expect(g3.weights[1]).toBeCloseTo(8 / 9, 15);
  });

  it('matches numpy.polynomial.legendre.leggauss values (n = 7, n = 50)', () => {
    // Values printed by numpy 1.x leggauss(7) and leggauss(50) (first three), copied here.
    const g7 = gaussLegendre(7);
    const x7 = [-0.9491079123427586, -0.7415311855993945, -0.4058451513773972, 0.0, 0.4058451513773972, 0.7415311855993945, 0.9491079123427586];
    const w7 = [0.12948496616886973, 0.27970539148927687, 0.3818300505051187, 0.4179591836734693, 0.3818300505051187, 0.27970539148927687, 0.12948496616886973];
    x7.forEach((v, i) => expect(Math.abs(g7.nodes[i]! - v)).toBeLessThan(1e-15));
    w7.forEach((v, i) => expect(Math.abs(g7.weights[i]! - v)).toBeLessThan(1e-15));
    const g50 = gaussLegendre(50);
    [-0.998866404420071, -0.9940319694320907, -0.9853540840480058].forEach((v, i) =>
      expect(Math.abs(g50.nodes[i]! - v)).toBeLessThan(1e-15),
    );
    [0.0029086225531579266, 0.006759799195744566, 0.010590548383651496].forEach((v, i) =>
      expect(Math.abs(g50.weights[i]! - v) / v).toBeLessThan(2e-12),
    );
  });

  it('integrates x^k on [0,1] exactly for k ≤ 2n − 1 and not for k = 2n', () => {
    for (const n of [1, 2, 3, 5, 10, 50]) {
      const { alphas, weights } = quadratureRule('gausslegendre', n);
      expect(alphas.every((a) => a > 0 && a < 1)).toBe(true);
      for (let k = 0; k <= 2 * n - 1; k++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += weights[i]! * alphas[i]! ** k;
        expect(Math.abs(s - 1 / (k + 1))).toBeLessThan(1e-13);
      }
      if (n > 5) continue; // the degree-2n error term is below double precision for large n
      let s = 0;
      for (let i = 0; i < n; i++) s += weights[i]! * alphas[i]! ** (2 * n);
      expect(Math.abs(s - 1 / (2 * n + 1))).toBeGreaterThan(1e-15);
    }
  });

  it('nodes ascend and are symmetric about 1/2', () => {
    const { alphas, weights } = quadratureRule('gausslegendre', 50);
    for (let i = 1; i < 50; i++) expect(alphas[i]!).toBeGreaterThan(alphas[i - 1]!);
    for (let i = 0; i < 50; i++) {
      expect(Math.abs(alphas[i]! + alphas[49 - i]! - 1)).toBeLessThan(1e-15);
      expect(weights[i]).toBe(weights[49 - i]);
    }
  });
});

describe('Riemann rules (Captum conventions)', () => {
  it('linspaceF32 yields float32 values with exact ends', () => {
    const a = linspaceF32(0, 1, 50);
    expect(a[0]).toBe(0);
    expect(a[49]).toBe(1);
    for (const v of a) expect(Math.fround(v)).toBe(v);
    for (let i = 0; i < 50; i++) expect(Math.abs(a[i]! - i / 49)).toBeLessThan(1e-7);
    // second half is computed from the end: end − step·(n−1−i)
    const step = Math.fround(1 / 49);
    expect(a[48]).toBe(Math.fround(1 - step));
    expect(a[24]).toBe(Math.fround(step * 24));
  });

  it('trapezoid: halved end weights summing to (n−1)/n', () => {
    const { alphas, weights } = quadratureRule('riemann_trapezoid', 50);
    expect(weights[0]).toBe(1 / 100);
    expect(weights[49]).toBe(1 / 100);
    expect(weights[1]).toBe(1 / 50);
    expect(sum(weights)).toBeCloseTo(49 / 50, 14);
    expect(alphas[0]).toBe(0);
    expect(alphas[49]).toBe(1);
    expect(() => quadratureRule('riemann_trapezoid', 1)).toThrow(InvalidArgumentError);
  });

  it('left / right / middle nodes and weights', () => {
    const n = 4;
    const close = (a: Float64Array, b: number[]) => b.forEach((v, i) => expect(Math.abs(a[i]! - v)).toBeLessThan(1e-7));
    close(quadratureRule('riemann_left', n).alphas, [0, 0.25, 0.5, 0.75]);
    close(quadratureRule('riemann_right', n).alphas, [0.25, 0.5, 0.75, 1]);
    close(quadratureRule('riemann_middle', n).alphas, [0.125, 0.375, 0.625, 0.875]);
    for (const m of ['riemann_left', 'riemann_right', 'riemann_middle'] as const) {
      expect(Array.from(quadratureRule(m, n).weights)).toEqual([0.25, 0.25, 0.25, 0.25]);
    }
    // middle rule integrates linear functions exactly
    const mid = quadratureRule('riemann_middle', 10);
    let s = 0;
    for (let i = 0; i < 10; i++) s += mid.weights[i]! * (3 * mid.alphas[i]! + 1);
    expect(s).toBeCloseTo(2.5, 6);
  });

  it('rejects bad steps and unknown methods', () => {
    for (const q of QUADRATURES) expect(() => quadratureRule(q, 0)).toThrow(InvalidArgumentError);
    expect(() => quadratureRule('gausslegendre', 2.5)).toThrow(InvalidArgumentError);
    expect(() => quadratureRule('simpson' as never, 5)).toThrow(/unknown quadrature/);
  });
});
