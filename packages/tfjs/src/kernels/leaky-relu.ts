import * as tf from '@tensorflow/tfjs-core';

export function leakyRelu(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.leakyRelu(x, alpha);
}
