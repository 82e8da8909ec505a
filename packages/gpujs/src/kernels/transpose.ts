/** Axis permutation as a strided read. */
import { ShapeError } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { fmt, stridesOf } from './source.js';
import { stridedRead } from './strided.js';

export function transpose(rt: GpujsRuntime, x: GpuTensor, perm: readonly number[]): GpuTensor {
  const r = x.shape.length;
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new ShapeError(`transpose: perm [${perm.join(', ')}] is not a permutation of the axes of ${fmt(x.shape)}`);
  }
  const s = stridesOf(x.shape);
  return stridedRead(rt, x, perm.map((p) => x.shape[p]!), perm.map((p) => s[p]!), 0);
}
