import * as tf from '@tensorflow/tfjs-core';

/** 1 where x > 0, else 0 (NaN -> 0). */
export function step(x: tf.Tensor): tf.Tensor {
  return tf.cast(tf.greater(x, 0), 'float32');
}
