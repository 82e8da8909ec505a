/** Element-wise binary kernels with numpy broadcasting: add, sub, mul, div, pow. */
import type { Tensor } from '../../tensor.js';
import { broadcastShapes, broadcastStrides, checkTensor, sizeOfShape } from './util.js';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow';

/** o[oOff + i] = a[aOff + i*sa] (op) b[bOff + i*sb] for i < n. The switch sits outside the loop. */
function row(
  op: BinaryOp,
  o: Float32Array,
  oOff: number,
  a: Float32Array,
  aOff: number,
  sa: number,
  b: Float32Array,
  bOff: number,
  sb: number,
  n: number,
): void {
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) o[oOff + i] = a[aOff + i * sa]! + b[bOff + i * sb]!;
      break;
    case 'sub':
      for (let i = 0; i < n; i++) o[oOff + i] = a[aOff + i * sa]! - b[bOff + i * sb]!;
      break;
    case 'mul':
      for (let i = 0; i < n; i++) o[oOff + i] = a[aOff + i * sa]! * b[bOff + i * sb]!;
      break;
    case 'div':
      for (let i = 0; i < n; i++) o[oOff + i] = a[aOff + i * sa]! / b[bOff + i * sb]!;
      break;
    case 'pow':
      for (let i = 0; i < n; i++) o[oOff + i] = Math.pow(a[aOff + i * sa]!, b[bOff + i * sb]!);
      break;
  }
}

export function binary(op: BinaryOp, x: Tensor, y: Tensor): Tensor {
  checkTensor(x, `${op} (a)`);
  checkTensor(y, `${op} (b)`);
  const shape = broadcastShapes(x.shape, y.shape, op);
  const n = sizeOfShape(shape);
  const o = new Float32Array(n);
  const a = x.data;
  const b = y.data;
  if (n === 0) return { shape, data: o };
  if (a.length === n && b.length === n) {
    row(op, o, 0, a, 0, 1, b, 0, 1, n);
    return { shape, data: o };
  }
  if (a.length === n && b.length === 1) {
    row(op, o, 0, a, 0, 1, b, 0, 0, n);
    return { shape, data: o };
  }
  if (a.length === 1 && b.length === n) {
    row(op, o, 0, a, 0, 0, b, 0, 1, n);
    return { shape, data: o };
  }
  // General case: odometer over all but the last dimension, strided inner rows.
  const rank = shape.length;
  const sa = broadcastStrides(x.shape, shape);
  const sb = broadcastStrides(y.shape, shape);
  const inner = shape[rank - 1]!;
  const ia = sa[rank - 1]!;
  const ib = sb[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  let aOff = 0;
  let bOff = 0;
  for (let oOff = 0; oOff < n; oOff += inner) {
    row(op, o, oOff, a, aOff, ia, b, bOff, ib, inner);
    // advance the odometer over dims rank-2 .. 0
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      aOff += sa[d]!;
      bOff += sb[d]!;
      if (idx[d]! < shape[d]!) break;
      aOff -= sa[d]! * shape[d]!;
      bOff -= sb[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return { shape, data: o };
}

/** Factory: a broadcasting binary kernel for `op`. */
export function makeBinary(op: BinaryOp): (a: Tensor, b: Tensor) => Tensor {
  return (a, b) => binary(op, a, b);
}
