import { describe, expect, it } from 'vitest';
import { centralDifferences, expectMatchesFiniteDifferences, seededSums } from './finite-differences.js';

// f(x) = Σ_j seed_j · y_j with y = [sin(x0)·x1, relu(x2)] — analytic gradient known.
const seed = { shape: [2, 2], data: Float32Array.of(1, 2, -1, 0.5) };
async function evaluate(points: { shape: readonly number[]; data: Float32Array }, owner: readonly number[]) {
  const rows = points.shape[0]!;
  const y = new Float32Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    const [a, b, c] = points.data.subarray(r * 3, r * 3 + 3) as unknown as [number, number, number];
    y[r * 2] = Math.sin(a) * b;
    y[r * 2 + 1] = Math.max(c, 0);
  }
  return seededSums({ shape: [rows, 2], data: y }, seed, owner);
}
function analytic(x: Float32Array) {
  const g = new Float32Array(6);
  for (let e = 0; e < 2; e++) {
    const [a, b, c] = [x[e * 3]!, x[e * 3 + 1]!, x[e * 3 + 2]!];
    const s0 = seed.data[e * 2]!;
    const s1 = seed.data[e * 2 + 1]!;
    g[e * 3] = s0 * Math.cos(a) * b;
    g[e * 3 + 1] = s0 * Math.sin(a);
    g[e * 3 + 2] = c > 0 ? s1 : 0;
  }
  return { shape: [2, 3], data: g };
}
const tol = { atol: 2e-3, rtol: 2e-2 };

describe('finite differences', () => {
  it('match an analytic gradient', async () => {
    const x = { shape: [2, 3], data: Float32Array.of(0.3, -1.2, 0.7, 1.1, 0.4, -0.9) };
    const fd = await centralDifferences(x, evaluate, { h: 3e-3, coords: [0, 1, 2], chunk: 3 });
    expect(() => expectMatchesFiniteDifferences(analytic(x.data), fd, [0, 1, 2], tol, 'g')).not.toThrow();
  });

  it('detect a wrong gradient', async () => {
    const x = { shape: [2, 3], data: Float32Array.of(0.3, -1.2, 0.7, 1.1, 0.4, -0.9) };
    const fd = await centralDifferences(x, evaluate, { h: 3e-3, coords: [0, 1, 2] });
    const g = analytic(x.data);
    g.data[4] = g.data[4]! * 1.1;
    expect(() => expectMatchesFiniteDifferences(g, fd, [0, 1, 2], tol, 'g')).toThrow(/example 1, flat index 1/);
  });

  it('skip a coordinate sitting on a kink, but refuse when too many do', async () => {
    const x = { shape: [2, 3], data: Float32Array.of(0.3, -1.2, 0.001, 1.1, 0.4, -0.001) };
    const fd = await centralDifferences(x, evaluate, { h: 3e-3, coords: [0, 1, 2] });
    expect(() => expectMatchesFiniteDifferences(analytic(x.data), fd, [0, 1, 2], tol, 'g', 0.34)).not.toThrow();
    expect(() => expectMatchesFiniteDifferences(analytic(x.data), fd, [0, 1, 2], tol, 'g', 0.1)).toThrow(/non-smooth/);
  });
});
