/**
 * Gradient of conv2d w.r.t. its input (a transposed convolution). Works one example at a time in
 * channels-last order (NCHW examples are transposed in and out), by one of two paths chosen by
 * the density of the example's output gradient:
 * - dense (GEMM + col2im): the patches of every output pixel, [pixels, R] = dy [pixels, Og] ·
 *   Wᵀ, come from one register-tiled gemmNT against the HWIO weights (rows of R contiguous in O),
 *   then are added back onto the input (col2im);
 * - sparse (mostly-zero dy, as behind a max-pool or ReLU): per output pixel the non-zero output
 *   gradients are gathered, combined into one receptive-field patch against the transposed
 *   weights (8, then 4, channels per pass), and the patch is scattered back onto the input.
 */
import type { Conv2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { convGeometry, fromChannelsLast, toChannelsLast, weightsHWIO, type ConvGeometry } from './conv-geometry.js';
import { density, gemmNT } from './gemm.js';
import { sumScaledRows } from './sparse-rows.js';
import { sparseBelow } from './conv2d.js';
import { checkDyShape, checkShape, checkTensor } from './util.js';

export function conv2dBackpropInput(dy: Tensor, w: Tensor, inputShape: readonly number[], p: Conv2DParams): Tensor {
  checkTensor(dy, 'conv2dBackpropInput (dy)');
  checkTensor(w, 'conv2dBackpropInput (w)');
  const xShape = checkShape(inputShape, 'conv2dBackpropInput (inputShape)');
  const g = convGeometry(xShape, w.shape, p, 'conv2dBackpropInput');
  checkDyShape('conv2dBackpropInput', dy, g.yShape, xShape, 'conv');
  const { N, C, H, W, O, kh, kw, Cg, Og, group, Ho, Wo, sh, sw, dh, dw, pt, pl } = g;
  const nhwc = p.layout === 'NHWC';
  const R = kh * kw * Cg;
  // Transposed weights [O, R] with r = (ky, kx, c).
  const Wm = weightsHWIO(w.data, g, nhwc);
  const Wt = new Float32Array(O * R);
  for (let r = 0; r < R; r++) for (let o = 0; o < O; o++) Wt[o * R + r] = Wm[r * O + o]!;
  const D = dy.data;
  const DX = new Float32Array(N * C * H * W);
  const dx = new Float64Array(H * W * C); // one example, channels-last
  const dyCL = nhwc ? undefined : new Float32Array(Ho * Wo * O);
  const vals = new Float64Array(Og);
  const offs = new Int32Array(Og);
  const patch = new Float64Array(R);
  const P = Ho * Wo;
  let cols: Float32Array | undefined; // [P, R] patches, allocated on the first dense example
  for (let n = 0; n < N; n++) {
    dx.fill(0);
    const de = dyCL ? toChannelsLast(D, n, O, Ho * Wo, dyCL) : D;
    const yN = dyCL ? 0 : n * Ho * Wo * O;
    if (density(de, yN, P * O, 3) >= sparseBelow(R)) {
      cols ??= new Float32Array(P * R);
      for (let gi = 0; gi < group; gi++) {
        gemmNT(P, R, Og, de, yN + gi * Og, O, Wm, gi * Og, O, cols, 0, R);
        col2im(cols, g, gi * Cg, dx);
      }
      if (nhwc) DX.set(dx, n * H * W * C);
      else fromChannelsLast(dx, C, H * W, DX, n);
      continue;
    }
    for (let oy = 0; oy < Ho; oy++) {
      const iy0 = oy * sh - pt;
      for (let ox = 0; ox < Wo; ox++) {
        const ix0 = ox * sw - pl;
        const yPix = yN + (oy * Wo + ox) * O;
        for (let gi = 0; gi < group; gi++) {
          let nnz = 0;
          for (let o = 0; o < Og; o++) {
            const oc = gi * Og + o;
            const v = de[yPix + oc]!;
            if (v !== 0) {
              vals[nnz] = v;
              offs[nnz] = oc * R;
              nnz++;
            }
          }
          if (nnz === 0) continue;
          sumScaledRows(Wt, vals, offs, nnz, patch, R);
          // Scatter the patch onto the receptive field (taps in the padding are dropped).
          const cBase = gi * Cg;
          for (let ky = 0; ky < kh; ky++) {
            const iy = iy0 + ky * dh;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ix0 + kx * dw;
              if (ix < 0 || ix >= W) continue;
              const dst = cBase + (iy * W + ix) * C;
              const rRow = (ky * kw + kx) * Cg;
              for (let c = 0; c < Cg; c++) dx[dst + c] += patch[rRow + c]!;
            }
          }
        }
      }
    }
    if (nhwc) DX.set(dx, n * H * W * C);
    else fromChannelsLast(dx, C, H * W, DX, n);
  }
  return { shape: xShape, data: DX };
}

/** Add the [Ho·Wo, R] patches `cols` onto the channels-last example `dx` (channel offset `cBase`). */
function col2im(cols: Float32Array, g: ConvGeometry, cBase: number, dx: Float64Array): void {
  const { C, H, W, kh, kw, Cg, Ho, Wo, sh, sw, dh, dw, pt, pl } = g;
  let src = 0;
  for (let oy = 0; oy < Ho; oy++) {
    const iy0 = oy * sh - pt;
    for (let ox = 0; ox < Wo; ox++) {
      const ix0 = ox * sw - pl;
      for (let ky = 0; ky < kh; ky++) {
        const iy = iy0 + ky * dh;
        if (iy < 0 || iy >= H) {
          src += kw * Cg;
          continue;
        }
        const rowBase = cBase + iy * W * C;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ix0 + kx * dw;
          if (ix >= 0 && ix < W) {
            const dst = rowBase + ix * C;
            for (let c = 0; c < Cg; c++) dx[dst + c] += cols[src + c]!;
          }
          src += Cg;
        }
      }
    }
  }
}
