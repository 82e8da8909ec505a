import * as tf from '@tensorflow/tfjs-core';

/**
 * Insert (s − 1) zeros after every element along H and W of an NHWC tensor:
 * [n, h, w, c] -> [n, h·sh, w·sw, c], out[i·sh, j·sw] = x[i, j].
 */
export function upsample(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const six = tf.reshape(x, [n, h, 1, w, 1, c]);
  const padded = tf.pad(six, [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return tf.reshape(padded, [n, h * sh, w * sw, c]) as tf.Tensor4D;
}
