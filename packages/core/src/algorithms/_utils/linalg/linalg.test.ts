import { describe, expect, it } from 'vitest';
import { choleskyFactor, lassoGram, lassoPathOrder, ridge, solveSymmetric, WeightedStats, weightedLeastSquares } from './index.js';
import { InvalidArgumentError, NumericError } from '../../../errors.js';

describe('Cholesky', () => {
  it('solves an SPD system exactly', () => {
    // A = [[4, 2], [2, 3]], x = (1, −2) → b = (0, −4)
    const x = solveSymmetric(Float64Array.from([4, 2, 2, 3]), [0, -4], 2);
    expect(x[0]).toBeCloseTo(1, 14);
    expect(x[1]).toBeCloseTo(-2, 14);
  });

  it('rank-deficient systems get a tiny ridge (≈ minimum-norm solution)', () => {
    // A = [[1, 1], [1, 1]], b = (2, 2): minimum-norm solution (1, 1).
    const f = choleskyFactor(Float64Array.from([1, 1, 1, 1]), 2);
    expect(f.jitter).toBeGreaterThan(0);
    const x = solveSymmetric(Float64Array.from([1, 1, 1, 1]), [2, 2], 2);
    expect(x[0]).toBeCloseTo(1, 6);
    expect(x[1]).toBeCloseTo(1, 6);
    expect(() => choleskyFactor(Float64Array.from([1, Number.NaN, 0, 1]), 2)).toThrow(NumericError);
    expect(() => choleskyFactor(new Float64Array(3), 2)).toThrow(InvalidArgumentError);
  });
});

describe('weighted least squares / ridge', () => {
  it('exact line: coefficient, intercept, R² = 1', () => {
    const xs = [0, 1, 2, 3, 4];
    const fit = weightedLeastSquares(xs, 5, 1, xs.map((v) => 2 + 3 * v), [1, 2, 1, 0.5, 1]);
    expect(fit.coef[0]).toBeCloseTo(3, 12);
    expect(fit.intercept).toBeCloseTo(2, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
  });

  it('ridge, one feature: β = Sxy / (Sxx + α) on weighted-centred data; weight 2 = a duplicated row', () => {
    const xs = [0, 1, 3];
    const ys = [1, 0, 4];
    const w = [1, 2, 1];
    const fit = weightedLeastSquares(xs, 3, 1, ys, w, { alpha: 0.5 });
    const sw = 4, mx = (0 + 2 + 3) / sw, my = (1 + 0 + 4) / sw;
    const sxx = (0 - mx) ** 2 + 2 * (1 - mx) ** 2 + (3 - mx) ** 2;
    const sxy = (0 - mx) * (1 - my) + 2 * (1 - mx) * (0 - my) + (3 - mx) * (4 - my);
    expect(fit.coef[0]).toBeCloseTo(sxy / (sxx + 0.5), 12);
    expect(fit.intercept).toBeCloseTo(my - (sxy / (sxx + 0.5)) * mx, 12);
    const dup = weightedLeastSquares([0, 1, 1, 3], 4, 1, [1, 0, 0, 4], [1, 1, 1, 1], { alpha: 0.5 });
    expect(dup.coef[0]).toBeCloseTo(fit.coef[0]!, 12);
    expect(dup.r2).toBeCloseTo(fit.r2, 12);
  });

  it('shifted statistics give the same fit; subsets and no-intercept fits', () => {
    const X = [1, 2, 3, 1, 0, 5, 2, 2, 9, 4, 1, 0];
    const y = [1, 5, 3, 7];
    const w = [1, 0.5, 2, 1];
    const a = weightedLeastSquares(X, 4, 3, y, w, { alpha: 0.1 });
    const st = new WeightedStats(3, [10, -3, 2], 100);
    for (let r = 0; r < 4; r++) st.add(X, r * 3, y[r]!, w[r]!);
    const b = ridge(st, { alpha: 0.1 });
    for (let j = 0; j < 3; j++) expect(b.coef[j]).toBeCloseTo(a.coef[j]!, 9);
    expect(b.intercept).toBeCloseTo(a.intercept, 8);
    expect(b.r2).toBeCloseTo(a.r2, 9);
    const sub = weightedLeastSquares(X, 4, 3, y, w, { subset: [1] });
    expect(sub.coef[0]).toBe(0);
    expect(sub.coef[2]).toBe(0);
    const through = weightedLeastSquares([1, 2, 3], 3, 1, [2, 4, 6], [1, 1, 1], { intercept: false });
    expect(through.coef[0]).toBeCloseTo(2, 12);
    expect(() => ridge(st, { alpha: 0, intercept: false })).toThrow(InvalidArgumentError);
    expect(() => ridge(new WeightedStats(1), { alpha: 1 })).toThrow(NumericError);
  });
});

describe('lasso', () => {
  it('orthonormal design: soft thresholding; path order by |c|', () => {
    const g = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const c = [3, -0.5, -2];
    expect(Array.from(lassoGram(g, c, 3, 1))).toEqual([2, 0, -1]);
    expect(lassoPathOrder(g, c, 3)).toEqual([0, 2, 1]);
  });

  it('correlated design converges to the KKT point', () => {
    const g = Float64Array.from([2, 1, 1, 2]);
    const c = [3, 1];
    const b = lassoGram(g, c, 2, 0.1);
    // KKT: (c − G b)_j = λ·sign(b_j) for active j, |·| ≤ λ otherwise.
    for (let j = 0; j < 2; j++) {
      const r = c[j]! - (g[j * 2]! * b[0]! + g[j * 2 + 1]! * b[1]!);
      if (b[j] !== 0) expect(r).toBeCloseTo(0.1 * Math.sign(b[j]!), 8);
      else expect(Math.abs(r)).toBeLessThanOrEqual(0.1 + 1e-9);
    }
  });
});
