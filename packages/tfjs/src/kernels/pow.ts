import * as tf from '@tensorflow/tfjs-core';

/** a^b with numpy broadcasting (both float32). */
export const pow = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.pow(a, b);
