/** Average pooling (NCHW or NHWC) with countIncludePad and ceilMode. */
import type { Pool2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { emptyWindowError, poolGeometry } from './pool-geometry.js';
import { checkTensor } from './util.js';

export function avgPool(x: Tensor, p: Pool2DParams): Tensor {
  checkTensor(x, 'avgPool');
  const g = poolGeometry(x.shape, p, 'avgPool');
  const { N, C, Ho, Wo } = g;
  const [xsN, xsC, xsH, xsW] = g.xs;
  const [ysN, ysC, ysH, ysW] = g.ys;
  const { lo: h0s, hi: h1s, count: hCount } = g.rows;
  const { lo: w0s, hi: w1s, count: wCount } = g.cols;
  const X = x.data;
  const Y = new Float32Array(N * C * Ho * Wo);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xB = n * xsN + c * xsC;
      const yB = n * ysN + c * ysC;
      for (let oy = 0; oy < Ho; oy++) {
        const h0 = h0s[oy]!;
        const h1 = h1s[oy]!;
        for (let ox = 0; ox < Wo; ox++) {
          const div = hCount[oy]! * wCount[ox]!;
          if (div === 0) throw emptyWindowError('avgPool', p);
          const w0 = w0s[ox]!;
          const w1 = w1s[ox]!;
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
