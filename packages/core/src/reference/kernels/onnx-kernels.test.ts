/** log, erf, pow, pad, gather against naive definitions and known values. */
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { referenceKernels as k } from '../index.js';

const t = (data: number[], shape: number[]): Tensor => ({ shape, data: Float32Array.from(data) });
const arr = (x: Tensor): number[] => Array.from(x.data);
const iota = (shape: number[]): Tensor => {
  const n = shape.reduce((p, d) => p * d, 1);
  return t(Array.from({ length: n }, (_, i) => i + 1), shape);
};
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
const flat = (shape: readonly number[], idx: number[]) => idx.reduce((off, v, i) => off * shape[i]! + v, 0);

/** Naive constant pad: each output index maps back to input index − begin, or is `value`. */
function naivePad(x: Tensor, pads: number[], value: number): Tensor {
  const r = x.shape.length;
  const shape = x.shape.map((d, i) => pads[i]! + d + pads[i + r]!);
  const out: number[] = [];
  for (const idx of indices(shape)) {
    const src = idx.map((v, i) => v - pads[i]!);
    const inside = src.every((v, i) => v >= 0 && v < x.shape[i]!);
    out.push(inside ? x.data[flat(x.shape, src)]! : value);
  }
  return t(out, shape);
}

function naiveGather(x: Tensor, ids: number[], axis: number): Tensor {
  const shape = [...x.shape];
  shape[axis] = ids.length;
  const out: number[] = [];
  for (const idx of indices(shape)) {
    const src = [...idx];
    src[axis] = ids[idx[axis]!]!;
    out.push(x.data[flat(x.shape, src)]!);
  }
  return t(out, shape);
}

describe('reference log', () => {
  it('matches Math.log; 0 → −∞, negative → NaN', () => {
    const y = arr(k.log(t([1, Math.E, 0.25, 10, 0, -1], [6])));
    expect(y[0]).toBe(0);
    expect(y[1]).toBeCloseTo(1, 6);
    expect(y[2]).toBeCloseTo(Math.log(0.25), 6);
    expect(y[3]).toBeCloseTo(Math.log(10), 6);
    expect(y[4]).toBe(-Infinity);
    expect(Number.isNaN(y[5])).toBe(true);
  });
});

describe('reference erf', () => {
  // Values of erf from tables (Abramowitz & Stegun, table 7.1, and the known closed values).
  const table: [number, number][] = [
    [0, 0],
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [1.5, 0.9661051464753108],
    [2, 0.9953222650189527],
    [2.5, 0.999593047982555],
    [3, 0.9999779095030014],
    [4, 0.9999999845827421],
  ];
  it('matches tabulated values to float32 rounding, is odd, and saturates', () => {
    const xs = table.map(([x]) => x);
    const y = arr(k.erf(t([...xs, ...xs.map((x) => -x)], [2 * xs.length])));
    table.forEach(([, v], i) => {
      expect(y[i]).toBe(Math.fround(v));
      expect(y[i + xs.length]).toBe(Math.fround(-v));
    });
    expect(arr(k.erf(t([6, -6, 50, -Infinity, Infinity], [5])))).toEqual([1, -1, 1, -1, 1]);
    expect(Number.isNaN(arr(k.erf(t([NaN], [1])))[0])).toBe(true);
  });
  it('is accurate relative to x for tiny x (erf(x) ≈ 2x/√π)', () => {
    for (const x of [1e-3, 1e-6, 1e-12, 1e-30]) {
      const want = (2 / Math.sqrt(Math.PI)) * x * (1 - (x * x) / 3);
      const got = arr(k.erf(t([x], [1])))[0]!;
      expect(Math.abs(got - want) / want).toBeLessThan(1e-7);
    }
  });
  it('its derivative matches 2/√π·e^(−x²) by central differences across the series/fraction switch at 2', () => {
    for (const x of [0.3, 1.2, 1.999, 2.001, 3.1]) {
      const h = 1e-3;
      const fd = (arr(k.erf(t([x + h], [1])))[0]! - arr(k.erf(t([x - h], [1])))[0]!) / (2 * h);
      expect(fd).toBeCloseTo((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x), 3);
    }
  });
});

describe('reference pow', () => {
  it('broadcasts like the other binary kernels and follows Math.pow', () => {
    const a = t([1, 2, 3, 4, 0.5, 9], [2, 3]);
    const b = t([2, 0.5, -1], [3]);
    const want = [1, Math.SQRT2, 1 / 3, 16, Math.sqrt(0.5), 1 / 9].map(Math.fround);
    expect(arr(k.pow(a, b))).toEqual(want.map((v, i) => (i === 0 ? 1 : v)));
    expect(arr(k.pow(t([-2, -1.5, 0], [3]), t([3], [])))).toEqual([-8, Math.fround(-3.375), 0]);
    expect(Number.isNaN(arr(k.pow(t([-2], [1]), t([0.5], [1])))[0])).toBe(true);
  });
});

describe('reference pad', () => {
  it.each([
    [[2, 3], [1, 0, 0, 2], 0],
    [[2, 3, 4], [0, 1, 2, 1, 0, 3], -1.5],
    [[2, 3, 4], [0, -1, 1, 0, 2, -2], 0.5],
    [[2, 3, 4], [-1, 0, 0, 0, 0, -1], 0],
    [[5], [-2, -3], 0],
    [[5], [3, -4], 9],
    [[3], [-4, 2], 0],
    [[], [], 0],
  ] as [number[], number[], number][])('%j with pads %j value %f matches the naive definition', (shape, pads, value) => {
    const x = iota(shape);
    const y = k.pad(x, pads, value);
    const want = naivePad(x, pads, value);
    expect(y.shape).toEqual(want.shape);
    expect(arr(y)).toEqual(arr(want));
  });
  it('hand example: 1-D pad begin 2 end 1 with value 7', () => {
    expect(arr(k.pad(t([1, 2], [2]), [2, 1], 7))).toEqual([7, 7, 1, 2, 7]);
  });
  it('rejects wrong pads length, non-integers and over-cropping', () => {
    const x = iota([2, 3]);
    expect(() => k.pad(x, [0, 0, 0], 0)).toThrow(ShapeError);
    expect(() => k.pad(x, [0, 0.5, 0, 0], 0)).toThrow(ShapeError);
    expect(() => k.pad(x, [-2, 0, -1, 0], 0)).toThrow(/crop/);
  });
});

describe('reference gather', () => {
  it.each([
    [[5, 3], [4, 0, 0, 2], 0],
    [[2, 5, 3], [1, 4], 1],
    [[2, 5, 3], [2, 2, 0, 1], -1],
    [[2, 5, 3], [], 1],
    [[6], [5], 0],
  ] as [number[], number[], number][])('%j with indices %j on axis %i matches the naive definition', (shape, ids, axis) => {
    const x = iota(shape);
    const y = k.gather(x, ids, axis);
    const want = naiveGather(x, ids, axis < 0 ? axis + shape.length : axis);
    expect(y.shape).toEqual(want.shape);
    expect(arr(y)).toEqual(arr(want));
  });
  it('hand example: rows 2 and 0 of a 3×2 matrix', () => {
    const y = k.gather(t([1, 2, 3, 4, 5, 6], [3, 2]), [2, 0], 0);
    expect(y.shape).toEqual([2, 2]);
    expect(arr(y)).toEqual([5, 6, 1, 2]);
  });
  it('rejects out-of-range or non-integer indices, bad axes and scalars', () => {
    const x = iota([2, 3]);
    expect(() => k.gather(x, [3], 1)).toThrow(/out of range/);
    expect(() => k.gather(x, [-1], 1)).toThrow(ShapeError);
    expect(() => k.gather(x, [0.5], 0)).toThrow(ShapeError);
    expect(() => k.gather(x, [0], 2)).toThrow(ShapeError);
    expect(() => k.gather(t([1], []), [0], 0)).toThrow(ShapeError);
  });
});
