/**
 * Gradient of max pooling: each window's output gradient goes to its FIRST maximal input cell
 * in row-major window order (padded cells never win); overlapping windows accumulate.
 */
import type { Pool2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { emptyWindowError, poolGeometry, windowArgmax, windowArgmaxChannels } from './pool-geometry.js';
import { checkDyShape, checkTensor } from './util.js';

export function maxPoolBackprop(dy: Tensor, x: Tensor, p: Pool2DParams): Tensor {
  checkTensor(dy, 'maxPoolBackprop (dy)');
  checkTensor(x, 'maxPoolBackprop (x)');
  const g = poolGeometry(x.shape, p, 'maxPoolBackprop');
  checkDyShape('maxPoolBackprop', dy, g.yShape, x.shape, 'pool');
  const { N, C, Ho, Wo } = g;
  const [xsN, xsC, xsH, xsW] = g.xs;
  const [ysN, ysC, ysH, ysW] = g.ys;
  const { lo: h0s, hi: h1s } = g.rows;
  const { lo: w0s, hi: w1s } = g.cols;
  const X = x.data;
  const D = dy.data;
  const DX = new Float32Array(X.length);
  if (xsC === 1 && ysC === 1) {
    // Channels-last: one pass per window over all channels (contiguous); all-zero windows skipped.
    const idx = new Int32Array(C);
    const val = new Float64Array(C);
    for (let n = 0; n < N; n++) {
      for (let oy = 0; oy < Ho; oy++) {
        const h0 = h0s[oy]!;
        const h1 = h1s[oy]!;
        for (let ox = 0; ox < Wo; ox++) {
          const yB = n * ysN + oy * ysH + ox * ysW;
          let any = false;
          for (let c = 0; c < C; c++) {
            if (D[yB + c] !== 0) {
              any = true;
              break;
            }
          }
          if (!any) continue;
          const w0 = w0s[ox]!;
          const w1 = w1s[ox]!;
          if (h1 <= h0 || w1 <= w0) throw emptyWindowError('maxPoolBackprop', p);
          windowArgmaxChannels(X, n * xsN, h0, h1, w0, w1, xsH, xsW, C, idx, val);
          for (let c = 0; c < C; c++) {
            const d = D[yB + c]!;
            if (d !== 0) DX[idx[c]!] += d;
          }
        }
      }
    }
    return { shape: [...x.shape], data: DX };
  }
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xB = n * xsN + c * xsC;
      const yB = n * ysN + c * ysC;
      for (let oy = 0; oy < Ho; oy++) {
        const h0 = h0s[oy]!;
        const h1 = h1s[oy]!;
        for (let ox = 0; ox < Wo; ox++) {
          const d = D[yB + oy * ysH + ox * ysW]!;
          if (d === 0) continue;
          const w0 = w0s[ox]!;
          const w1 = w1s[ox]!;
          if (h1 <= h0 || w1 <= w0) throw emptyWindowError('maxPoolBackprop', p);
          DX[windowArgmax(X, xB, h0, h1, w0, w1, xsH, xsW)] += d;
        }
      }
    }
  }
  return { shape: [...x.shape], data: DX };
}
