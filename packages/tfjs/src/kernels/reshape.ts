import * as tf from '@tensorflow/tfjs-core';

export function reshape(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  return tf.reshape(x, [...shape]);
}
