/**
 * The dense (im2col / col2im + register-tiled gemmNT) and sparse (gather non-zeros) paths of
 * conv2d and conv2dBackpropInput, each forced in turn, against the textbook definitions on random
 * shapes (strides, dilations, groups, asymmetric pads, both layouts); and gemmNT against the
 * triple loop (every tile remainder, offsets, strides, accumulate).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Conv2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { referenceKernels as k } from '../index.js';
import { CONV_SPARSE_BELOW } from './conv2d.js';
import { density, gemmNT } from './gemm.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = Math.imul(s ^ (s >>> 15), 1 | s);
    z = (z + Math.imul(z ^ (z >>> 7), 61 | z)) ^ z;
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

const randT = (shape: number[], next: () => number, zeroFrac: number): Tensor => ({
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (next() < zeroFrac ? 0 : next() * 2 - 1)),
});

interface Geo {
  N: number; C: number; H: number; W: number; O: number; kh: number; kw: number; group: number;
  strides: [number, number]; pads: [number, number, number, number]; dilations: [number, number];
}

/** The textbook cross-correlation, NCHW / OIHW, in float64. */
function naiveConv(x: Tensor, w: Tensor, g: Geo, Ho: number, Wo: number): Float64Array {
  const { N, C, H, W, O, kh, kw, group } = g;
  const Cg = C / group;
  const Og = O / group;
  const y = new Float64Array(N * O * Ho * Wo);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++) {
          let s = 0;
          const gi = Math.floor(o / Og);
          for (let ci = 0; ci < Cg; ci++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = oy * g.strides[0] - g.pads[0] + ky * g.dilations[0];
                const ix = ox * g.strides[1] - g.pads[1] + kx * g.dilations[1];
                if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
                s += x.data[((n * C + gi * Cg + ci) * H + iy) * W + ix]! * w.data[((o * Cg + ci) * kh + ky) * kw + kx]!;
              }
          y[((n * O + o) * Ho + oy) * Wo + ox] = s;
        }
  return y;
}

/** The textbook input gradient: each dy cell times the kernel, scattered onto the taps it read. */
function naiveBackprop(dy: Tensor, w: Tensor, g: Geo, Ho: number, Wo: number): Float64Array {
  const { N, C, H, W, O, kh, kw, group } = g;
  const Cg = C / group;
  const Og = O / group;
  const dx = new Float64Array(N * C * H * W);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++) {
          const d = dy.data[((n * O + o) * Ho + oy) * Wo + ox]!;
          const gi = Math.floor(o / Og);
          for (let ci = 0; ci < Cg; ci++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = oy * g.strides[0] - g.pads[0] + ky * g.dilations[0];
                const ix = ox * g.strides[1] - g.pads[1] + kx * g.dilations[1];
                if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
                dx[((n * C + gi * Cg + ci) * H + iy) * W + ix] += d * w.data[((o * Cg + ci) * kh + ky) * kw + kx]!;
              }
        }
  return dx;
}

function randomGeo(next: () => number): Geo {
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const group = [1, 1, 2, 3][int(0, 3)]!;
  const depthwise = next() < 0.2;
  const C = depthwise ? group * 1 : group * int(1, 5);
  const O = group * int(1, 6);
  return {
    N: int(1, 3), C, H: int(4, 9), W: int(4, 9), O, kh: int(1, 3), kw: int(1, 3), group,
    strides: [int(1, 2), int(1, 3)], pads: [int(0, 2), int(0, 1), int(0, 2), int(0, 2)], dilations: [int(1, 2), int(1, 2)],
  };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!)));
}

const toNHWC = (x: Tensor) => k.transpose(x, [0, 2, 3, 1]);
const fromNHWC = (x: Tensor) => k.transpose(x, [0, 3, 1, 2]);
const toHWIO = (w: Tensor) => k.transpose(w, [2, 3, 1, 0]);

const saved = { ...CONV_SPARSE_BELOW };
afterEach(() => Object.assign(CONV_SPARSE_BELOW, saved));

describe('conv2d / conv2dBackpropInput: dense and sparse paths', () => {
  const modes = { dense: { large: 0, small: 0 }, sparse: { large: 2, small: 2 } } as const;
  for (const [mode, thresholds] of Object.entries(modes)) {
    for (let trial = 0; trial < 12; trial++) {
      it(`${mode} path, random geometry #${trial}: both layouts match the naive definitions`, () => {
        const next = rng(1000 + trial);
        let g = randomGeo(next);
        // Keep the dilated kernel inside the padded input.
        while ((g.kh - 1) * g.dilations[0] + 1 > g.H + g.pads[0] + g.pads[2] || (g.kw - 1) * g.dilations[1] + 1 > g.W + g.pads[1] + g.pads[3]) g = randomGeo(next);
        const Ho = Math.floor((g.H + g.pads[0] + g.pads[2] - ((g.kh - 1) * g.dilations[0] + 1)) / g.strides[0]) + 1;
        const Wo = Math.floor((g.W + g.pads[1] + g.pads[3] - ((g.kw - 1) * g.dilations[1] + 1)) / g.strides[1]) + 1;
        const x = randT([g.N, g.C, g.H, g.W], next, 0.3);
        const w = randT([g.O, g.C / g.group, g.kh, g.kw], next, 0);
        const dy = randT([g.N, g.O, Ho, Wo], next, 0.5);
        Object.assign(CONV_SPARSE_BELOW, thresholds);
        const base = { strides: g.strides, pads: g.pads, dilations: g.dilations, group: g.group };
        const pN: Conv2DParams = { ...base, layout: 'NCHW' };
        const pH: Conv2DParams = { ...base, layout: 'NHWC' };
        const wantY = naiveConv(x, w, g, Ho, Wo);
        const wantDx = naiveBackprop(dy, w, g, Ho, Wo);
        expectClose(k.conv2d(x, w, pN).data, wantY);
        expectClose(fromNHWC(k.conv2d(toNHWC(x), toHWIO(w), pH)).data, wantY);
        expectClose(k.conv2dBackpropInput(dy, w, x.shape, pN).data, wantDx);
        expectClose(fromNHWC(k.conv2dBackpropInput(toNHWC(dy), toHWIO(w), toNHWC(x).shape, pH)).data, wantDx);
      });
    }
  }

  it('an all-zero example and a dense example in one batch (the paths mix per example)', () => {
    Object.assign(CONV_SPARSE_BELOW, { large: 0.5, small: 0.5 });
    const next = rng(7);
    const g: Geo = { N: 2, C: 3, H: 6, W: 5, O: 4, kh: 3, kw: 3, group: 1, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] };
    const x = randT([2, 3, 6, 5], next, 0);
    x.data.fill(0, 0, 90); // example 0: all zeros (sparse path), example 1: dense
    const w = randT([4, 3, 3, 3], next, 0);
    const y = k.conv2d(toNHWC(x), toHWIO(w), { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1, layout: 'NHWC' });
    expectClose(fromNHWC(y).data, naiveConv(x, w, g, 6, 5));
    expect(Array.from(fromNHWC(y).data.subarray(0, 120)).every((v) => v === 0)).toBe(true);
  });
});

describe('gemmNT', () => {
  for (const [M, N, K] of [[1, 1, 1], [4, 4, 3], [5, 7, 9], [8, 3, 1], [9, 13, 17], [3, 9, 0]] as const) {
    it(`${M}x${N}x${K} with offsets and leading dimensions matches the triple loop (overwrite and accumulate)`, () => {
      const next = rng(M * 100 + N * 10 + K);
      const lda = K + 2;
      const ldb = K + 1;
      const ldc = N + 3;
      const A = Float32Array.from({ length: 5 + M * lda }, () => next() - 0.5);
      const B = Float32Array.from({ length: 2 + N * ldb }, () => next() - 0.5);
      const C0 = Float32Array.from({ length: 4 + M * ldc }, () => next() - 0.5);
      const want = Float64Array.from(C0);
      const wantAcc = Float64Array.from(C0);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let q = 0; q < K; q++) s += A[5 + i * lda + q]! * B[2 + j * ldb + q]!;
          want[4 + i * ldc + j] = s;
          wantAcc[4 + i * ldc + j] = C0[4 + i * ldc + j]! + s;
        }
      const C = Float32Array.from(C0);
      gemmNT(M, N, K, A, 5, lda, B, 2, ldb, C, 4, ldc);
      expectClose(C, want, 1e-6);
      const Cacc = Float32Array.from(C0);
      gemmNT(M, N, K, A, 5, lda, B, 2, ldb, Cacc, 4, ldc, true);
      expectClose(Cacc, wantAcc, 1e-6);
    });
  }

  it('density counts the sampled non-zeros', () => {
    const x = Float32Array.from([0, 1, 0, 2, 3, 0]);
    expect(density(x, 0, 6)).toBeCloseTo(0.5);
    expect(density(x, 1, 4, 2)).toBe(1); // x[1], x[3]
    expect(density(x, 0, 0)).toBe(0);
  });
});
