/** Numerically stable softmax along one axis. */
import type { Tensor } from '../../tensor.js';
import { checkTensor, normAxis, sizeOfShape } from './util.js';

export function softmax(x: Tensor, axis: number): Tensor {
  checkTensor(x, 'softmax');
  const rank = x.shape.length;
  const ax = normAxis(axis, rank, 'softmax');
  const len = x.shape[ax]!;
  const outer = sizeOfShape(x.shape.slice(0, ax));
  const inner = sizeOfShape(x.shape.slice(ax + 1));
  const a = x.data;
  const o = new Float32Array(a.length);
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const base = p * len * inner + q;
      let m = -Infinity;
      for (let i = 0; i < len; i++) {
        const v = a[base + i * inner]!;
        if (v > m) m = v;
      }
      if (m === -Infinity) m = 0; // all -Infinity: avoid (-Inf) - (-Inf) = NaN in the shift
      let s = 0;
      for (let i = 0; i < len; i++) {
        const e = Math.exp(a[base + i * inner]! - m);
        o[base + i * inner] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let i = 0; i < len; i++) o[base + i * inner] *= inv;
    }
  }
  return { shape: [...x.shape], data: o };
}
