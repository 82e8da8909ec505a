/**
 * pad: constant padding with ONNX-ordered pads [b_0, …, b_{r−1}, e_0, …, e_{r−1}]; negative pads crop.
 * Output dim i = b_i + shape[i] + e_i. Each output row copies the overlapping run of one input row.
 */
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, fmt, sizeOfShape, stridesOf } from './util.js';

export function pad(x: Tensor, pads: readonly number[], value: number): Tensor {
  checkTensor(x, 'pad');
  const rank = x.shape.length;
  if (!Array.isArray(pads) || pads.length !== 2 * rank || pads.some((p) => !Number.isInteger(p))) {
    throw new ShapeError(`pad: pads [${String(pads)}] must be ${2 * rank} integers for ${fmt(x.shape)}`);
  }
  if (typeof value !== 'number') throw new ShapeError(`pad: value must be a number, got ${String(value)}`);
  const shape = x.shape.map((d, i) => pads[i]! + d + pads[i + rank]!);
  if (shape.some((d) => d < 0)) {
    throw new ShapeError(`pad: pads [${pads.join(', ')}] crop more than ${fmt(x.shape)} holds`);
  }
  const n = sizeOfShape(shape);
  const o = new Float32Array(n).fill(value);
  if (n === 0 || x.data.length === 0) return { shape, data: o };
  if (rank === 0) {
    o[0] = x.data[0]!;
    return { shape, data: o };
  }
  const xs = stridesOf(x.shape);
  const os = stridesOf(shape);
  const last = rank - 1;
  const b = pads[last]!;
  // Input columns [c0, c1) land at output columns [c0 + b, c1 + b).
  const c0 = Math.max(0, -b);
  const c1 = Math.min(x.shape[last]!, shape[last]! - b);
  if (c1 <= c0) return { shape, data: o };
  // Odometer over the output's leading dims that map inside the input.
  const idx = new Array<number>(last).fill(0);
  const total = sizeOfShape(shape.slice(0, last));
  for (let r = 0; r < total; r++) {
    let inside = true;
    let xOff = 0;
    let oOff = 0;
    for (let d = 0; d < last; d++) {
      const src = idx[d]! - pads[d]!;
      if (src < 0 || src >= x.shape[d]!) {
        inside = false;
        break;
      }
      xOff += src * xs[d]!;
      oOff += idx[d]! * os[d]!;
    }
    if (inside) o.set(x.data.subarray(xOff + c0, xOff + c1), oOff + c0 + b);
    for (let d = last - 1; d >= 0; d--) {
      idx[d]++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return { shape, data: o };
}
