/**
 * 2-D cross-correlation (no bias) for NCHW/OIHW and NHWC/HWIO, with strides, asymmetric pads,
 * dilations and groups. Works one example at a time in channels-last order (NCHW examples are
 * transposed in and out). Two paths, chosen per example by the density of its input:
 * - dense (im2col + gemmNT): the example's receptive fields are unrolled into a [pixels, R]
 *   matrix (R = kh·kw·Cg) and multiplied by the transposed weights [O, R] with a 4×4
 *   register-tiled product;
 * - sparse (mostly-zero inputs, e.g. after ReLU on a small IG step): per output pixel the
 *   non-zero taps of its receptive field are gathered once, then accumulated against weight rows
 *   (8, then 4, taps per pass over the output channels).
 * Both accumulate in float64 and agree to rounding.
 */
import type { Conv2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { convGeometry, fromChannelsLast, toChannelsLast, weightsHWIO, type ConvGeometry } from './conv-geometry.js';
import { density, gemmNT } from './gemm.js';
import { sumScaledRows } from './sparse-rows.js';
import { checkTensor } from './util.js';

/**
 * Below this fraction of non-zero values (input for conv2d, output gradient for its input
 * gradient) the sparse path is used. Both paths run near the scalar limit of JavaScript
 * (≈ 4–5 GFLOP/s a core); the sparse one pays a gather per pixel, which only small receptive
 * fields (R = kh·kw·Cg ≤ 32, e.g. a first layer on one channel) cannot amortise. Measured on
 * LeNet's layers (docs/performance.md): dense wins above ≈ 0.85 density for R = 288 and above
 * ≈ 0.1 for R = 9. Mutable so tests can force either path.
 */
export const CONV_SPARSE_BELOW = { large: 0.85, small: 0.1 };

/** The density threshold for a receptive field of R taps. */
export function sparseBelow(R: number): number {
  return R <= 32 ? CONV_SPARSE_BELOW.small : CONV_SPARSE_BELOW.large;
}

export function conv2d(x: Tensor, w: Tensor, p: Conv2DParams): Tensor {
  checkTensor(x, 'conv2d (x)');
  checkTensor(w, 'conv2d (w)');
  const g = convGeometry(x.shape, w.shape, p, 'conv2d');
  const { N, C, H, W, O, kh, kw, Cg, Og, group, Ho, Wo, sh, sw, dh, dw, pt, pl } = g;
  const nhwc = p.layout === 'NHWC';
  const X = x.data;
  const Wm = weightsHWIO(w.data, g, nhwc); // [R, O], R = (ky, kx, c)
  const Y = new Float32Array(N * O * Ho * Wo);
  const R = kh * kw * Cg;
  const vals = new Float64Array(R);
  const offs = new Int32Array(R);
  const acc = new Float64Array(Og);
  const inCL = nhwc ? undefined : new Float32Array(H * W * C);
  const outCL = nhwc ? undefined : new Float32Array(Ho * Wo * O);
  const P = Ho * Wo;
  let cols: Float32Array | undefined; // im2col buffer [P, R], allocated on first dense example
  let Wt: Float32Array | undefined; // transposed weights [O, R]
  for (let n = 0; n < N; n++) {
    // xe: this example as [H, W, C]; ye: its output as [Ho, Wo, O] starting at yOff.
    const xe = inCL ? toChannelsLast(X, n, C, H * W, inCL) : X;
    const xOff = inCL ? 0 : n * H * W * C;
    const ye = outCL ?? Y;
    const yOff = outCL ? 0 : n * Ho * Wo * O;
    if (density(xe, xOff, H * W * C, 3) >= sparseBelow(R)) {
      if (!Wt) {
        Wt = new Float32Array(O * R);
        for (let r = 0; r < R; r++) for (let o = 0; o < O; o++) Wt[o * R + r] = Wm[r * O + o]!;
        cols = new Float32Array(P * R);
      }
      for (let gi = 0; gi < group; gi++) {
        im2col(xe, xOff + gi * Cg, g, cols!);
        gemmNT(P, Og, R, cols!, 0, R, Wt, gi * Og * R, R, ye, yOff + gi * Og, O);
      }
      if (outCL) fromChannelsLast(outCL, O, Ho * Wo, Y, n);
      continue;
    }
    for (let oy = 0; oy < Ho; oy++) {
      const iy0 = oy * sh - pt;
      for (let ox = 0; ox < Wo; ox++) {
        const ix0 = ox * sw - pl;
        const yPix = yOff + (oy * Wo + ox) * O;
        for (let gi = 0; gi < group; gi++) {
          const oBase = gi * Og;
          const xBase = xOff + gi * Cg;
          // Gather the non-zero taps: value and the offset of its weight row (+ group column).
          let nnz = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = iy0 + ky * dh;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ix0 + kx * dw;
              if (ix < 0 || ix >= W) continue;
              const src = xBase + (iy * W + ix) * C;
              const rRow = (ky * kw + kx) * Cg;
              for (let c = 0; c < Cg; c++) {
                const v = xe[src + c]!;
                if (v !== 0) {
                  vals[nnz] = v;
                  offs[nnz] = (rRow + c) * O + oBase;
                  nnz++;
                }
              }
            }
          }
          sumScaledRows(Wm, vals, offs, nnz, acc, Og);
          const dst = yPix + oBase;
          for (let o = 0; o < Og; o++) ye[dst + o] = acc[o]!;
        }
      }
    }
    if (outCL) fromChannelsLast(outCL, O, Ho * Wo, Y, n);
  }
  return { shape: [...g.yShape], data: Y };
}

/**
 * Unroll the receptive fields of one channels-last example (channel offset `xBase` selects the
 * group) into `cols` [Ho·Wo, R], R = (ky, kx, c); taps in the padding are zero.
 */
export function im2col(xe: Float32Array, xBase: number, g: ConvGeometry, cols: Float32Array): void {
  const { C, H, W, kh, kw, Cg, Ho, Wo, sh, sw, dh, dw, pt, pl } = g;
  let dst = 0;
  for (let oy = 0; oy < Ho; oy++) {
    const iy0 = oy * sh - pt;
    for (let ox = 0; ox < Wo; ox++) {
      const ix0 = ox * sw - pl;
      for (let ky = 0; ky < kh; ky++) {
        const iy = iy0 + ky * dh;
        if (iy < 0 || iy >= H) {
          cols.fill(0, dst, dst + kw * Cg);
          dst += kw * Cg;
          continue;
        }
        const rowBase = xBase + iy * W * C;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ix0 + kx * dw;
          if (ix < 0 || ix >= W) {
            cols.fill(0, dst, dst + Cg);
          } else {
            const src = rowBase + ix * C;
            for (let c = 0; c < Cg; c++) cols[dst + c] = xe[src + c]!;
          }
          dst += Cg;
        }
      }
    }
  }
}
