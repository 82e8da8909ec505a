/** Tiny analytic models for the faithfulness-metric tests (not a test file itself). */
import { fromFunction } from '../../../function-model.js';
import type { Tensor } from '../../../tensor.js';

/**
 * f(x) = [wᵀx, 0] (two outputs, so the default target — the argmax — is output 0 while wᵀx > 0),
 * computed in float64. Counts forward rows in `rows.count`.
 */
export function linearModel(w: readonly number[], inputShape: readonly number[] = [w.length]) {
  const rows = { count: 0 };
  const model = fromFunction(
    async (x: Tensor) => {
      const n = x.shape[0]!;
      const d = w.length;
      const out = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += w[j]! * x.data[i * d + j]!;
        out[i * 2] = s;
      }
      rows.count += n;
      return { shape: [n, 2], data: out };
    },
    { inputShape, outputShape: [2] },
  );
  return { model, rows };
}

export const t = (shape: number[], data: readonly number[]): Tensor => ({ shape, data: Float32Array.from(data) });
