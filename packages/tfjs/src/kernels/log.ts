import * as tf from '@tensorflow/tfjs-core';

export const log = (x: tf.Tensor): tf.Tensor => tf.log(x);
