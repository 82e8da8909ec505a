/** Average pooling (NCHW or NHWC) with countIncludePad and ceilMode. */
import type { Pool2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { avgDivisor, emptyWindowError, poolGeometry } from './poolGeometry.js';
import { checkTensor } from './util.js';

export function avgPool(x: Tensor, p: Pool2DParams): Tensor {
  checkTensor(x, 'avgPool');
  const g = poolGeometry(x.shape, p, 'avgPool');
  const { N, C, H, W, kh, kw, sh, sw, pt, pl, Ho, Wo } = g;
  const [xsN, xsC, xsH, xsW] = g.xs;
  const [ysN, ysC, ysH, ysW] = g.ys;
  const incl = p.countIncludePad === true;
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
          const div = avgDivisor(g, hs, ws, incl);
          if (div === 0) throw emptyWindowError('avgPool', p);
          let s = 0;
          for (let iy = h0; iy < h1; iy++) {
            const row = xB + iy * xsH;
            for (let ix = w0; ix < w1; ix++) s += X[row + ix * xsW]!;
          }
          Y[yB + oy * ysH + ox * ysW] = s / div;
        }
      }
    }
  }
  return { shape: [...g.yShape], data: Y };
}
