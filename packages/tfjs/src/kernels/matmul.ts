import * as tf from '@tensorflow/tfjs-core';

/**
 * Batched matmul. Leading dimensions must be equal, or one operand is rank 2 (broadcast).
 * [..., M, K] x [K, N] runs as one [(...·M), K] x [K, N] product.
 */
export function matmul(a: tf.Tensor, b: tf.Tensor, transA: boolean, transB: boolean): tf.Tensor {
  if (b.rank === 2 && a.rank > 2 && !transA) {
    const lead = a.shape.slice(0, -1);
    const k = a.shape[a.rank - 1]!;
    const out = tf.matMul(tf.reshape(a, [-1, k]) as tf.Tensor2D, b as tf.Tensor2D, false, transB);
    return tf.reshape(out, [...lead, out.shape[1]!]);
  }
  return tf.matMul(a, b, transA, transB);
}
