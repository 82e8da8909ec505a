/** sum over a set of axes, optionally keeping reduced dimensions as size 1. */
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, nextRow, normAxis, sizeOfShape, stridesOf } from './util.js';

export function sum(x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  checkTensor(x, 'sum');
  const rank = x.shape.length;
  if (!Array.isArray(axes)) throw new ShapeError('sum: axes must be an array of integers');
  const reduced = new Array<boolean>(rank).fill(false);
  for (const ax of axes) {
    const a = normAxis(ax, rank, 'sum');
    if (reduced[a]) throw new ShapeError(`sum: axis ${ax} is repeated in [${axes.join(', ')}]`);
    reduced[a] = true;
  }
  const keptShape: number[] = [];
  const outShape: number[] = [];
  for (let d = 0; d < rank; d++) {
    const n = reduced[d] ? 1 : x.shape[d]!;
    keptShape.push(n);
    if (!reduced[d]) outShape.push(n);
    else if (keepDims) outShape.push(1);
  }
  const nOut = sizeOfShape(keptShape);
  const acc = new Float64Array(nOut);
  const a = x.data;
  const n = a.length;
  if (n > 0) {
    if (nOut === 1) {
      let s = 0;
      for (let i = 0; i < n; i++) s += a[i]!;
      acc[0] = s;
    } else if (rank > 0) {
      // Output strides per input dim (0 on reduced dims); odometer over all but the last dim.
      const ks = stridesOf(keptShape);
      const os = new Array<number>(rank);
      for (let d = 0; d < rank; d++) os[d] = reduced[d] ? 0 : ks[d]!;
      const shape = x.shape;
      const inner = shape[rank - 1]!;
      const io = os[rank - 1]!;
      const idx = new Array<number>(rank).fill(0);
      let oOff = 0;
      for (let iOff = 0; iOff < n; iOff += inner) {
        if (io === 0) {
          let s = 0;
          for (let i = 0; i < inner; i++) s += a[iOff + i]!;
          acc[oOff] += s;
        } else {
          for (let i = 0; i < inner; i++) acc[oOff + i] += a[iOff + i]!;
        }
        oOff = nextRow(idx, shape, os, oOff);
      }
    }
  }
  return { shape: outShape, data: Float32Array.from(acc) };
}
