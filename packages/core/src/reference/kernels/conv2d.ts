/**
 * 2-D cross-correlation (no bias) for NCHW/OIHW and NHWC/HWIO, with strides, asymmetric pads,
 * dilations and groups. Works one example at a time in channels-last order (NCHW examples are
 * transposed in and out). Per output pixel the non-zero taps of its receptive field are gathered
 * once, then accumulated against weight rows (8, then 4, taps per pass over the output channels).
 */
import type { Conv2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { convGeometry, fromChannelsLast, toChannelsLast, weightsHWIO } from './conv-geometry.js';
import { sumScaledRows } from './sparse-rows.js';
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
