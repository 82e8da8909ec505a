/**
 * avgPool. Computed as a 'valid' average over the explicitly zero-padded input, rescaled per
 * output position by kernelArea / countedCells (host-computed), so the result does not depend on
 * how a backend treats padding. Without padding this is a plain tfjs avgPool. NCHW via transposes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Pool2DParams } from '@glasswing/core';
import { padOrCrop, toNCHW, toNHWC } from './layout.js';
import { averageScale, poolGeometry, tfjsPads } from './pool-geometry.js';

export function avgPool(x: tf.Tensor, p: Pool2DParams): tf.Tensor {
  if (p.layout === 'NCHW') return toNCHW(avgPoolNHWC(toNHWC(x), p));
  return avgPoolNHWC(x as tf.Tensor4D, p);
}

function avgPoolNHWC(x: tf.Tensor4D, p: Pool2DParams): tf.Tensor4D {
  const [, h, w] = x.shape;
  const g = poolGeometry(h, w, p);
  const padded = padOrCrop(x, tfjsPads(p, g));
  const y = tf.avgPool(padded, [...p.kernel] as [number, number], [...p.strides] as [number, number], 'valid');
  const scale = averageScale(h, w, p, g);
  return scale === null ? y : tf.mul(y, tf.tensor4d(scale, [1, g.outH, g.outW, 1]));
}
