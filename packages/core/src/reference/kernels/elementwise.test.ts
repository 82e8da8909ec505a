import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { referenceKernels as k } from '../index.js';

const t = (data: number[], shape: number[]): Tensor => ({ shape, data: Float32Array.from(data) });
const arr = (x: Tensor): number[] => Array.from(x.data);

/** Obvious broadcasting definition: index each operand by dropping leading dims and clamping size-1 dims. */
function naiveBroadcast(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const rank = Math.max(a.shape.length, b.shape.length);
  const pad = (s: readonly number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const sa = pad(a.shape);
  const sb = pad(b.shape);
  const out = sa.map((d, i) => (d === 1 ? sb[i]! : d));
  const total = out.reduce((p, d) => p * d, 1);
  const res: number[] = [];
  const at = (x: Tensor, s: number[], idx: number[]) => {
    let off = 0;
    for (let i = 0; i < rank; i++) off = off * s[i]! + (s[i] === 1 ? 0 : idx[i]!);
    return x.data[off]!;
  };
  for (let flat = 0; flat < total; flat++) {
    const idx: number[] = [];
    let r = flat;
    for (let i = rank - 1; i >= 0; i--) {
      idx[i] = r % out[i]!;
      r = Math.floor(r / out[i]!);
    }
    res.push(f(at(a, sa, idx), at(b, sb, idx)));
  }
  return t(res, out);
}

function seq(shape: number[], start = 1): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return t(Array.from({ length: n }, (_, i) => start + i * 0.5), shape);
}

describe('reference unary kernels', () => {
  const x = t([-2, -0.5, 0, 0.5, 3], [5]);
  it('sqrt', () => {
    expect(arr(k.sqrt(k.fromHost({ shape: [4], data: Float32Array.from([0, 1, 4, 2.25]) })))).toEqual([0, 1, 2, 1.5]);
    expect(Number.isNaN(arr(k.sqrt(k.fromHost({ shape: [1], data: Float32Array.from([-1]) })))[0])).toBe(true);
  });

  it('neg / abs / exp / relu / step', () => {
    expect(arr(k.neg(x))).toEqual([2, 0.5, -0, -0.5, -3]);
    expect(arr(k.abs(x))).toEqual([2, 0.5, 0, 0.5, 3]);
    expect(arr(k.relu(x))).toEqual([0, 0, 0, 0.5, 3]);
    expect(arr(k.step(x))).toEqual([0, 0, 0, 1, 1]);
    const e = arr(k.exp(x));
    [-2, -0.5, 0, 0.5, 3].forEach((v, i) => expect(e[i]).toBeCloseTo(Math.exp(v), 5));
  });
  it('leakyRelu uses alpha on the negative side only', () => {
    expect(arr(k.leakyRelu(x, 0.1))).toEqual(arr(t([-0.2, -0.05, 0, 0.5, 3], [5])));
  });
  it('sigmoid and tanh match their definitions and saturate without NaN', () => {
    const s = arr(k.sigmoid(t([-1000, -1, 0, 2, 1000], [5])));
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo(1 / (1 + Math.E), 6);
    expect(s[2]).toBe(0.5);
    expect(s[3]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(s[4]).toBe(1);
    const th = arr(k.tanh(t([-1, 0, 0.3], [3])));
    expect(th[0]).toBeCloseTo(Math.tanh(-1), 6);
    expect(th[1]).toBe(0);
    expect(th[2]).toBeCloseTo(Math.tanh(0.3), 6);
  });
  it('keeps the shape, including scalars, and never mutates the input', () => {
    const s = t([-3], []);
    expect(k.relu(s).shape).toEqual([]);
    const before = arr(x);
    k.neg(x);
    k.relu(x);
    expect(arr(x)).toEqual(before);
  });
});

describe('reference binary kernels (numpy broadcasting)', () => {
  const ops = [
    ['add', (a: number, b: number) => a + b],
    ['sub', (a: number, b: number) => a - b],
    ['mul', (a: number, b: number) => a * b],
    ['div', (a: number, b: number) => a / b],
  ] as const;
  const cases: [number[], number[]][] = [
    [[2, 3], [2, 3]],
    [[2, 3], []],
    [[], [2, 3]],
    [[], []],
    [[2, 3], [3]],
    [[2, 1], [1, 3]],
    [[4, 1, 3], [2, 1]],
    [[1], [2, 3, 4]],
    [[2, 3, 1, 5], [3, 4, 1]],
    [[3, 1, 2], [3, 4, 2]],
    [[0, 3], [1, 3]],
  ];
  for (const [name, f] of ops) {
    for (const [sa, sb] of cases) {
      it(`${name} [${sa.join(',')}] with [${sb.join(',')}]`, () => {
        const a = seq(sa, 1);
        const b = seq(sb, 2);
        const got = (k[name] as (x: Tensor, y: Tensor) => Tensor)(a, b);
        const want = naiveBroadcast(a, b, f);
        expect(got.shape).toEqual(want.shape);
        const g = arr(got);
        arr(want).forEach((v, i) => expect(g[i]).toBeCloseTo(Math.fround(v), 5));
      });
    }
  }
  it('hand example: row + column', () => {
    const r = k.add(t([1, 2, 3], [1, 3]), t([10, 20], [2, 1]));
    expect(r.shape).toEqual([2, 3]);
    expect(arr(r)).toEqual([11, 12, 13, 21, 22, 23]);
  });
  it('throws ShapeError on incompatible shapes', () => {
    expect(() => k.add(seq([2, 3]), seq([2]))).toThrow(ShapeError);
    expect(() => k.mul(seq([4, 3]), seq([2, 3]))).toThrow(/cannot be broadcast/);
  });
  it('throws ShapeError on a tensor whose data does not match its shape', () => {
    expect(() => k.add(t([1, 2], [3]), seq([3]))).toThrow(ShapeError);
  });
});
