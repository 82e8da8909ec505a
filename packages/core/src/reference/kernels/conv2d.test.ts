import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Conv2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { referenceKernels as k } from '../index.js';

const t = (data: number[], shape: number[]): Tensor => ({ shape, data: Float32Array.from(data) });
const arr = (x: Tensor): number[] => Array.from(x.data);

function rand(shape: number[], seed: number, zeroFrac = 0): Tensor {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = Math.imul(s ^ (s >>> 15), 1 | s);
    z = (z + Math.imul(z ^ (z >>> 7), 61 | z)) ^ z;
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  const n = shape.reduce((p, d) => p * d, 1);
  return t(Array.from({ length: n }, () => (next() < zeroFrac ? 0 : next() * 2 - 1)), shape);
}

const dot = (a: Tensor, b: Tensor): number => {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i]! * b.data[i]!;
  return s;
};

interface Case {
  name: string;
  x: [number, number, number, number]; // NCHW
  w: [number, number, number, number]; // OIHW
  strides: [number, number];
  pads: [number, number, number, number];
  dilations: [number, number];
  group: number;
}

const CASES: Case[] = [
  { name: 'basic 3x3 pad 1', x: [2, 3, 5, 6], w: [4, 3, 3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 },
  { name: 'stride 2, asymmetric pads, 3x2 kernel', x: [2, 2, 7, 6], w: [3, 2, 3, 2], strides: [2, 2], pads: [0, 1, 2, 0], dilations: [1, 1], group: 1 },
  { name: 'dilation 2, mixed stride', x: [1, 3, 8, 9], w: [2, 3, 3, 3], strides: [1, 2], pads: [2, 1, 1, 2], dilations: [2, 2], group: 1 },
  { name: 'groups 2 with stride 2 and dilation', x: [2, 4, 7, 7], w: [6, 2, 2, 2], strides: [2, 2], pads: [1, 0, 0, 1], dilations: [2, 1], group: 2 },
  { name: 'depthwise (group = C) with channel multiplier 2', x: [1, 3, 5, 5], w: [6, 1, 3, 3], strides: [1, 1], pads: [1, 2, 1, 0], dilations: [1, 1], group: 3 },
  { name: '1x1 kernel, no padding', x: [3, 5, 4, 4], w: [7, 5, 1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 },
  { name: 'kernel covering the whole padded input', x: [1, 2, 3, 4], w: [2, 2, 5, 6], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 },
  { name: 'many channels (unrolled path + remainder)', x: [1, 9, 5, 5], w: [13, 9, 3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 },
];

const params = (c: Case, layout: 'NCHW' | 'NHWC'): Conv2DParams => ({
  strides: c.strides, pads: c.pads, dilations: c.dilations, group: c.group, layout,
});

/** The textbook definition, NCHW / OIHW. */
function naiveConv(x: Tensor, w: Tensor, c: Case): Tensor {
  const [N, C, H, W] = x.shape as number[];
  const [O, Cg, kh, kw] = w.shape as number[];
  const Og = O! / c.group;
  const Ho = Math.floor((H! + c.pads[0] + c.pads[2] - ((kh! - 1) * c.dilations[0] + 1)) / c.strides[0]) + 1;
  const Wo = Math.floor((W! + c.pads[1] + c.pads[3] - ((kw! - 1) * c.dilations[1] + 1)) / c.strides[1]) + 1;
  const X = (n: number, ch: number, i: number, j: number) => (i < 0 || j < 0 || i >= H! || j >= W! ? 0 : x.data[((n * C! + ch) * H! + i) * W! + j]!);
  const out: number[] = [];
  for (let n = 0; n < N!; n++)
    for (let o = 0; o < O!; o++)
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++) {
          const g = Math.floor(o / Og);
          let s = 0;
          for (let ci = 0; ci < Cg!; ci++)
            for (let ky = 0; ky < kh!; ky++)
              for (let kx = 0; kx < kw!; kx++) {
                const xv = X(n, g * Cg! + ci, oy * c.strides[0] - c.pads[0] + ky * c.dilations[0], ox * c.strides[1] - c.pads[1] + kx * c.dilations[1]);
                s += xv * w.data[((o * Cg! + ci) * kh! + ky) * kw! + kx]!;
              }
          out.push(s);
        }
  return t(out, [N!, O!, Ho, Wo]);
}

/** The textbook input gradient: scatter each dy[n,o,oy,ox] * w onto the taps it read. */
function naiveBackprop(dy: Tensor, w: Tensor, xShape: number[], c: Case): Tensor {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, Cg, kh, kw] = w.shape as number[];
  const [, , Ho, Wo] = dy.shape as number[];
  const Og = O! / c.group;
  const dx = new Float64Array(N * C * H * W);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O!; o++)
      for (let oy = 0; oy < Ho!; oy++)
        for (let ox = 0; ox < Wo!; ox++) {
          const d = dy.data[((n * O! + o) * Ho! + oy) * Wo! + ox]!;
          const g = Math.floor(o / Og);
          for (let ci = 0; ci < Cg!; ci++)
            for (let ky = 0; ky < kh!; ky++)
              for (let kx = 0; kx < kw!; kx++) {
                const i = oy * c.strides[0] - c.pads[0] + ky * c.dilations[0];
                const j = ox * c.strides[1] - c.pads[1] + kx * c.dilations[1];
                if (i < 0 || j < 0 || i >= H || j >= W) continue;
                dx[((n * C + g * Cg! + ci) * H + i) * W + j] += d * w.data[((o * Cg! + ci) * kh! + ky) * kw! + kx]!;
              }
        }
  return t(Array.from(dx), xShape);
}

function expectClose(got: Tensor, want: Tensor, tol = 1e-5): void {
  expect(got.shape).toEqual(want.shape);
  const g = arr(got);
  arr(want).forEach((v, i) => expect(Math.abs(g[i]! - v)).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
}

const toNHWC = (x: Tensor) => k.transpose(x, [0, 2, 3, 1]);
const fromNHWC = (x: Tensor) => k.transpose(x, [0, 3, 1, 2]);
const toHWIO = (w: Tensor) => k.transpose(w, [2, 3, 1, 0]);

describe('reference conv2d', () => {
  it('hand example: 2x2 difference kernel on 1..9', () => {
    const x = t([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const w = t([1, 0, 0, -1], [1, 1, 2, 2]);
    const p: Conv2DParams = { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1, layout: 'NCHW' };
    const y = k.conv2d(x, w, p);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(arr(y)).toEqual([-4, -4, -4, -4]);
    // with one cell of padding all round: corners see a single tap
    const yp = k.conv2d(x, w, { ...p, pads: [1, 1, 1, 1] });
    expect(yp.shape).toEqual([1, 1, 4, 4]);
    expect(arr(yp)).toEqual([-1, -2, -3, 0, -4, -4, -4, 3, -7, -4, -4, 6, 0, 7, 8, 9]);
  });

  for (const c of CASES) {
    describe(c.name, () => {
      const x = rand(c.x, 11, 0.3);
      const w = rand(c.w, 12);

      it('NCHW matches the naive definition', () => {
        expectClose(k.conv2d(x, w, params(c, 'NCHW')), naiveConv(x, w, c));
      });

      it('NHWC agrees with NCHW after transposing inputs and weights', () => {
        const yh = k.conv2d(toNHWC(x), toHWIO(w), params(c, 'NHWC'));
        expectClose(fromNHWC(yh), k.conv2d(x, w, params(c, 'NCHW')));
      });

      for (const layout of ['NCHW', 'NHWC'] as const) {
        it(`${layout} conv2dBackpropInput matches the naive scatter and the adjoint identity`, () => {
          const p = params(c, layout);
          const xl = layout === 'NCHW' ? x : toNHWC(x);
          const wl = layout === 'NCHW' ? w : toHWIO(w);
          const y = k.conv2d(xl, wl, p);
          const dy = rand([...y.shape], 13, 0.4);
          const dx = k.conv2dBackpropInput(dy, wl, xl.shape, p);
          expect(dx.shape).toEqual(xl.shape);
          const lhs = dot(y, dy);
          const rhs = dot(xl, dx);
          expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(lhs)));
          const dyN = layout === 'NCHW' ? dy : fromNHWC(dy);
          const dxN = layout === 'NCHW' ? dx : fromNHWC(dx);
          expectClose(dxN, naiveBackprop(dyN, w, c.x, c));
        });
      }

      it('conv2dBackpropInput matches central finite differences of <conv(x, w), dy>', () => {
        const p = params(c, 'NCHW');
        const y = k.conv2d(x, w, p);
        const dy = rand([...y.shape], 14);
        const dx = k.conv2dBackpropInput(dy, w, x.shape, p);
        const h = 1e-2;
        const n = x.data.length;
        for (const i of [0, 1, Math.floor(n / 3), Math.floor(n / 2), n - 2, n - 1]) {
          const xp = t(arr(x), [...x.shape]);
          const xm = t(arr(x), [...x.shape]);
          xp.data[i] += h;
          xm.data[i] -= h;
          const fd = (dot(k.conv2d(xp, w, p), dy) - dot(k.conv2d(xm, w, p), dy)) / (2 * h);
          expect(Math.abs(fd - dx.data[i]!)).toBeLessThanOrEqual(2e-3 * (1 + Math.abs(fd)));
        }
      });
    });
  }

  it('does not mutate its inputs', () => {
    const c = CASES[3]!;
    const x = rand(c.x, 1);
    const w = rand(c.w, 2);
    const xs = arr(x);
    const ws = arr(w);
    const p = params(c, 'NCHW');
    const y = k.conv2d(x, w, p);
    const dys = arr(y);
    k.conv2dBackpropInput(y, w, x.shape, p);
    expect(arr(x)).toEqual(xs);
    expect(arr(w)).toEqual(ws);
    expect(arr(y)).toEqual(dys);
  });

  describe('errors', () => {
    const p: Conv2DParams = { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1, layout: 'NCHW' };
    it('wrong input channels, rank or group divisibility -> ShapeError', () => {
      expect(() => k.conv2d(rand([1, 3, 5, 5], 1), rand([2, 2, 3, 3], 1), p)).toThrow(/input channels/);
      expect(() => k.conv2d(rand([3, 5, 5], 1), rand([2, 3, 3, 3], 1), p)).toThrow(ShapeError);
      expect(() => k.conv2d(rand([1, 4, 5, 5], 1), rand([3, 2, 3, 3], 1), { ...p, group: 2 })).toThrow(/divisible/);
      expect(() => k.conv2d(rand([1, 5, 5, 3], 1), rand([3, 3, 2, 4], 1), { ...p, layout: 'NHWC' })).toThrow(/input channels/);
    });
    it('kernel larger than the padded input -> ShapeError', () => {
      expect(() => k.conv2d(rand([1, 1, 2, 2], 1), rand([1, 1, 3, 3], 1), p)).toThrow(ShapeError);
    });
    it('dy of the wrong shape -> ShapeError', () => {
      expect(() => k.conv2dBackpropInput(rand([1, 1, 4, 4], 1), rand([1, 1, 3, 3], 1), [1, 1, 5, 5], p)).toThrow(/does not match/);
    });
    it('bad strides / dilations / layout -> InvalidArgumentError', () => {
      expect(() => k.conv2d(rand([1, 1, 5, 5], 1), rand([1, 1, 3, 3], 1), { ...p, strides: [0, 1] })).toThrow(InvalidArgumentError);
      expect(() => k.conv2d(rand([1, 1, 5, 5], 1), rand([1, 1, 3, 3], 1), { ...p, dilations: [1, 1.5] })).toThrow(InvalidArgumentError);
      expect(() => k.conv2d(rand([1, 1, 5, 5], 1), rand([1, 1, 3, 3], 1), { ...p, layout: 'NWHC' as 'NCHW' })).toThrow(InvalidArgumentError);
    });
  });
});
