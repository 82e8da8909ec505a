import * as tf from '@tensorflow/tfjs-core';
import type { WeightCache } from './weight-cache.js';

/**
 * Batched matmul. Leading dimensions must be equal, or one operand is rank 2 (broadcast).
 * [..., M, K] x [K, N] runs as one [(...·M), K] x [K, N] product. A transposed persistent rank-2
 * right operand (a weight in a backward pass) is transposed once and cached: tfjs's transposed
 * matmul is ~10x slower than the plain one on wasm.
 */
export function matmul(cache: WeightCache, a: tf.Tensor, b: tf.Tensor, transA: boolean, transB: boolean): tf.Tensor {
  let right = b;
  let tB = transB;
  if (transB && b.rank === 2) {
    right = cache.get(b, 'T', () => [tf.transpose(b)])[0]!;
    tB = false;
  }
  if (right.rank === 2 && a.rank > 2 && !transA) {
    const lead = a.shape.slice(0, -1);
    const k = a.shape[a.rank - 1]!;
    const out = tf.matMul(tf.reshape(a, [-1, k]) as tf.Tensor2D, right as tf.Tensor2D, false, tB);
    return tf.reshape(out, [...lead, out.shape[1]!]);
  }
  return tf.matMul(a, right, transA, tB);
}
