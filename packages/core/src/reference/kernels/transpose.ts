/** transpose by an arbitrary permutation: out.shape[i] = x.shape[perm[i]]. */
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, fmt, nextRow, stridesOf } from './util.js';

export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  checkTensor(x, 'transpose');
  const rank = x.shape.length;
  if (!Array.isArray(perm) || perm.length !== rank) {
    throw new ShapeError(`transpose: permutation [${String(perm)}] does not match rank ${rank} of ${fmt(x.shape)}`);
  }
  const seen = new Array<boolean>(rank).fill(false);
  for (const p of perm) {
    if (!Number.isInteger(p) || p < 0 || p >= rank || seen[p]) {
      throw new ShapeError(`transpose: [${perm.join(', ')}] is not a permutation of 0..${rank - 1}`);
    }
    seen[p] = true;
  }
  const shape = perm.map((p) => x.shape[p]!);
  const a = x.data;
  const n = a.length;
  const o = new Float32Array(n);
  if (n === 0 || rank === 0) {
    o.set(a);
    return { shape, data: o };
  }
  const idx = new Array<number>(rank).fill(0);
  if (shape[rank - 1]! >= x.shape[rank - 1]!) {
    // Gather along the output's rows (contiguous writes).
    const xs = stridesOf(x.shape);
    const st = perm.map((p) => xs[p]!); // input stride per output dim
    const inner = shape[rank - 1]!;
    const is = st[rank - 1]!;
    let aOff = 0;
    for (let oOff = 0; oOff < n; oOff += inner) {
      for (let i = 0; i < inner; i++) o[oOff + i] = a[aOff + i * is]!;
      aOff = nextRow(idx, shape, st, aOff);
    }
  } else {
    // Scatter along the input's rows (contiguous reads), when those are the longer ones: a
    // weight HWIO → OIHW has output rows of kw (1–3) values and input rows of O.
    const os = stridesOf(shape);
    const st = x.shape.map((_, d) => os[perm.indexOf(d)]!); // output stride per input dim
    const inner = x.shape[rank - 1]!;
    const ws = st[rank - 1]!;
    let oOff = 0;
    for (let aOff = 0; aOff < n; aOff += inner) {
      for (let i = 0; i < inner; i++) o[oOff + i * ws] = a[aOff + i]!;
      oOff = nextRow(idx, x.shape, st, oOff);
    }
  }
  return { shape, data: o };
}
