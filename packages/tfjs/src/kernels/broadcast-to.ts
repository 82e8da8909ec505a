import * as tf from '@tensorflow/tfjs-core';

export function broadcastTo(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  return tf.broadcastTo(x, [...shape]);
}
