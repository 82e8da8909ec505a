/**
 * Gradient of max pooling: each window's output gradient goes to its FIRST maximal input cell
 * in row-major window order (padded cells never win); overlapping windows accumulate.
 */
import { ShapeError } from '../../errors.js';
import type { Pool2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { emptyWindowError, poolGeometry } from './poolGeometry.js';
import { checkTensor, fmt } from './util.js';

export function maxPoolBackprop(dy: Tensor, x: Tensor, p: Pool2DParams): Tensor {
  checkTensor(dy, 'maxPoolBackprop (dy)');
  checkTensor(x, 'maxPoolBackprop (x)');
  const g = poolGeometry(x.shape, p, 'maxPoolBackprop');
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== g.yShape[i])) {
    throw new ShapeError(`maxPoolBackprop: dy ${fmt(dy.shape)} does not match the pool output ${fmt(g.yShape)} for input ${fmt(x.shape)}`);
  }
  const { N, C, H, W, kh, kw, sh, sw, pt, pl, Ho, Wo } = g;
  const [xsN, xsC, xsH, xsW] = g.xs;
  const [ysN, ysC, ysH, ysW] = g.ys;
  const X = x.data;
  const D = dy.data;
  const DX = new Float32Array(X.length);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xB = n * xsN + c * xsC;
      const yB = n * ysN + c * ysC;
      for (let oy = 0; oy < Ho; oy++) {
        const hs = oy * sh - pt;
        const h0 = hs < 0 ? 0 : hs;
        const h1 = Math.min(hs + kh, H);
        for (let ox = 0; ox < Wo; ox++) {
          const d = D[yB + oy * ysH + ox * ysW]!;
          if (d === 0) continue;
          const ws = ox * sw - pl;
          const w0 = ws < 0 ? 0 : ws;
          const w1 = Math.min(ws + kw, W);
          if (h1 <= h0 || w1 <= w0) throw emptyWindowError('maxPoolBackprop', p);
          let best = xB + h0 * xsH + w0 * xsW;
          let m = X[best]!;
          for (let iy = h0; iy < h1; iy++) {
            const row = xB + iy * xsH;
            for (let ix = w0; ix < w1; ix++) {
              const at = row + ix * xsW;
              if (X[at]! > m) {
                m = X[at]!;
                best = at;
              }
            }
          }
          DX[best] += d;
        }
      }
    }
  }
  return { shape: [...x.shape], data: DX };
}
