/** Max pooling (NCHW or NHWC); padded cells never win. */
import type { Pool2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { emptyWindowError, poolGeometry } from './poolGeometry.js';
import { checkTensor } from './util.js';

export function maxPool(x: Tensor, p: Pool2DParams): Tensor {
  checkTensor(x, 'maxPool');
  const g = poolGeometry(x.shape, p, 'maxPool');
  const { N, C, H, W, kh, kw, sh, sw, pt, pl, Ho, Wo } = g;
  const [xsN, xsC, xsH, xsW] = g.xs;
  const [ysN, ysC, ysH, ysW] = g.ys;
  const X = x.data;
  const Y = new Float32Array(N * C * Ho * Wo);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xB = n * xsN + c * xsC;
      const yB = n * ysN + c * ysC;
      for (let oy = 0; oy < Ho; oy++) {
        const hs = oy * sh - pt;
        const h0 = hs < 0 ? 0 : hs;
        const h1 = Math.min(hs + kh, H);
        for (let ox = 0; ox < Wo; ox++) {
          const ws = ox * sw - pl;
          const w0 = ws < 0 ? 0 : ws;
          const w1 = Math.min(ws + kw, W);
          if (h1 <= h0 || w1 <= w0) throw emptyWindowError('maxPool', p);
          let m = X[xB + h0 * xsH + w0 * xsW]!;
          for (let iy = h0; iy < h1; iy++) {
            const row = xB + iy * xsH;
            for (let ix = w0; ix < w1; ix++) {
              const v = X[row + ix * xsW]!;
              if (v > m) m = v;
            }
          }
          Y[yB + oy * ysH + ox * ysW] = m;
        }
      }
    }
  }
  return { shape: [...g.yShape], data: Y };
}
