/** Data movement for the reference backend: host tensors in, host tensors out (defensive copies). */
import type { Tensor } from '../../tensor.js';
import { checkShape, checkTensor } from './util.js';

/** Copy in, so later mutation of the caller's buffer cannot change backend values. */
export function fromHost(t: Tensor): Tensor {
  checkTensor(t, 'fromHost');
  return { shape: [...t.shape], data: t.data.slice() };
}

/** Copy out, so callers may mutate the result freely. */
export function toHost(t: Tensor): Tensor {
  checkTensor(t, 'toHost');
  return { shape: [...t.shape], data: t.data.slice() };
}

export function shapeOf(t: Tensor): readonly number[] {
  return t.shape;
}

export function fill(shape: readonly number[], value: number): Tensor {
  const s = checkShape(shape, 'fill');
  let n = 1;
  for (const d of s) n *= d;
  return { shape: s, data: new Float32Array(n).fill(value) };
}
