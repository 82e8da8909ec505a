/**
 * avgPoolBackprop: dy is rescaled by kernelArea / countedCells per window (see avg-pool.ts), spread
 * uniformly over the zero-padded input with tfjs's AvgPoolGrad ('valid', where its 1/area factor
 * is exact), and the padding is cut off. NCHW via transposes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Pool2DParams } from '@glasswing/core';
import { shapeToNHWC, toNCHW, toNHWC } from './layout.js';
import { averageScale, poolGeometry, tfjsPads } from './pool-geometry.js';

export function avgPoolBackprop(dy: tf.Tensor, inputShape: readonly number[], p: Pool2DParams): tf.Tensor {
  if (p.layout === 'NCHW') return toNCHW(avgPoolBackpropNHWC(toNHWC(dy), shapeToNHWC(inputShape), p));
  return avgPoolBackpropNHWC(dy as tf.Tensor4D, inputShape, p);
}

function avgPoolBackpropNHWC(dy: tf.Tensor4D, inputShape: readonly number[], p: Pool2DParams): tf.Tensor4D {
  const [n, h, w, c] = inputShape as [number, number, number, number];
  const g = poolGeometry(h, w, p);
  const [t, l, b, r] = tfjsPads(p, g);
  const scale = averageScale(h, w, p, g);
  const scaled = scale === null ? dy : tf.mul(dy, tf.tensor4d(scale, [1, g.outH, g.outW, 1]));
  const paddedShape = [n, h + t + b, w + l + r, c] as const;
  const shapeCarrier = tf.zeros([...paddedShape]);
  const attrs = { filterSize: [...p.kernel], strides: [...p.strides], pad: 'valid' };
  const dx = tf.engine().runKernel('AvgPoolGrad', { dy: scaled, input: shapeCarrier }, attrs as never) as tf.Tensor4D;
  if (t === 0 && l === 0 && b === 0 && r === 0) return dx;
  return tf.slice(dx, [0, t, l, 0], [n, h, w, c]);
}
