/** slice: `size[i]` elements from `begin[i]` per dimension (size -1 = to the end). */
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, fmt, nextRow, sizeOfShape, stridesOf } from './util.js';

export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  checkTensor(x, 'slice');
  const rank = x.shape.length;
  if (!Array.isArray(begin) || !Array.isArray(size) || begin.length !== rank || size.length !== rank) {
    throw new ShapeError(`slice: begin [${String(begin)}] and size [${String(size)}] must both have rank ${rank} for ${fmt(x.shape)}`);
  }
  const shape = new Array<number>(rank);
  for (let d = 0; d < rank; d++) {
    const b = begin[d]!;
    const dim = x.shape[d]!;
    const s = size[d] === -1 ? dim - b : size[d]!;
    if (!Number.isInteger(b) || !Number.isInteger(s) || b < 0 || s < 0 || b + s > dim) {
      throw new ShapeError(`slice: begin [${begin.join(', ')}] size [${size.join(', ')}] is out of bounds for ${fmt(x.shape)}`);
    }
    shape[d] = s;
  }
  const n = sizeOfShape(shape);
  const o = new Float32Array(n);
  if (n === 0) return { shape, data: o };
  const a = x.data;
  if (rank === 0) {
    o[0] = a[0]!;
    return { shape, data: o };
  }
  const st = stridesOf(x.shape);
  let aOff = 0;
  for (let d = 0; d < rank; d++) aOff += begin[d]! * st[d]!;
  const inner = shape[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  for (let oOff = 0; oOff < n; oOff += inner) {
    o.set(a.subarray(aOff, aOff + inner), oOff);
    aOff = nextRow(idx, shape, st, aOff);
  }
  return { shape, data: o };
}
