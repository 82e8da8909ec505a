/**
 * conv2d: 2-D cross-correlation without bias. NHWC runs natively (weights HWIO). NCHW runs through
 * transposes of the activations (weights OIHW -> HWIO are transposed once and cached per weight).
 * Groups: group 1 -> conv2d; one input channel per group -> depthwiseConv2d; otherwise one conv2d
 * per group, concatenated.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Conv2DParams } from '@glasswing/core';
import { explicitPad, toNCHW, toNHWC, type Pads4 } from './layout.js';
import type { WeightCache } from './weight-cache.js';

export function conv2d(cache: WeightCache, x: tf.Tensor, w: tf.Tensor, p: Conv2DParams): tf.Tensor {
  if (p.layout === 'NCHW') {
    const hwio = cache.get(w, 'hwio', () => [tf.transpose(w, [2, 3, 1, 0])])[0]!;
    return toNCHW(conv2dNHWC(cache, toNHWC(x), hwio, p));
  }
  return conv2dNHWC(cache, x as tf.Tensor4D, w, p);
}

function conv2dNHWC(cache: WeightCache, x: tf.Tensor4D, w: tf.Tensor, p: Conv2DParams): tf.Tensor4D {
  const group = p.group;
  if (group === 1) return convCore(x, w as tf.Tensor4D, p.strides, p.pads, p.dilations);
  const [kh, kw, cinG, cout] = w.shape as [number, number, number, number];
  const coutG = cout / group;
  if (cinG === 1) {
    // Depthwise: output channel g*coutG + m reads input channel g; filter [kh, kw, C, multiplier].
    const filter = tf.reshape(w, [kh, kw, group, coutG]) as tf.Tensor4D;
    return stridedDilated(p.strides, p.dilations, (s) =>
      tf.depthwiseConv2d(x, filter, s, explicitPad(p.pads), 'NHWC', [...p.dilations] as [number, number]),
    );
  }
  const ws = cache.get(w, `groups:${group}`, () => tf.split(w, group, 3));
  const xs = tf.split(x, group, 3) as tf.Tensor4D[];
  return tf.concat(
    xs.map((xg, g) => convCore(xg, ws[g] as tf.Tensor4D, p.strides, p.pads, p.dilations)),
    3,
  );
}

/** Plain NHWC conv2d with explicit pads; handles strides > 1 together with dilations > 1. */
export function convCore(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  strides: readonly [number, number],
  pads: Pads4,
  dilations: readonly [number, number],
): tf.Tensor4D {
  return stridedDilated(strides, dilations, (s) =>
    tf.conv2d(x, w, s, explicitPad(pads), 'NHWC', [...dilations] as [number, number]),
  );
}

/**
 * tfjs rejects strides > 1 combined with dilations > 1: run with stride 1 and subsample.
 */
function stridedDilated(
  strides: readonly [number, number],
  dilations: readonly [number, number],
  run: (strides: [number, number]) => tf.Tensor4D,
): tf.Tensor4D {
  const dilated = dilations[0] > 1 || dilations[1] > 1;
  const strided = strides[0] > 1 || strides[1] > 1;
  if (!(dilated && strided)) return run([strides[0], strides[1]]);
  const full = run([1, 1]);
  const [n, h, w, c] = full.shape;
  return tf.stridedSlice(full, [0, 0, 0, 0], [n, h, w, c], [1, strides[0], strides[1], 1]) as tf.Tensor4D;
}
