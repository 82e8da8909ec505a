import * as tf from '@tensorflow/tfjs-core';

/** Softmax along `axis`. tfjs only supports the last axis, so other axes go through a transpose. */
export function softmax(x: tf.Tensor, axis: number): tf.Tensor {
  const rank = x.rank;
  const a = axis < 0 ? axis + rank : axis;
  if (a === rank - 1) return tf.softmax(x);
  const perm = [...Array(rank).keys()];
  perm[a] = rank - 1;
  perm[rank - 1] = a;
  return tf.transpose(tf.softmax(tf.transpose(x, perm)), perm);
}
