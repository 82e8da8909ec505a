/**
 * Central finite differences through forward calls — the explicit, opt-in gradient fallback for
 * forward-only ONNX models (`finiteDifferenceFallback: true`). For each example and input element
 * e_i: g_i = seed · (f(x + h·e_i) − f(x − h·e_i)) / (2h), h = step · max(1, |x_i|), using the
 * float32-rounded step actually taken. Costs 2·inputSize forward rows per example (batched);
 * accuracy ≈ step² (truncation) + ε_f32·|f|/step (rounding), i.e. ~1e-4 relative by default.
 */
import { throwIfAborted, type Tensor } from '@glasswing/core';

export interface FiniteDifferenceOptions {
  /** Relative step (default 1e-3). */
  readonly step?: number;
  /** Rows per forward call. */
  readonly maxBatch: number;
  readonly signal?: AbortSignal;
}

export async function finiteDifferenceGradient(
  forward: (x: Tensor) => Promise<Tensor>,
  x: Tensor,
  seed: Tensor,
  options: FiniteDifferenceOptions,
): Promise<Tensor> {
  const n = x.shape[0]!;
  const d = x.data.length / n;
  const per = seed.data.length / n;
  const rel = options.step ?? 1e-3;
  const total = n * d; // pairs
  const grad = new Float32Array(x.data.length);
  const pairsPerCall = Math.max(1, Math.floor(options.maxBatch / 2));
  for (let start = 0; start < total; start += pairsPerCall) {
    throwIfAborted(options.signal);
    const count = Math.min(pairsPerCall, total - start);
    const rows = new Float32Array(2 * count * d);
    const steps = new Float64Array(count);
    for (let j = 0; j < count; j++) {
      const flat = start + j;
      const ex = Math.floor(flat / d);
      const i = flat % d;
      const v = x.data[ex * d + i]!;
      const h = rel * Math.max(1, Math.abs(v));
      const plus = rows.subarray(2 * j * d, (2 * j + 1) * d);
      const minus = rows.subarray((2 * j + 1) * d, (2 * j + 2) * d);
      plus.set(x.data.subarray(ex * d, (ex + 1) * d));
      minus.set(plus);
      plus[i] = v + h;
      minus[i] = v - h;
      steps[j] = plus[i]! - minus[i]!;
    }
    const y = await forward({ shape: [2 * count, ...x.shape.slice(1)], data: rows });
    for (let j = 0; j < count; j++) {
      const flat = start + j;
      const ex = Math.floor(flat / d);
      let s = 0;
      for (let o = 0; o < per; o++) s += seed.data[ex * per + o]! * (y.data[2 * j * per + o]! - y.data[(2 * j + 1) * per + o]!);
      grad[flat] = s / steps[j]!;
    }
  }
  return { shape: [...x.shape], data: grad };
}
