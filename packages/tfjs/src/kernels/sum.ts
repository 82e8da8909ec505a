import * as tf from '@tensorflow/tfjs-core';

export function sum(x: tf.Tensor, axes: readonly number[], keepDims: boolean): tf.Tensor {
  if (axes.length === 0) return tf.clone(x);
  return tf.sum(x, [...axes], keepDims);
}
