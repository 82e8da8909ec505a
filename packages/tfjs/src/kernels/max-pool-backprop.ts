/**
 * maxPoolBackprop: each window's gradient goes to its FIRST maximal element (row-major).
 *
 * tfjs's MaxPoolGrad kernels differ on ties: the cpu backend routes to the first maximum, the
 * wasm backend to the last. For a backend that picks the last maximum, both spatial axes of the
 * input and of dy are reversed: reversing a window reverses its row-major order, so the last
 * maximum of the flipped window is the first of the original. For the windows to line up after
 * flipping, the input is first cropped/padded to exactly the extent the windows cover, and the
 * begin/end pads are swapped. Which order a backend uses is probed once per backend (a 2x2 tie).
 * NCHW via transposes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Pool2DParams } from '@glasswing/core';
import { explicitPad, padOrCrop, toNCHW, toNHWC, type Pads4 } from './layout.js';
import { maxPoolNHWC } from './max-pool.js';
import { poolGeometry } from './pool-geometry.js';

export type TieOrder = 'first' | 'last';

export function maxPoolBackprop(
  tieOrder: (backend: string) => TieOrder,
  dy: tf.Tensor,
  x: tf.Tensor,
  p: Pool2DParams,
): tf.Tensor {
  if (p.layout === 'NCHW') return toNCHW(maxPoolBackpropNHWC(tieOrder, toNHWC(dy), toNHWC(x), p));
  return maxPoolBackpropNHWC(tieOrder, dy as tf.Tensor4D, x as tf.Tensor4D, p);
}

function maxPoolBackpropNHWC(
  tieOrder: (backend: string) => TieOrder,
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  p: Pool2DParams,
): tf.Tensor4D {
  const g = poolGeometry(x.shape[1], x.shape[2], p);
  const [t, l] = p.pads;
  // Crop rows/cols no window reaches (negative cover); the window extent then ends exactly at
  // the (possibly padded) end.
  const crop: Pads4 = [0, 0, Math.min(g.coverB, 0), Math.min(g.coverR, 0)];
  const xc = padOrCrop(x, crop);
  const endB = Math.max(g.coverB, 0);
  const endR = Math.max(g.coverR, 0);
  let dx: tf.Tensor4D;
  if (tieOrder(tf.getBackend()) === 'first') {
    dx = poolGrad(dy, xc, [t, l, endB, endR], p);
  } else {
    const xf = tf.reverse(xc, [1, 2]);
    const dyf = tf.reverse(dy, [1, 2]);
    dx = tf.reverse(poolGrad(dyf, xf, [endB, endR, t, l], p), [1, 2]);
  }
  return padOrCrop(dx, [0, 0, -crop[2], -crop[3]]);
}

function poolGrad(dy: tf.Tensor4D, x: tf.Tensor4D, pads: Pads4, p: Pool2DParams): tf.Tensor4D {
  const params: Pool2DParams = { ...p, pads, ceilMode: false };
  const attrs = { filterSize: [...p.kernel], strides: [...p.strides], pad: explicitPad(pads) };
  const y = maxPoolNHWC(x, params);
  return tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs as never) as tf.Tensor4D;
}

/** Which maximum of a tied window the active backend's MaxPoolGrad kernel routes to. */
export function probeTieOrder(): TieOrder {
  return tf.tidy(() => {
    const x = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
    const y = tf.maxPool(x, 2, 2, 'valid');
    const dy = tf.ones([1, 1, 1, 1]);
    const attrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid' };
    const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs as never) as tf.Tensor;
    const v = dx.dataSync();
    return v[0] === 1 ? 'first' : 'last';
  });
}
