/**
 * 2-D cross-correlation (no bias) for NCHW/OIHW and NHWC/HWIO, with strides, asymmetric pads,
 * dilations and groups. Works one example at a time in channels-last order (NCHW examples are
 * transposed in and out). Per output pixel the non-zero taps of its receptive field are gathered
 * once, then accumulated against weight rows (8, then 4, taps per pass over the output channels).
 */
import type { Conv2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { convGeometry, fromChannelsLast, toChannelsLast, weightsHWIO } from './convGeometry.js';
import { checkTensor } from './util.js';

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
  for (let n = 0; n < N; n++) {
    // xe: this example as [H, W, C]; ye: its output as [Ho, Wo, O] starting at yOff.
    const xe = inCL ? toChannelsLast(X, n, C, H * W, inCL) : X;
    const xOff = inCL ? 0 : n * H * W * C;
    const ye = outCL ?? Y;
    const yOff = outCL ? 0 : n * Ho * Wo * O;
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
          acc.fill(0);
          let t = 0;
          for (; t + 8 <= nnz; t += 8) {
            const v0 = vals[t]!, v1 = vals[t + 1]!, v2 = vals[t + 2]!, v3 = vals[t + 3]!;
            const v4 = vals[t + 4]!, v5 = vals[t + 5]!, v6 = vals[t + 6]!, v7 = vals[t + 7]!;
            const w0 = offs[t]!, w1 = offs[t + 1]!, w2 = offs[t + 2]!, w3 = offs[t + 3]!;
            const w4 = offs[t + 4]!, w5 = offs[t + 5]!, w6 = offs[t + 6]!, w7 = offs[t + 7]!;
            for (let o = 0; o < Og; o++) {
              acc[o] +=
                v0 * Wm[w0 + o]! + v1 * Wm[w1 + o]! + v2 * Wm[w2 + o]! + v3 * Wm[w3 + o]! +
                v4 * Wm[w4 + o]! + v5 * Wm[w5 + o]! + v6 * Wm[w6 + o]! + v7 * Wm[w7 + o]!;
            }
          }
          for (; t + 4 <= nnz; t += 4) {
            const v0 = vals[t]!, v1 = vals[t + 1]!, v2 = vals[t + 2]!, v3 = vals[t + 3]!;
            const w0 = offs[t]!, w1 = offs[t + 1]!, w2 = offs[t + 2]!, w3 = offs[t + 3]!;
            for (let o = 0; o < Og; o++) {
              acc[o] += v0 * Wm[w0 + o]! + v1 * Wm[w1 + o]! + v2 * Wm[w2 + o]! + v3 * Wm[w3 + o]!;
            }
          }
          for (; t < nnz; t++) {
            const v = vals[t]!;
            const w0 = offs[t]!;
            for (let o = 0; o < Og; o++) acc[o] += v * Wm[w0 + o]!;
          }
          const dst = yPix + oBase;
          for (let o = 0; o < Og; o++) ye[dst + o] = acc[o]!;
        }
      }
    }
    if (outCL) fromChannelsLast(outCL, O, Ho * Wo, Y, n);
  }
  return { shape: [...g.yShape], data: Y };
}
