import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { referenceKernels as k } from '../index.js';

const t = (data: number[], shape: number[]): Tensor => ({ shape, data: Float32Array.from(data) });
const arr = (x: Tensor): number[] => Array.from(x.data);
const iota = (shape: number[]): Tensor => {
  const n = shape.reduce((p, d) => p * d, 1);
  return t(Array.from({ length: n }, (_, i) => i), shape);
};
/** Row-major multi-index -> flat offset. */
const flat = (shape: readonly number[], idx: number[]) => idx.reduce((off, v, i) => off * shape[i]! + v, 0);
/** All multi-indices of a shape in row-major order. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((p, d) => p * d, 1);
  for (let f = 0; f < n; f++) {
    const idx: number[] = [];
    let r = f;
    for (let i = shape.length - 1; i >= 0; i--) {
      idx[i] = r % shape[i]!;
      r = Math.floor(r / shape[i]!);
    }
    yield idx;
  }
}

describe('reference data movement', () => {
  it('fromHost / toHost copy, so later mutation cannot leak', () => {
    const h = t([1, 2, 3], [3]);
    const b = k.fromHost(h);
    h.data[0] = 99;
    expect(arr(b)).toEqual([1, 2, 3]);
    const back = k.toHost(b);
    back.data[1] = 42;
    expect(arr(b)).toEqual([1, 2, 3]);
    expect(k.shape(b)).toEqual([3]);
  });
  it('fill', () => {
    const f = k.fill([2, 2], 7);
    expect(f.shape).toEqual([2, 2]);
    expect(arr(f)).toEqual([7, 7, 7, 7]);
    expect(arr(k.fill([], 3))).toEqual([3]);
    expect(() => k.fill([2, -1], 0)).toThrow(ShapeError);
  });
});

describe('reference reshape', () => {
  it('keeps the data order', () => {
    const r = k.reshape(iota([2, 3]), [3, 1, 2]);
    expect(r.shape).toEqual([3, 1, 2]);
    expect(arr(r)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(k.reshape(t([4], [1]), []).shape).toEqual([]);
  });
  it('validates the size and rejects placeholders', () => {
    expect(() => k.reshape(iota([2, 3]), [4, 2])).toThrow(ShapeError);
    expect(() => k.reshape(iota([2, 3]), [-1, 3])).toThrow(ShapeError);
  });
});

describe('reference transpose', () => {
  it('2-D hand example', () => {
    const r = k.transpose(iota([2, 3]), [1, 0]);
    expect(r.shape).toEqual([3, 2]);
    expect(arr(r)).toEqual([0, 3, 1, 4, 2, 5]);
  });
  // Both loop orders: gather along output rows (identity) and scatter along the longer input rows (the rest).
  for (const perm of [[0, 1, 2, 3], [0, 2, 3, 1], [0, 3, 1, 2], [3, 2, 1, 0], [2, 0, 3, 1], [3, 2, 0, 1]]) {
    it(`4-D perm [${perm.join(',')}] matches out[i] = x[i permuted]`, () => {
      const shape = [2, 3, 4, 5];
      const x = iota(shape);
      const r = k.transpose(x, perm);
      expect(r.shape).toEqual(perm.map((p) => shape[p]));
      for (const oi of indices(r.shape)) {
        const xi = new Array<number>(4);
        perm.forEach((p, i) => (xi[p] = oi[i]!));
        expect(r.data[flat(r.shape, oi)]).toBe(x.data[flat(shape, xi)]);
      }
    });
  }
  it('rejects a non-permutation', () => {
    expect(() => k.transpose(iota([2, 3]), [0, 0])).toThrow(ShapeError);
    expect(() => k.transpose(iota([2, 3]), [0])).toThrow(ShapeError);
  });
});

describe('reference concat', () => {
  it('along axis 0, 1 and -1', () => {
    const a = iota([2, 2]);
    const b = t([10, 11, 12, 13, 14, 15], [2, 3]);
    const c1 = k.concat([a, b], 1);
    expect(c1.shape).toEqual([2, 5]);
    expect(arr(c1)).toEqual([0, 1, 10, 11, 12, 2, 3, 13, 14, 15]);
    expect(arr(k.concat([a, b], -1))).toEqual(arr(c1));
    const c0 = k.concat([a, t([7, 8], [1, 2])], 0);
    expect(c0.shape).toEqual([3, 2]);
    expect(arr(c0)).toEqual([0, 1, 2, 3, 7, 8]);
  });
  it('three inputs along a middle axis', () => {
    const r = k.concat([iota([2, 1, 2]), t([5, 6, 7, 8], [2, 1, 2]), iota([2, 1, 2])], 1);
    expect(r.shape).toEqual([2, 3, 2]);
    expect(arr(r)).toEqual([0, 1, 5, 6, 0, 1, 2, 3, 7, 8, 2, 3]);
  });
  it('rejects mismatched shapes', () => {
    expect(() => k.concat([iota([2, 2]), iota([3, 3])], 0)).toThrow(ShapeError);
    expect(() => k.concat([], 0)).toThrow(ShapeError);
    expect(() => k.concat([iota([2])], 1)).toThrow(ShapeError);
  });
});

describe('reference slice', () => {
  it('3-D window matches indexing', () => {
    const shape = [3, 4, 5];
    const x = iota(shape);
    const r = k.slice(x, [1, 1, 2], [2, 2, 3]);
    expect(r.shape).toEqual([2, 2, 3]);
    for (const oi of indices(r.shape)) {
      expect(r.data[flat(r.shape, oi)]).toBe(x.data[flat(shape, [oi[0]! + 1, oi[1]! + 1, oi[2]! + 2])]);
    }
  });
  it('size -1 runs to the end', () => {
    expect(arr(k.slice(iota([2, 3]), [0, 1], [-1, -1]))).toEqual([1, 2, 4, 5]);
  });
  it('rejects out-of-bounds windows', () => {
    expect(() => k.slice(iota([2, 3]), [1, 0], [2, 3])).toThrow(ShapeError);
    expect(() => k.slice(iota([2, 3]), [0], [1])).toThrow(ShapeError);
  });
});

describe('reference broadcastTo', () => {
  it('[3] -> [2, 3], [2, 1] -> [2, 3], scalar -> [2, 2]', () => {
    expect(arr(k.broadcastTo(t([1, 2, 3], [3]), [2, 3]))).toEqual([1, 2, 3, 1, 2, 3]);
    expect(arr(k.broadcastTo(t([1, 2], [2, 1]), [2, 3]))).toEqual([1, 1, 1, 2, 2, 2]);
    expect(arr(k.broadcastTo(t([4], []), [2, 2]))).toEqual([4, 4, 4, 4]);
  });
  it('[1, 3, 1] -> [2, 3, 2] matches indexing', () => {
    const r = k.broadcastTo(t([1, 2, 3], [1, 3, 1]), [2, 3, 2]);
    expect(arr(r)).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
  });
  it('rejects incompatible targets', () => {
    expect(() => k.broadcastTo(t([1, 2], [2]), [3])).toThrow(ShapeError);
    expect(() => k.broadcastTo(t([1, 2], [2, 1]), [2])).toThrow(ShapeError);
  });
});
