import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Pool2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { referenceKernels as k } from '../index.js';

const t = (data: number[], shape: number[]): Tensor => ({ shape, data: Float32Array.from(data) });
const arr = (x: Tensor): number[] => Array.from(x.data);

function rand(shape: number[], seed: number): Tensor {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = Math.imul(s ^ (s >>> 15), 1 | s);
    z = (z + Math.imul(z ^ (z >>> 7), 61 | z)) ^ z;
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  const n = shape.reduce((p, d) => p * d, 1);
  return t(Array.from({ length: n }, () => next() * 2 - 1), shape);
}
const dot = (a: Tensor, b: Tensor): number => a.data.reduce((s, v, i) => s + v * b.data[i]!, 0);
const toNHWC = (x: Tensor) => k.transpose(x, [0, 2, 3, 1]);
const fromNHWC = (x: Tensor) => k.transpose(x, [0, 3, 1, 2]);

const P = (over: Partial<Pool2DParams>): Pool2DParams => ({
  kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], layout: 'NCHW', ceilMode: false, countIncludePad: false, ...over,
});

/**
 * Output size by enumerating window starts st = -padBegin + i*stride. Floor mode: the window fits in
 * input + pads. Ceil mode: a last partial window is allowed if it still overlaps the padded input
 * by less than one stride, and it must start inside the input or the left pad.
 */
function outSize(size: number, kk: number, s: number, pb: number, pe: number, ceil: boolean): number {
  let n = 0;
  for (let st = -pb; ceil ? st + kk < size + pe + s && st < size : st + kk <= size + pe; st += s) n++;
  return n;
}

/** Obvious NCHW definitions: enumerate each window cell, skipping cells outside the input. */
function naivePool(x: Tensor, p: Pool2DParams, mode: 'max' | 'avg'): Tensor {
  const [N, C, H, W] = x.shape as number[];
  const Ho = outSize(H!, p.kernel[0], p.strides[0], p.pads[0], p.pads[2], p.ceilMode);
  const Wo = outSize(W!, p.kernel[1], p.strides[1], p.pads[1], p.pads[3], p.ceilMode);
  const out: number[] = [];
  for (let n = 0; n < N!; n++)
    for (let c = 0; c < C!; c++)
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++) {
          let m = -Infinity;
          let s = 0;
          let inside = 0;
          let padded = 0;
          for (let ky = 0; ky < p.kernel[0]; ky++)
            for (let kx = 0; kx < p.kernel[1]; kx++) {
              const i = oy * p.strides[0] - p.pads[0] + ky;
              const j = ox * p.strides[1] - p.pads[1] + kx;
              if (i < H! + p.pads[2] && j < W! + p.pads[3]) padded++;
              if (i < 0 || j < 0 || i >= H! || j >= W!) continue;
              const v = x.data[((n * C! + c) * H! + i) * W! + j]!;
              m = Math.max(m, v);
              s += v;
              inside++;
            }
          out.push(mode === 'max' ? m : s / (p.countIncludePad ? padded : inside));
        }
  return t(out, [N!, C!, Ho, Wo]);
}

function expectClose(got: Tensor, want: Tensor, tol = 1e-5): void {
  expect(got.shape).toEqual(want.shape);
  const g = arr(got);
  arr(want).forEach((v, i) => expect(Math.abs(g[i]! - v)).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
}

const CONFIGS: [string, Pool2DParams][] = [
  ['2x2 stride 2', P({})],
  ['3x3 stride 1 pad 1', P({ kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] })],
  ['3x2 stride [2,1] asymmetric pads', P({ kernel: [3, 2], strides: [2, 1], pads: [0, 1, 2, 0] })],
  ['2x2 stride 2 ceil mode', P({ ceilMode: true })],
  ['3x3 stride 2 pad 1 ceil mode', P({ kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true })],
  ['3x3 stride 2 pad 1 ceil mode, countIncludePad', P({ kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: true })],
  ['3x3 stride 2 pads [0,0,1,1] ceil mode, countIncludePad', P({ kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1], ceilMode: true, countIncludePad: true })],
  ['3x3 stride 2 pads [2,1,0,1] ceil mode, countIncludePad', P({ kernel: [3, 3], strides: [2, 2], pads: [2, 1, 0, 1], ceilMode: true, countIncludePad: true })],
  ['2x3 stride [1,2] pads [1,0,0,2], countIncludePad', P({ kernel: [2, 3], strides: [1, 2], pads: [1, 0, 0, 2], countIncludePad: true })],
];

describe('reference pooling: output size', () => {
  it('ceil mode adds a partial window; the last window must start inside input or left pad', () => {
    const x = rand([1, 1, 5, 5], 1);
    expect(k.maxPool(x, P({})).shape).toEqual([1, 1, 2, 2]);
    expect(k.maxPool(x, P({ ceilMode: true })).shape).toEqual([1, 1, 3, 3]);
    // 5 + 1 + 1 - 2 = 5 -> ceil(5/2) + 1 = 4, but window 3 would start at 6 - 1 = 5 (in the right pad) -> 3
    expect(k.maxPool(x, P({ pads: [1, 1, 1, 1], ceilMode: true })).shape).toEqual([1, 1, 3, 3]);
    expect(k.avgPool(rand([1, 1, 6, 7], 1), P({ kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true })).shape).toEqual([1, 1, 4, 4]);
  });
});

describe('reference maxPool / avgPool', () => {
  it('hand example: 4x4, 2x2 stride 2', () => {
    const x = t([1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16], [1, 1, 4, 4]);
    expect(arr(k.maxPool(x, P({})))).toEqual([4, 8, 12, 16]);
    expect(arr(k.avgPool(x, P({})))).toEqual([2.5, 6.5, 10.5, 14.5]);
  });
  it('ceil mode and padding divisors, by hand on [1,2,3,4,5]', () => {
    const x = t([1, 2, 3, 4, 5], [1, 1, 1, 5]);
    const row = (o: Partial<Pool2DParams>) => P({ kernel: [1, 2], strides: [1, 2], ...o });
    expect(arr(k.avgPool(x, row({ ceilMode: true })))).toEqual([1.5, 3.5, 5]);
    // the window past the end is never counted, even with countIncludePad
    expect(arr(k.avgPool(x, row({ ceilMode: true, countIncludePad: true })))).toEqual([1.5, 3.5, 5]);
    expect(arr(k.avgPool(x, row({ pads: [0, 1, 0, 1] })))).toEqual([1, 2.5, 4.5]);
    expect(arr(k.avgPool(x, row({ pads: [0, 1, 0, 1], countIncludePad: true })))).toEqual([0.5, 2.5, 4.5]);
    expect(arr(k.maxPool(x, row({ ceilMode: true })))).toEqual([2, 4, 5]);
  });
  it('padded cells never win a max', () => {
    const x = t([-5, -4, -3, -2], [1, 1, 2, 2]);
    expect(arr(k.maxPool(x, P({ strides: [1, 1], pads: [1, 1, 1, 1] })))).toEqual([-5, -4, -4, -3, -2, -2, -3, -2, -2]);
  });
  for (const [name, p] of CONFIGS) {
    it(`${name}: both layouts match the naive definition`, () => {
      const x = rand([2, 3, 7, 6], 5);
      for (const mode of ['max', 'avg'] as const) {
        const f = mode === 'max' ? k.maxPool : k.avgPool;
        const want = naivePool(x, p, mode);
        expectClose(f(x, p), want);
        expectClose(fromNHWC(f(toNHWC(x), { ...p, layout: 'NHWC' })), want);
      }
    });
  }
});

describe('reference maxPoolBackprop', () => {
  it('routes a tied window to its first maximum only', () => {
    const x = t([3, 3, 1, 3], [1, 1, 2, 2]);
    expect(arr(k.maxPoolBackprop(t([1], [1, 1, 1, 1]), x, P({})))).toEqual([1, 0, 0, 0]);
    const x2 = t([1, 5, 5, 5], [1, 1, 2, 2]);
    expect(arr(k.maxPoolBackprop(t([2], [1, 1, 1, 1]), x2, P({})))).toEqual([0, 2, 0, 0]);
    // NHWC: the same windows, row-major order over (h, w) not channels
    const xh = t([1, 7, 5, 7, 5, 0, 5, 7], [1, 2, 2, 2]); // channel 0: [1,5,5,5], channel 1: [7,7,0,7]
    expect(arr(k.maxPoolBackprop(t([2, 3], [1, 1, 1, 2]), xh, P({ layout: 'NHWC' })))).toEqual([0, 3, 2, 0, 0, 0, 0, 0]);
  });
  it('overlapping windows accumulate onto a shared maximum', () => {
    const x = t([0, 0, 0, 0, 9, 0, 0, 0, 0], [1, 1, 3, 3]);
    const dx = k.maxPoolBackprop(t([1, 2, 3, 4], [1, 1, 2, 2]), x, P({ strides: [1, 1] }));
    expect(arr(dx)).toEqual([0, 0, 0, 0, 10, 0, 0, 0, 0]);
  });
  for (const [name, p] of CONFIGS) {
    it(`${name}: matches finite differences in both layouts`, () => {
      const x = rand([1, 2, 7, 6], 21); // distinct values: no ties
      const y = k.maxPool(x, p);
      const dy = rand([...y.shape], 22);
      const dx = k.maxPoolBackprop(dy, x, p);
      const dxh = fromNHWC(k.maxPoolBackprop(toNHWC(dy), toNHWC(x), { ...p, layout: 'NHWC' }));
      expectClose(dxh, dx);
      const h = 1e-3;
      for (let i = 0; i < x.data.length; i++) {
        const xp = t(arr(x), [...x.shape]);
        const xm = t(arr(x), [...x.shape]);
        xp.data[i] += h;
        xm.data[i] -= h;
        const fd = (dot(k.maxPool(xp, p), dy) - dot(k.maxPool(xm, p), dy)) / (2 * h);
        expect(Math.abs(fd - dx.data[i]!)).toBeLessThanOrEqual(2e-3);
      }
    });
  }
});

describe('reference avgPoolBackprop', () => {
  for (const [name, p] of CONFIGS) {
    for (const layout of ['NCHW', 'NHWC'] as const) {
      it(`${name} ${layout}: adjoint identity and finite differences`, () => {
        const pl = { ...p, layout };
        const x = layout === 'NCHW' ? rand([2, 3, 7, 6], 31) : toNHWC(rand([2, 3, 7, 6], 31));
        const y = k.avgPool(x, pl);
        const dy = rand([...y.shape], 32);
        const dx = k.avgPoolBackprop(dy, x.shape, pl);
        expect(dx.shape).toEqual(x.shape);
        const lhs = dot(y, dy);
        expect(Math.abs(lhs - dot(x, dx))).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(lhs)));
        const h = 1e-2;
        for (const i of [0, 5, 17, 40, x.data.length - 1]) {
          const xp = t(arr(x), [...x.shape]);
          const xm = t(arr(x), [...x.shape]);
          xp.data[i] += h;
          xm.data[i] -= h;
          const fd = (dot(k.avgPool(xp, pl), dy) - dot(k.avgPool(xm, pl), dy)) / (2 * h);
          expect(Math.abs(fd - dx.data[i]!)).toBeLessThanOrEqual(2e-3);
        }
      });
    }
  }
});

describe('reference pooling errors', () => {
  it('dy of the wrong shape -> ShapeError', () => {
    const x = rand([1, 1, 4, 4], 1);
    expect(() => k.maxPoolBackprop(rand([1, 1, 3, 3], 1), x, P({}))).toThrow(/does not match/);
    expect(() => k.avgPoolBackprop(rand([1, 1, 3, 3], 1), [1, 1, 4, 4], P({}))).toThrow(ShapeError);
  });
  it('wrong rank or a window larger than the padded input -> ShapeError', () => {
    expect(() => k.maxPool(rand([4, 4], 1), P({}))).toThrow(ShapeError);
    expect(() => k.avgPool(rand([1, 1, 1, 1], 1), P({}))).toThrow(ShapeError);
  });
  it('a window entirely inside the padding -> ShapeError (no silent -Infinity or NaN)', () => {
    expect(() => k.maxPool(rand([1, 1, 1, 4], 1), P({ kernel: [1, 2], strides: [1, 2], pads: [0, 2, 0, 0] }))).toThrow(/covers no input/);
    expect(() => k.avgPool(rand([1, 1, 1, 4], 1), P({ kernel: [1, 2], strides: [1, 2], pads: [0, 2, 0, 0] }))).toThrow(ShapeError);
  });
  it('bad kernel / strides / layout -> InvalidArgumentError', () => {
    const x = rand([1, 1, 4, 4], 1);
    expect(() => k.maxPool(x, P({ kernel: [0, 2] }))).toThrow(InvalidArgumentError);
    expect(() => k.avgPool(x, P({ strides: [1, -1] }))).toThrow(InvalidArgumentError);
    expect(() => k.avgPool(x, P({ layout: 'HWCN' as 'NCHW' }))).toThrow(InvalidArgumentError);
  });
});
