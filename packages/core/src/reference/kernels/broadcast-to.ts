/** broadcastTo: numpy broadcasting of one tensor to a target shape. */
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { broadcastStrides, checkShape, checkTensor, fmt, nextRow, sizeOfShape } from './util.js';

export function broadcastTo(x: Tensor, target: readonly number[]): Tensor {
  checkTensor(x, 'broadcastTo');
  const shape = checkShape(target, 'broadcastTo');
  const rank = shape.length;
  const src = x.shape;
  if (src.length > rank) throw new ShapeError(`broadcastTo: cannot broadcast ${fmt(src)} to lower-rank ${fmt(shape)}`);
  for (let i = 0; i < src.length; i++) {
    const d = src[i]!;
    const t = shape[i + rank - src.length]!;
    if (d !== t && d !== 1) throw new ShapeError(`broadcastTo: cannot broadcast ${fmt(src)} to ${fmt(shape)}`);
  }
  const n = sizeOfShape(shape);
  const o = new Float32Array(n);
  const a = x.data;
  if (n === 0) return { shape, data: o };
  if (a.length === n) {
    o.set(a);
    return { shape, data: o };
  }
  if (a.length === 1) {
    o.fill(a[0]!);
    return { shape, data: o };
  }
  const st = broadcastStrides(src, shape);
  const inner = shape[rank - 1]!;
  const is = st[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  let aOff = 0;
  for (let oOff = 0; oOff < n; oOff += inner) {
    if (is === 1) o.set(a.subarray(aOff, aOff + inner), oOff);
    else o.fill(a[aOff]!, oOff, oOff + inner);
    aOff = nextRow(idx, shape, st, aOff);
  }
  return { shape, data: o };
}
