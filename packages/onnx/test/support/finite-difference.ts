/**
 * Test support: central finite differences of the seeded scalar <seed_b, f(x)_b> per example, computed
 * through a model's own forward (one batched call: every input element perturbed up and down in
 * every example at once, 2·D·N rows), and element-wise closeness checks that report the worst entry.
 */
import type { Model, Tensor } from '@glasswing/core';
import { expect } from 'vitest';

/**
 * d<seed_b, f(x)_b>/dx_b by central differences with step `h`, through `model.forward`. Examples
 * must be independent (no batch mixing). The actual float32 step is used as the denominator and the
 * dot products are summed in float64.
 */
export async function finiteDifferenceGradient(model: Pick<Model, 'forward'>, x: Tensor, seed: Tensor, h = 1e-2): Promise<Tensor> {
  const n = x.shape[0]!;
  const d = x.data.length / n;
  const m = seed.data.length / n;
  const rows = new Float32Array(2 * d * x.data.length);
  const steps = new Float64Array(x.data.length);
  for (let j = 0; j < d; j++) {
    for (let s = 0; s < 2; s++) {
      const base = (2 * j + s) * x.data.length;
      rows.set(x.data, base);
      for (let b = 0; b < n; b++) rows[base + b * d + j] = x.data[b * d + j]! + (s === 0 ? h : -h);
    }
    for (let b = 0; b < n; b++) steps[b * d + j] = rows[b * d + j + 2 * j * x.data.length]! - rows[b * d + j + (2 * j + 1) * x.data.length]!;
  }
  const y = await model.forward({ shape: [2 * d * n, ...x.shape.slice(1)], data: rows });
  expect(y.data.length).toBe(2 * d * n * m);
  const grad = new Float32Array(x.data.length);
  for (let j = 0; j < d; j++) {
    for (let b = 0; b < n; b++) {
      let up = 0;
      let down = 0;
      const ou = ((2 * j) * n + b) * m;
      const od = ((2 * j + 1) * n + b) * m;
      for (let k = 0; k < m; k++) {
        up += seed.data[b * m + k]! * y.data[ou + k]!;
        down += seed.data[b * m + k]! * y.data[od + k]!;
      }
      grad[b * d + j] = (up - down) / steps[b * d + j]!;
    }
  }
  return { shape: [...x.shape], data: grad };
}

/** Largest violation of |a − e| ≤ rel·|e| + abs, as a ratio (≤ 1 passes), with where it happened. */
export function worstViolation(actual: Tensor, expected: Tensor, rel: number, abs: number): { ratio: number; at: number } {
  let ratio = 0;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i]!;
    const e = expected.data[i]!;
    const r = Math.abs(a - e) / (rel * Math.abs(e) + abs);
    if (!(r <= ratio)) {
      ratio = Number.isNaN(r) ? Infinity : r;
      at = i;
    }
  }
  return { ratio, at };
}

/** Same shape and |a − e| ≤ rel·|e| + abs everywhere; the message names the worst entry. */
export function expectAllClose(actual: Tensor, expected: Tensor, rel: number, abs: number, what = ''): void {
  expect(actual.shape, what).toEqual(expected.shape);
  const { ratio, at } = worstViolation(actual, expected, rel, abs);
  expect(ratio, `${what}: worst at ${at}: ${actual.data[at]} vs ${expected.data[at]} (rel ${rel}, abs ${abs})`).toBeLessThanOrEqual(1);
}
