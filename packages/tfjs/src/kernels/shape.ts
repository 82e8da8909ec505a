import type * as tf from '@tensorflow/tfjs-core';

export function shape(t: tf.Tensor): readonly number[] {
  return t.shape;
}
