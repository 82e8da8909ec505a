/** maxPool: NHWC native (explicit pads; padded cells never win), NCHW through transposes. */
import * as tf from '@tensorflow/tfjs-core';
import type { Pool2DParams } from '@glasswing/core';
import { explicitPad, toNCHW, toNHWC } from './layout.js';
import { poolGeometry, tfjsPads } from './pool-geometry.js';

export function maxPool(x: tf.Tensor, p: Pool2DParams): tf.Tensor {
  if (p.layout === 'NCHW') return toNCHW(maxPoolNHWC(toNHWC(x), p));
  return maxPoolNHWC(x as tf.Tensor4D, p);
}

export function maxPoolNHWC(x: tf.Tensor4D, p: Pool2DParams): tf.Tensor4D {
  const g = poolGeometry(x.shape[1], x.shape[2], p);
  return tf.maxPool(x, [...p.kernel] as [number, number], [...p.strides] as [number, number], explicitPad(tfjsPads(p, g)));
}
