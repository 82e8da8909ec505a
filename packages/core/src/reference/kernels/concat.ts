/** concat along one axis; all other dimensions must match. */
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, fmt, normAxis, sizeOfShape } from './util.js';

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs === null || typeof xs !== 'object' || xs.length === 0) throw new ShapeError('concat: needs at least one tensor');
  xs.forEach((t, i) => checkTensor(t, `concat (input ${i})`));
  const first = xs[0]!.shape;
  const rank = first.length;
  const ax = normAxis(axis, rank, 'concat');
  let total = 0;
  for (const t of xs) {
    const s = t.shape;
    if (s.length !== rank || s.some((d, i) => i !== ax && d !== first[i])) {
      throw new ShapeError(`concat: cannot concatenate ${fmt(s)} with ${fmt(first)} along axis ${ax}`);
    }
    total += s[ax]!;
  }
  const shape = [...first];
  shape[ax] = total;
  const outer = sizeOfShape(first.slice(0, ax));
  const inner = sizeOfShape(first.slice(ax + 1));
  const o = new Float32Array(sizeOfShape(shape));
  const rowOut = total * inner;
  let colOff = 0;
  for (const t of xs) {
    const w = t.shape[ax]! * inner;
    const a = t.data;
    for (let p = 0; p < outer; p++) o.set(a.subarray(p * w, (p + 1) * w), p * rowOut + colOff);
    colOff += w;
  }
  return { shape, data: o };
}
