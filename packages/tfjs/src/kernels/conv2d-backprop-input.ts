/**
 * conv2dBackpropInput as a FORWARD conv2d: the output gradient (zero-upsampled by the stride) is
 * correlated with the spatially flipped filter whose in/out channels are swapped. The forward
 * conv path is much faster than tfjs's Conv2DBackpropInput kernels (XNNPACK on wasm), and the
 * flipped filter is cached per persistent weight tensor. Weight gradients are never computed.
 *
 * Derivation (one spatial axis): y[o] = Σ_k x[o·s − t + k·d] w[k]. With dyd the stride-upsampled
 * dy (dyd[o·s] = dy[o]), dx[i] = Σ_k' dyd[i − P + k'·d] wflip[k'] with P = (K−1)·d − t, i.e. a
 * stride-1 correlation with begin padding P and end padding H − L − P + (K−1)·d (negative = crop).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Conv2DParams } from '@glasswing/core';
import { convCore } from './conv2d.js';
import { explicitPad, padOrCrop, shapeToNHWC, toNCHW, toNHWC } from './layout.js';
import { upsample } from './upsample.js';
import type { WeightCache } from './weight-cache.js';

export function conv2dBackpropInput(
  cache: WeightCache,
  dy: tf.Tensor,
  w: tf.Tensor,
  inputShape: readonly number[],
  p: Conv2DParams,
): tf.Tensor {
  const group = p.group;
  const perGroupIn = p.layout === 'NCHW' ? w.shape[1]! : w.shape[2]!;
  if (group > 1 && perGroupIn === 1) {
    // Depthwise (one input channel per group): one depthwise conv of dy with the flipped filter,
    // then the channel multiplier summed (not one conv per channel, thousands in MobileNets).
    const filter = cache.get(w, `bwd:${p.layout}:depthwise`, () => {
      const hwio = p.layout === 'NCHW' ? tf.transpose(w, [2, 3, 1, 0]) : w; // [kh, kw, 1, C·m]
      const [kh, kw, , cm] = hwio.shape as [number, number, number, number];
      return [tf.reshape(tf.reverse(hwio, [0, 1]), [kh, kw, cm, 1])];
    })[0]!;
    const dyN = p.layout === 'NCHW' ? toNHWC(dy) : (dy as tf.Tensor4D);
    const shape = p.layout === 'NCHW' ? shapeToNHWC(inputShape) : inputShape;
    const dx = depthwiseBackpropNHWC(dyN, filter as tf.Tensor4D, shape, group, p);
    return p.layout === 'NCHW' ? toNCHW(dx) : dx;
  }
  if (p.layout === 'NCHW') {
    // OIHW [O, I/g, kh, kw] -> per group [kh, kw, O/g, I/g], flipped.
    const flipped = cache.get(w, `bwd:NCHW:${group}`, () =>
      tf.split(w, group, 0).map((wg) => tf.reverse(tf.transpose(wg, [2, 3, 0, 1]), [0, 1])),
    );
    return toNCHW(backpropNHWC(toNHWC(dy), flipped, shapeToNHWC(inputShape), p));
  }
  // HWIO [kh, kw, I/g, O] -> per group [kh, kw, O/g, I/g], flipped.
  const flipped = cache.get(w, `bwd:NHWC:${group}`, () =>
    tf.split(w, group, 3).map((wg) => tf.reverse(tf.transpose(wg, [0, 1, 3, 2]), [0, 1])),
  );
  return backpropNHWC(dy as tf.Tensor4D, flipped, inputShape, p);
}

/** Stride-1 correlation geometry of the input gradient (see the derivation above). */
function geometry(dy: tf.Tensor4D, kh: number, kw: number, inputShape: readonly number[], p: Conv2DParams) {
  const [, h, w] = inputShape as [number, number, number, number];
  const [sh, sw] = p.strides;
  const [dh, dwl] = p.dilations;
  const up = upsample(dy, sh, sw);
  const lh = up.shape[1];
  const lw = up.shape[2];
  const pt = (kh - 1) * dh - p.pads[0];
  const pl = (kw - 1) * dwl - p.pads[1];
  const pb = h - lh - pt + (kh - 1) * dh;
  const pr = w - lw - pl + (kw - 1) * dwl;
  // Negative pads crop; the conv itself then sees non-negative padding only.
  const src = padOrCrop(up, [Math.min(pt, 0), Math.min(pl, 0), Math.min(pb, 0), Math.min(pr, 0)]);
  const pads = [Math.max(pt, 0), Math.max(pl, 0), Math.max(pb, 0), Math.max(pr, 0)] as const;
  return { src, pads, dil: [dh, dwl] as const };
}

function depthwiseBackpropNHWC(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: readonly number[], group: number, p: Conv2DParams): tf.Tensor4D {
  const [kh, kw, cm] = filter.shape as [number, number, number, number];
  const { src, pads, dil } = geometry(dy, kh, kw, inputShape, p);
  const perOut = tf.depthwiseConv2d(src, filter, [1, 1], explicitPad(pads), 'NHWC', [dil[0], dil[1]]);
  const m = cm / group;
  if (m === 1) return perOut;
  const [n, h, w] = perOut.shape;
  return tf.sum(tf.reshape(perOut, [n, h, w, group, m]), 4) as tf.Tensor4D;
}

function backpropNHWC(
  dy: tf.Tensor4D,
  flipped: readonly tf.Tensor[],
  inputShape: readonly number[],
  p: Conv2DParams,
): tf.Tensor4D {
  const kh = flipped[0]!.shape[0]!;
  const kw = flipped[0]!.shape[1]!;
  const { src, pads, dil } = geometry(dy, kh, kw, inputShape, p);
  if (flipped.length === 1 && flipped[0]!.shape[3] === 1) {
    // One input channel (a first conv layer): a depthwise conv + channel sum is ~2x faster than a
    // conv with a single output channel (XNNPACK wastes most of its tile there).
    const f = flipped[0] as tf.Tensor4D; // [kh, kw, O, 1] is also the depthwise layout
    const perChannel = tf.depthwiseConv2d(src, f, [1, 1], explicitPad(pads), 'NHWC', [dil[0], dil[1]]);
    return tf.sum(perChannel, 3, true) as tf.Tensor4D;
  }
  if (flipped.length === 1) return convCore(src, flipped[0] as tf.Tensor4D, [1, 1], pads, dil);
  const parts = tf.split(src, flipped.length, 3) as tf.Tensor4D[];
  return tf.concat(
    parts.map((part, g) => convCore(part, flipped[g] as tf.Tensor4D, [1, 1], pads, dil)),
    3,
  );
}
