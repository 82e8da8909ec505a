/**
 * Gradient of conv2d w.r.t. its input (a transposed convolution). Per output pixel the non-zero
 * output gradients are gathered, combined into one receptive-field patch against the
 * transposed weights (8, then 4, channels per pass), and the patch is scattered back onto the input.
 * Works one example at a time in channels-last order (NCHW examples are transposed in and out).
 */
import { ShapeError } from '../../errors.js';
import type { Conv2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { convGeometry, fromChannelsLast, toChannelsLast, weightsHWIO } from './convGeometry.js';
import { checkShape, checkTensor, fmt } from './util.js';

export function conv2dBackpropInput(dy: Tensor, w: Tensor, inputShape: readonly number[], p: Conv2DParams): Tensor {
  checkTensor(dy, 'conv2dBackpropInput (dy)');
  checkTensor(w, 'conv2dBackpropInput (w)');
  const xShape = checkShape(inputShape, 'conv2dBackpropInput (inputShape)');
  const g = convGeometry(xShape, w.shape, p, 'conv2dBackpropInput');
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== g.yShape[i])) {
    throw new ShapeError(`conv2dBackpropInput: dy ${fmt(dy.shape)} does not match the conv output ${fmt(g.yShape)} for input ${fmt(xShape)}`);
  }
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
  for (let n = 0; n < N; n++) {
    dx.fill(0);
    const de = dyCL ? toChannelsLast(D, n, O, Ho * Wo, dyCL) : D;
    const yN = dyCL ? 0 : n * Ho * Wo * O;
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
          patch.fill(0);
          let t = 0;
          for (; t + 8 <= nnz; t += 8) {
            const v0 = vals[t]!, v1 = vals[t + 1]!, v2 = vals[t + 2]!, v3 = vals[t + 3]!;
            const v4 = vals[t + 4]!, v5 = vals[t + 5]!, v6 = vals[t + 6]!, v7 = vals[t + 7]!;
            const w0 = offs[t]!, w1 = offs[t + 1]!, w2 = offs[t + 2]!, w3 = offs[t + 3]!;
            const w4 = offs[t + 4]!, w5 = offs[t + 5]!, w6 = offs[t + 6]!, w7 = offs[t + 7]!;
            for (let r = 0; r < R; r++) {
              patch[r] +=
                v0 * Wt[w0 + r]! + v1 * Wt[w1 + r]! + v2 * Wt[w2 + r]! + v3 * Wt[w3 + r]! +
                v4 * Wt[w4 + r]! + v5 * Wt[w5 + r]! + v6 * Wt[w6 + r]! + v7 * Wt[w7 + r]!;
            }
          }
          for (; t + 4 <= nnz; t += 4) {
            const v0 = vals[t]!, v1 = vals[t + 1]!, v2 = vals[t + 2]!, v3 = vals[t + 3]!;
            const w0 = offs[t]!, w1 = offs[t + 1]!, w2 = offs[t + 2]!, w3 = offs[t + 3]!;
            for (let r = 0; r < R; r++) {
              patch[r] += v0 * Wt[w0 + r]! + v1 * Wt[w1 + r]! + v2 * Wt[w2 + r]! + v3 * Wt[w3 + r]!;
            }
          }
          for (; t < nnz; t++) {
            const v = vals[t]!;
            const w0 = offs[t]!;
            for (let r = 0; r < R; r++) patch[r] += v * Wt[w0 + r]!;
          }
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
