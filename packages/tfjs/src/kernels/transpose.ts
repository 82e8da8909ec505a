import * as tf from '@tensorflow/tfjs-core';

export function transpose(x: tf.Tensor, perm: readonly number[]): tf.Tensor {
  return tf.transpose(x, [...perm]);
}
