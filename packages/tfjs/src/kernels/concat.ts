import * as tf from '@tensorflow/tfjs-core';

export function concat(xs: readonly tf.Tensor[], axis: number): tf.Tensor {
  if (xs.length === 1) return tf.clone(xs[0]!);
  return tf.concat([...xs], axis);
}
