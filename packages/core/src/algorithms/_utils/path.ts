/**
 * Shared pieces of the path methods (integrated gradients and its layer / neuron variants,
 * conductance): points x′ + α (x − x′) of step-major rows (row r = k·N + i: example i at α_k),
 * quadrature-weighted gradient sums, and the final (x − x′) ⊙ Σ scaling with its delta.
 */
import type { Tensor } from '../../tensor.js';

/**
 * Path points for step-major rows [s, e): row r holds start_i + α_k (end_i − start_i), where
 * end_i is row i of `end` and start_i is row `startRow + i` of `start` (`per` values a row).
 */
export function pathPoints(
  end: Float32Array,
  start: Float32Array,
  startRow: number,
  n: number,
  per: number,
  alphas: Float64Array,
  s: number,
  e: number,
): Float32Array {
  const data = new Float32Array((e - s) * per);
  for (let r = s; r < e; r++) {
    const a = alphas[Math.floor(r / n)]!;
    const i = r % n;
    const o = (r - s) * per;
    const b0 = (startRow + i) * per;
    for (let j = 0; j < per; j++) {
      const b = start[b0 + j]!;
      data[o + j] = b + a * (end[i * per + j]! - b);
    }
  }
  return data;
}

/** Scaled inputs x′ + α (x − x′) for step-major rows [s, e) (row k·N + i). */
export function scaledRows(x: Tensor, baselines: Tensor, alphas: Float64Array, s: number, e: number): Tensor {
  const n = x.shape[0]!;
  const per = x.data.length / n;
  return { shape: [e - s, ...x.shape.slice(1)], data: pathPoints(x.data, baselines.data, 0, n, per, alphas, s, e) };
}

/** acc[i·per + j] += w_k · g[row r, j] for the step-major gradient rows [s, e) (float64). */
export function accumulateWeighted(
  acc: Float64Array,
  g: Float32Array,
  weights: Float64Array,
  n: number,
  per: number,
  s: number,
  e: number,
): void {
  for (let r = s; r < e; r++) {
    const w = weights[Math.floor(r / n)]!;
    const i = r % n;
    const o = (r - s) * per;
    for (let j = 0; j < per; j++) acc[i * per + j] += w * g[o + j]!;
  }
}

/**
 * attr = (end − start) ⊙ acc per example (start_i = row `startRow + i` of `start`), and
 * delta_i = Σ attr_i − gap(i) (gap: the explained quantity at the end minus at the start).
 */
export function pathAttributions(
  end: Float32Array,
  start: Float32Array,
  startRow: number,
  acc: Float64Array,
  n: number,
  per: number,
  gap: (i: number) => number,
): { attr: Float32Array; delta: Float64Array } {
  const attr = new Float32Array(n * per);
  const delta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < per; j++) {
      const k = i * per + j;
      const v = (end[k]! - start[(startRow + i) * per + j]!) * acc[k]!;
      attr[k] = v;
      sum += v;
    }
    delta[i] = sum - gap(i);
  }
  return { attr, delta };
}
