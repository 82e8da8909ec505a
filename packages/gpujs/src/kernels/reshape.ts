/** Reshape: same data (row-major order is unchanged), new shape; no kernel runs. */
import { ShapeError } from '@glasswing/core';
import { GpuTensor } from '../tensor.js';
import { fmt } from './source.js';

export function reshape(x: GpuTensor, shape: readonly number[]): GpuTensor {
  const n = shape.reduce((a, d) => a * d, 1);
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || n !== x.size) {
    throw new ShapeError(`reshape: cannot reshape ${fmt(x.shape)} (${x.size} elements) to ${fmt(shape)}`);
  }
  return new GpuTensor([...shape], x.data);
}
