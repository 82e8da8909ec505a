/** gather: select slices along one axis by a 1-D list of indices in [0, shape[axis]) (repeats allowed). */
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, fmt, normAxis, sizeOfShape } from './util.js';

export function gather(x: Tensor, indices: readonly number[], axis: number): Tensor {
  checkTensor(x, 'gather');
  const rank = x.shape.length;
  if (rank === 0) throw new ShapeError('gather: input must have rank >= 1, got a scalar');
  const ax = normAxis(axis, rank, 'gather');
  const dim = x.shape[ax]!;
  if (!Array.isArray(indices)) throw new ShapeError('gather: indices must be an array of integers');
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= dim) {
      throw new ShapeError(`gather: index ${i} is out of range [0, ${dim}) on axis ${ax} of ${fmt(x.shape)}`);
    }
  }
  const outer = sizeOfShape(x.shape.slice(0, ax));
  const inner = sizeOfShape(x.shape.slice(ax + 1));
  const shape = [...x.shape];
  shape[ax] = indices.length;
  const m = indices.length;
  const o = new Float32Array(outer * m * inner);
  const a = x.data;
  for (let p = 0; p < outer; p++) {
    for (let j = 0; j < m; j++) {
      const src = (p * dim + indices[j]!) * inner;
      o.set(a.subarray(src, src + inner), (p * m + j) * inner);
    }
  }
  return { shape, data: o };
}
