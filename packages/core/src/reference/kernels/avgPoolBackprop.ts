/** Gradient of average pooling: each window's gradient is spread evenly over its counted input cells. */
import { ShapeError } from '../../errors.js';
import type { Pool2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { avgDivisor, emptyWindowError, poolGeometry } from './poolGeometry.js';
import { checkShape, checkTensor, fmt, sizeOfShape } from './util.js';

export function avgPoolBackprop(dy: Tensor, inputShape: readonly number[], p: Pool2DParams): Tensor {
  checkTensor(dy, 'avgPoolBackprop (dy)');
  const xShape = checkShape(inputShape, 'avgPoolBackprop (inputShape)');
  const g = poolGeometry(xShape, p, 'avgPoolBackprop');
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== g.yShape[i])) {
    throw new ShapeError(`avgPoolBackprop: dy ${fmt(dy.shape)} does not match the pool output ${fmt(g.yShape)} for input ${fmt(xShape)}`);
  }
  const { N, C, H, W, kh, kw, sh, sw, pt, pl, Ho, Wo } = g;
  const [xsN, xsC, xsH, xsW] = g.xs;
  const [ysN, ysC, ysH, ysW] = g.ys;
  const incl = p.countIncludePad === true;
  const D = dy.data;
  const DX = new Float32Array(sizeOfShape(xShape));
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
          const div = avgDivisor(g, hs, ws, incl);
          if (div === 0) throw emptyWindowError('avgPoolBackprop', p);
          const d = D[yB + oy * ysH + ox * ysW]!;
          if (d === 0) continue;
          const share = d / div;
          const w0 = ws < 0 ? 0 : ws;
          const w1 = Math.min(ws + kw, W);
          for (let iy = h0; iy < h1; iy++) {
            const row = xB + iy * xsH;
            for (let ix = w0; ix < w1; ix++) DX[row + ix * xsW] += share;
          }
        }
      }
    }
  }
  return { shape: xShape, data: DX };
}
