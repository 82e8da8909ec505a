import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@glasswing/core';

/** Host tensor -> tfjs float32 tensor (the data is copied; the host array stays the caller's). */
export function fromHost(t: Tensor): tf.Tensor {
  return tf.tensor(new Float32Array(t.data), [...t.shape], 'float32');
}
