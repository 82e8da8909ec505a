import * as tf from '@tensorflow/tfjs-core';

/** 1 where x > 0, else 0 (one Step kernel; NaN stays NaN, as in tfjs). */
export function step(x: tf.Tensor): tf.Tensor {
  return tf.step(x, 0);
}
