import * as tf from '@tensorflow/tfjs-core';

export function slice(x: tf.Tensor, begin: readonly number[], size: readonly number[]): tf.Tensor {
  return tf.slice(x, [...begin], [...size]);
}
