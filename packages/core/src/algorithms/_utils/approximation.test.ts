import { describe, expect, it } from 'vitest';
import { gaussLegendre, lazyQuadratureRule, linspaceF32, quadratureRule, QUADRATURES } from './approximation.js';
import { legendreRoots, RECURRENCE_MAX_N } from './gauss-legendre.js';
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

/**
 * The pre-O(n) algorithm, kept here as the independent check of the large-n path: Newton on Pₙ
 * evaluated by the three-term recurrence from x₀ = cos(π(i + ¾)/(n + ½)), O(n) per evaluation.
 */
function recurrenceGaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const legendre = (x: number): [number, number] => {
    let p0 = 1;
    let p1 = x;
    for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
    return [p1, (n * (x * p1 - p0)) / (x * x - 1)];
  };
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.floor((n + 1) / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let iter = 0; iter < 100; iter++) {
      const [p, d] = legendre(x);
      x -= p / d;
      if (Math.abs(p / d) <= 1e-16) break;
    }
    const dp = legendre(x)[1];
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = weights[n - 1 - i] = 2 / ((1 - x * x) * dp * dp);
  }
  if (n % 2 === 1) nodes[(n - 1) / 2] = 0;
  return { nodes, weights };
}

describe('Gauss–Legendre for large n (O(1) per node)', () => {
  it('uses the recurrence up to 100 points and the expansion above, with a handful of polished end roots', () => {
    expect(RECURRENCE_MAX_N).toBe(100);
    expect(legendreRoots(100).boundary).toBe(50);
    for (const n of [101, 1000, 100_000, 10_000_000]) {
      const b = legendreRoots(n).boundary;
      expect(b, `n = ${n}`).toBeGreaterThan(0);
      expect(b, `n = ${n}`).toBeLessThanOrEqual(8); // independent of n: O(n) set-up in all
    }
  });

  it('equals the recurrence algorithm to 1e-14 (n = 101, 200, 1000, 1001, 5000)', () => {
    for (const n of [101, 200, 1000, 1001, 5000]) {
      const want = recurrenceGaussLegendre(n);
      const got = gaussLegendre(n);
      for (let i = 0; i < n; i++) {
        expect(Math.abs(got.nodes[i]! - want.nodes[i]!), `n = ${n}, node ${i}`).toBeLessThan(1e-14);
        expect(Math.abs(got.weights[i]! - want.weights[i]!), `n = ${n}, weight ${i}`).toBeLessThan(1e-14);
        // The recurrence loses relative precision in the end weights (x = cos θ is rounded); still ≤ 1e-9.
        expect(Math.abs(got.weights[i]! / want.weights[i]! - 1), `n = ${n}, weight ${i}`).toBeLessThan(1e-9);
      }
    }
  });

  it('matches 40-digit values at both ends and in the middle (relative 1e-14)', () => {
    // mpmath 1.3, mp.dps = 40: θ = findroot(lambda t: legendre(n, cos(t)), guess), α = sin²(θ/2),
    // w = 2 / (d/dθ legendre(n, cos θ))² / 2 (the [0, 1] weight); k counts roots from α = 0.
    const ref: Array<[number, number, number, number]> = [
      [1000, 1, 1.4443509622447150619e-6, 3.7066692082160357587e-6],
      [1000, 2, 7.610183541290837851e-6, 8.6283848868696150589e-6],
      [1000, 3, 0.000018702925819923365269, 0.000013557303282602928493],
      [1000, 6, 0.000081557034514984180055, 0.000028345253255758650396],
      [1000, 7, 0.00011236676468302634823, 0.000033274157965153934639],
      [1000, 200, 0.095168807392002749866, 0.00092143290608358204278],
      [1000, 500, 0.49921499475995840309, 0.0015700091900914338935],
      [5000, 1, 5.7820293685175176829e-8, 1.4838554262043986895e-7],
      [5000, 2, 3.046516580992416206e-7, 3.4541324128529857875e-7],
      [5000, 7, 4.4984287927901937845e-6, 1.3321271025680667159e-6],
      [5000, 2500, 0.49984293607708138296, 0.00031412783550490868894],
    ];
    for (const [n, k, alpha, weight] of ref) {
      const r = lazyQuadratureRule('gausslegendre', n);
      const lo = r.slice(k - 1, k);
      const hi = r.slice(n - k, n - k + 1);
      expect(Math.abs(lo.alphas[0]! / alpha - 1), `n = ${n}, k = ${k}`).toBeLessThan(1e-14);
      expect(Math.abs(lo.weights[0]! / weight - 1), `n = ${n}, k = ${k}`).toBeLessThan(1e-14);
      expect(Math.abs(hi.alphas[0]! - (1 - alpha)), `n = ${n}, k = ${k}`).toBeLessThan(2e-16);
      expect(hi.weights[0]).toBe(lo.weights[0]);
    }
  });

  it('weights sum to 1, nodes ascend in (0, 1) and mirror about 1/2 (n = 101 … 10⁶)', () => {
    for (const n of [101, 102, 999, 1000, 100_001, 1_000_000]) {
      const { alphas, weights } = quadratureRule('gausslegendre', n);
      let sum = 0; // Neumaier-compensated, so the test measures the weights, not the summation
      let comp = 0;
      for (let i = 0; i < n; i++) {
        const w = weights[i]!;
        const t = sum + w;
        comp += Math.abs(sum) >= Math.abs(w) ? sum - t + w : w - t + sum;
        sum = t;
        if (weights[i] !== weights[n - 1 - i]) throw new Error(`n = ${n}: w[${i}] ≠ w[${n - 1 - i}]`);
        if (Math.abs(alphas[i]! + alphas[n - 1 - i]! - 1) > 2.3e-16) throw new Error(`n = ${n}: α[${i}] + α[${n - 1 - i}] ≠ 1`);
        if (i > 0 && !(alphas[i]! > alphas[i - 1]!)) throw new Error(`n = ${n}: α not ascending at ${i}`);
      }
      expect(alphas[0]).toBeGreaterThan(0);
      expect(alphas[n - 1]).toBeLessThan(1);
      expect(Math.abs(sum + comp - 1), `n = ${n}`).toBeLessThan(1e-14);
      if (n % 2 === 1) expect(alphas[(n - 1) / 2]).toBe(0.5);
    }
  });

  it('integrates x^k exactly for k ≤ 2n − 1 (n = 101, 150, 257)', () => {
    for (const n of [101, 150, 257]) {
      const { alphas, weights } = quadratureRule('gausslegendre', n);
      for (let k = 0; k <= 2 * n - 1; k++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += weights[i]! * alphas[i]! ** k;
        expect(Math.abs(s - 1 / (k + 1)), `n = ${n}, k = ${k}`).toBeLessThan(1e-14);
      }
    }
  });

  it('integrates smooth functions to double precision at n = 10⁶ (no error growth)', () => {
    const { alphas, weights } = quadratureRule('gausslegendre', 1_000_000);
    let cos = 0;
    let rational = 0;
    for (let i = 0; i < alphas.length; i++) {
      cos += weights[i]! * Math.cos(3 * alphas[i]!);
      rational += weights[i]! / (1 + alphas[i]!);
    }
    expect(Math.abs(cos - Math.sin(3) / 3)).toBeLessThan(1e-13);
    expect(Math.abs(rational - Math.LN2)).toBeLessThan(1e-13);
  });
});

describe('lazy rules', () => {
  it('a slice equals the same indices of the whole rule, for every method', () => {
    for (const q of QUADRATURES) {
      for (const n of [2, 7, 50, 100, 101, 1000, 1001]) {
        const all = quadratureRule(q, n);
        const lazy = lazyQuadratureRule(q, n);
        expect(lazy.n).toBe(n);
        expect(lazy.method).toBe(q);
        for (const [a, b] of [[0, n], [0, 1], [n - 1, n], [Math.floor(n / 3), Math.floor((2 * n) / 3)], [5 % n, 5 % n]] as const) {
          const part = lazy.slice(a, b);
          expect(Array.from(part.alphas), `${q} n = ${n} [${a}, ${b})`).toEqual(Array.from(all.alphas.subarray(a, b)));
          expect(Array.from(part.weights), `${q} n = ${n} [${a}, ${b})`).toEqual(Array.from(all.weights.subarray(a, b)));
        }
      }
    }
  });

  it('the Riemann points are linspaceF32 and Gauss–Legendre equals gaussLegendre mapped to [0, 1]', () => {
    expect(Array.from(quadratureRule('riemann_trapezoid', 9).alphas)).toEqual(Array.from(linspaceF32(0, 1, 9)));
    expect(Array.from(quadratureRule('riemann_left', 10).alphas)).toEqual(Array.from(linspaceF32(0, 0.9, 10)));
    for (const n of [5, 100]) {
      const g = gaussLegendre(n);
      const r = quadratureRule('gausslegendre', n);
      expect(Array.from(r.alphas)).toEqual(Array.from(g.nodes, (v) => 0.5 * (1 + v)));
      expect(Array.from(r.weights)).toEqual(Array.from(g.weights, (w) => 0.5 * w));
    }
  });

  it('10⁷ points: a chunk at either end or in the middle without computing the rest', () => {
    const n = 10_000_000;
    for (const q of ['gausslegendre', 'riemann_middle'] as const) {
      const r = lazyQuadratureRule(q, n);
      const head = r.slice(0, 3);
      const tail = r.slice(n - 3, n);
      const mid = r.slice(n / 2 - 1, n / 2 + 1);
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(head.alphas[i]! + tail.alphas[2 - i]! - 1)).toBeLessThan(1e-7); // Riemann α are float32
        expect(head.weights[i]).toBeCloseTo(tail.weights[2 - i]!, 20);
      }
      expect(mid.alphas[0]!).toBeLessThanOrEqual(0.5);
      expect(mid.alphas[1]!).toBeGreaterThanOrEqual(0.5);
      if (q === 'gausslegendre') expect(Math.abs((mid.alphas[1]! - mid.alphas[0]!) / (Math.PI / (2 * n + 1)) - 1)).toBeLessThan(1e-9);
    }
    // Gauss–Legendre: the first weight ≈ 2 / (ρ² J₁(j₀,₁)²) · ½ (Bessel asymptotics), ρ = n + ½.
    const w0 = lazyQuadratureRule('gausslegendre', n).slice(0, 1).weights[0]!;
    const j01 = 2.404825557695773;
    const J1 = 0.5191474972894669; // J₁(j₀,₁)
    expect(Math.abs(w0 / (1 / ((n + 0.5) ** 2 * J1 * J1) * (j01 / Math.sin(j01 / (n + 0.5)) / (n + 0.5))) - 1)).toBeLessThan(1e-12);
  });

  it('validates like quadratureRule, and slices inside [0, n)', () => {
    expect(() => lazyQuadratureRule('gausslegendre', 0)).toThrow(InvalidArgumentError);
    expect(() => lazyQuadratureRule('riemann_trapezoid', 1)).toThrow(/steps ≥ 2/);
    expect(() => lazyQuadratureRule('simpson' as never, 5)).toThrow(/unknown quadrature/);
    const r = lazyQuadratureRule('riemann_left', 5);
    expect(() => r.slice(-1, 2)).toThrow(InvalidArgumentError);
    expect(() => r.slice(3, 6)).toThrow(InvalidArgumentError);
    expect(() => r.slice(3, 2)).toThrow(InvalidArgumentError);
    expect(() => r.slice(0.5, 2)).toThrow(InvalidArgumentError);
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
