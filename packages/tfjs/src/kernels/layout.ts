/** Layout helpers. tfjs kernels are NHWC-native; NCHW ops run through transposes. */
import * as tf from '@tensorflow/tfjs-core';

export const toNHWC = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x as tf.Tensor4D, [0, 2, 3, 1]);
export const toNCHW = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x as tf.Tensor4D, [0, 3, 1, 2]);
/** NCHW shape -> NHWC shape. */
export const shapeToNHWC = (s: readonly number[]): [number, number, number, number] => [s[0]!, s[2]!, s[3]!, s[1]!];

export type Pads4 = readonly [number, number, number, number];

/** tfjs explicit padding for NHWC from [top, left, bottom, right]. */
export function explicitPad(pads: Pads4): [[number, number], [number, number], [number, number], [number, number]] {
  return [
    [0, 0],
    [pads[0], pads[2]],
    [pads[1], pads[3]],
    [0, 0],
  ];
}

/**
 * Pad (positive) or crop (negative) the spatial axes of an NHWC tensor by [top, left, bottom, right].
 */
export function padOrCrop(x: tf.Tensor4D, pads: Pads4): tf.Tensor4D {
  const [t, l, b, r] = pads;
  let y = x;
  if (t < 0 || l < 0 || b < 0 || r < 0) {
    const [n, h, w, c] = y.shape;
    const top = Math.max(0, -t);
    const left = Math.max(0, -l);
    y = tf.slice(y, [0, top, left, 0], [n, h - top - Math.max(0, -b), w - left - Math.max(0, -r), c]);
  }
  if (t > 0 || l > 0 || b > 0 || r > 0) {
    y = tf.pad(y, [
      [0, 0],
      [Math.max(0, t), Math.max(0, b)],
      [Math.max(0, l), Math.max(0, r)],
      [0, 0],
    ]);
  }
  return y;
}
