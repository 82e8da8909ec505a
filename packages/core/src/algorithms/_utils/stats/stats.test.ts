/**
 * Student's t and the two-sample t-test against closed forms and tabulated values:
 * ν = 1 is the Cauchy distribution (CDF ½ + atan(t)/π), ν = 2 has CDF ½ + t / (2√(2 + t²));
 * two-sided 5 % and 1 % critical values from standard t tables; I_x(a, b) against
 * I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a; ln Γ against factorials and Γ(½) = √π.
 * The logistic-regression SGD against an independent Newton solve of the same objective and
 * against ml-logistic-regression (an unregularised gradient-descent fit: same direction).
 */
import { describe, expect, it } from 'vitest';
import { Matrix, solve } from 'ml-matrix';
import LogisticRegression from 'ml-logistic-regression';
import { createRng } from '../../../random/prng.js';
import { InvalidArgumentError } from '../../../errors.js';
import { logGamma, regularizedIncompleteBeta, studentTCdf, studentTTwoSided, tTestIndependent } from './t-test.js';
import { fitLogisticSgd, logisticObjective } from './linear-classifier.js';

describe('t distribution', () => {
  it('ln Γ matches factorials and Γ(1/2) = √π', () => {
    for (let k = 1; k <= 15; k++) {
      let f = 1;
      for (let j = 2; j < k; j++) f *= j;
      expect(logGamma(k)).toBeCloseTo(Math.log(f), 11);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.25)).toBeCloseTo(Math.log(3.625609908221908), 11);
  });

  it('I_x(a, b) matches its closed forms', () => {
    for (const x of [0.01, 0.2, 0.5, 0.77, 0.99]) {
      for (const b of [0.5, 1, 3, 7.5]) expect(regularizedIncompleteBeta(x, 1, b)).toBeCloseTo(1 - (1 - x) ** b, 12);
      for (const a of [0.5, 2, 9]) expect(regularizedIncompleteBeta(x, a, 1)).toBeCloseTo(x ** a, 12);
      // Symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
      expect(regularizedIncompleteBeta(x, 2.5, 4) + regularizedIncompleteBeta(1 - x, 4, 2.5)).toBeCloseTo(1, 12);
    }
    expect(() => regularizedIncompleteBeta(1.5, 1, 1)).toThrow(InvalidArgumentError);
  });

  it('ν = 1 (Cauchy) and ν = 2 CDFs are exact', () => {
    for (const t of [-30, -2.5, -0.3, 0, 0.7, 4, 100]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    }
  });

  it('tabulated two-sided critical values give p = 0.05 and 0.01', () => {
    const t05: [number, number][] = [[1, 12.706], [2, 4.303], [5, 2.571], [10, 2.228], [18, 2.101], [30, 2.042], [120, 1.980]];
    for (const [df, t] of t05) expect(studentTTwoSided(t, df)).toBeCloseTo(0.05, 3);
    const t01: [number, number][] = [[3, 5.841], [10, 3.169], [18, 2.878], [60, 2.660]];
    for (const [df, t] of t01) expect(studentTTwoSided(t, df)).toBeCloseTo(0.01, 3);
    expect(studentTTwoSided(0, 7)).toBeCloseTo(1, 12);
    expect(studentTTwoSided(Infinity, 7)).toBe(0);
  });

  it('Student two-sample test: hand-computed statistic and exact ν = 2 p-value', () => {
    // a = [1, 3], b = [4, 6]: means 2, 5; pooled variance 2; t = −3 / √(2·(½ + ½)) = −3/√2.
    const r = tTestIndependent([1, 3], [4, 6]);
    const t = -3 / Math.sqrt(2);
    expect(r.statistic).toBeCloseTo(t, 12);
    expect(r.df).toBe(2);
    expect(r.pValue).toBeCloseTo(1 - Math.abs(t) / Math.sqrt(2 + t * t), 12);
    // Unequal sizes: pooled variance ((n1−1)s1² + (n2−1)s2²)/(n1+n2−2) by hand.
    const a = [0.9, 1.0, 1.0, 0.95, 1.0];
    const b = [0.4, 0.6, 0.5, 0.3, 0.7, 0.55];
    const m = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const ss = (v: number[]) => v.reduce((s, x) => s + (x - m(v)) ** 2, 0);
    const sp = (ss(a) + ss(b)) / 9;
    const th = (m(a) - m(b)) / Math.sqrt(sp * (1 / 5 + 1 / 6));
    expect(tTestIndependent(a, b).statistic).toBeCloseTo(th, 12);
    expect(tTestIndependent(a, b).pValue).toBeLessThan(0.001);
  });

  it('constant samples: equal means p = 1, different means p = 0; too few values is an error', () => {
    expect(tTestIndependent([1, 1, 1], [1, 1]).pValue).toBe(1);
    expect(tTestIndependent([1, 1, 1], [0, 0]).pValue).toBe(0);
    expect(() => tTestIndependent([1], [1, 2])).toThrow(InvalidArgumentError);
  });
});

/** Two overlapping Gaussian classes in 3-D (not separable: a finite unregularised optimum). */
function dataset(seed: number, n = 120): { rows: Float64Array[]; y: number[] } {
  const rng = createRng(seed);
  const rows: Float64Array[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2 === 0 ? 1 : -1;
    rows.push(Float64Array.from([0.8 * c + rng.normal(), -0.5 * c + rng.normal(), rng.normal() * 0.7]));
    y.push(c);
  }
  return { rows, y };
}

/** Newton's method on J(w, b) = mean log(1 + e^{−y(w·x+b)}) + α/2 ‖w‖² (independent solver). */
function newton(rows: Float64Array[], y: number[], alpha: number): { w: number[]; b: number } {
  const d = rows[0]!.length;
  let th = new Array<number>(d + 1).fill(0);
  for (let it = 0; it < 50; it++) {
    const g = new Array<number>(d + 1).fill(0);
    const H = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    rows.forEach((x, i) => {
      const xa = [...x, 1];
      const z = y[i]! * xa.reduce((s, v, j) => s + v * th[j]!, 0);
      const p = 1 / (1 + Math.exp(z));
      for (let j = 0; j <= d; j++) {
        g[j]! -= (y[i]! * p * xa[j]!) / rows.length;
        for (let k = 0; k <= d; k++) H[j]![k]! += (p * (1 - p) * xa[j]! * xa[k]!) / rows.length;
      }
    });
    for (let j = 0; j < d; j++) {
      g[j]! += alpha * th[j]!;
      H[j]![j]! += alpha;
    }
    const step = solve(new Matrix(H), Matrix.columnVector(g)).to1DArray();
    th = th.map((v, j) => v - step[j]!);
  }
  return { w: th.slice(0, d), b: th[d]! };
}

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
};

describe('logistic-regression SGD (the CAV classifier)', () => {
  it('reaches the Newton optimum of the same regularised objective', () => {
    const { rows, y } = dataset(3);
    for (const alpha of [0.01, 0.1]) {
      const opt = newton(rows, y, alpha);
      const fit = fitLogisticSgd(rows, y, createRng(1), { alpha, tol: 1e-6, maxEpochs: 2000 });
      const jOpt = logisticObjective(rows, y, opt.w, opt.b, alpha);
      const jFit = logisticObjective(rows, y, fit.weights, fit.bias, alpha);
      expect(jFit - jOpt).toBeGreaterThanOrEqual(-1e-12);
      expect(jFit - jOpt).toBeLessThan(1e-4);
      expect(cosine(fit.weights, opt.w)).toBeGreaterThan(0.999);
      // Default (Captum's) stopping: still the optimum's direction.
      const quick = fitLogisticSgd(rows, y, createRng(1), { alpha });
      expect(cosine(quick.weights, opt.w)).toBeGreaterThan(0.99);
    }
  });

  it('points where ml-logistic-regression (unregularised) points, and is seeded', () => {
    const { rows, y } = dataset(8, 200);
    const lr = new LogisticRegression({ numSteps: 3000, learningRate: 5e-3 });
    lr.train(new Matrix(rows.map((r) => [...r])), Matrix.columnVector(y.map((c) => (c > 0 ? 1 : 0))));
    const ref = (lr.classifiers[0] as unknown as { weights: Matrix }).weights.to1DArray();
    const fit = fitLogisticSgd(rows, y, createRng(4), { alpha: 1e-3, tol: 1e-6 });
    // ml-logistic-regression's weight vector has the intercept first or last depending on the build: compare the 3 feature weights.
    const refW = ref.length === 4 ? ref.slice(0, 3) : ref;
    expect(cosine(fit.weights, refW)).toBeGreaterThan(0.98);
    const again = fitLogisticSgd(rows, y, createRng(4), { alpha: 1e-3, tol: 1e-6 });
    expect(Array.from(again.weights)).toEqual(Array.from(fit.weights));
    const other = fitLogisticSgd(rows, y, createRng(5), { alpha: 1e-3, tol: 1e-6 });
    expect(Array.from(other.weights)).not.toEqual(Array.from(fit.weights));
  });
});
