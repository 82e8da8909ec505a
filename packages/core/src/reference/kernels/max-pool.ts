/** Max pooling (NCHW or NHWC); padded cells never win. */
import type { Pool2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { emptyWindowError, poolGeometry, windowArgmax, windowArgmaxChannels } from './pool-geometry.js';
import { checkTensor } from './util.js';

export function maxPool(x: Tensor, p: Pool2DParams): Tensor {
  checkTensor(x, 'maxPool');
  const g = poolGeometry(x.shape, p, 'maxPool');
  const { N, C, Ho, Wo } = g;
  const [xsN, xsC, xsH, xsW] = g.xs;
  const [ysN, ysC, ysH, ysW] = g.ys;
  const { lo: h0s, hi: h1s } = g.rows;
  const { lo: w0s, hi: w1s } = g.cols;
  const X = x.data;
  const Y = new Float32Array(N * C * Ho * Wo);
  if (xsC === 1 && ysC === 1) {
    // Channels-last: one pass per window over all channels (contiguous).
    const idx = new Int32Array(C);
    const val = new Float64Array(C);
    for (let n = 0; n < N; n++) {
      for (let oy = 0; oy < Ho; oy++) {
        const h0 = h0s[oy]!;
        const h1 = h1s[oy]!;
        for (let ox = 0; ox < Wo; ox++) {
          const w0 = w0s[ox]!;
          const w1 = w1s[ox]!;
          if (h1 <= h0 || w1 <= w0) throw emptyWindowError('maxPool', p);
          windowArgmaxChannels(X, n * xsN, h0, h1, w0, w1, xsH, xsW, C, idx, val);
          const yB = n * ysN + oy * ysH + ox * ysW;
          for (let c = 0; c < C; c++) Y[yB + c] = val[c]!;
        }
      }
    }
    return { shape: [...g.yShape], data: Y };
  }
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xB = n * xsN + c * xsC;
      const yB = n * ysN + c * ysC;
      for (let oy = 0; oy < Ho; oy++) {
        const h0 = h0s[oy]!;
        const h1 = h1s[oy]!;
        for (let ox = 0; ox < Wo; ox++) {
          const w0 = w0s[ox]!;
          const w1 = w1s[ox]!;
          if (h1 <= h0 || w1 <= w0) throw emptyWindowError('maxPool', p);
          Y[yB + oy * ysH + ox * ysW] = X[windowArgmax(X, xB, h0, h1, w0, w1, xsH, xsW)]!;
        }
      }
    }
  }
  return { shape: [...g.yShape], data: Y };
}
