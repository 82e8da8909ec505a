import * as tf from '@tensorflow/tfjs-core';

export function fill(shape: readonly number[], value: number): tf.Tensor {
  return tf.fill([...shape], value, 'float32');
}
