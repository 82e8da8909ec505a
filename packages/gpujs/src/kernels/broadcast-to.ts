/** numpy broadcast of x to `shape` as a strided read (stride 0 along broadcast dims). */
import { ShapeError } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { broadcastShapes, broadcastStrides, fmt } from './source.js';
import { stridedRead } from './strided.js';

export function broadcastTo(rt: GpujsRuntime, x: GpuTensor, shape: readonly number[]): GpuTensor {
  const out = broadcastShapes(x.shape, shape, 'broadcastTo');
  if (out.length !== shape.length || out.some((d, k) => d !== shape[k])) {
    throw new ShapeError(`broadcastTo: ${fmt(x.shape)} does not broadcast to ${fmt(shape)}`);
  }
  return stridedRead(rt, x, [...shape], broadcastStrides(x.shape, shape), 0);
}
