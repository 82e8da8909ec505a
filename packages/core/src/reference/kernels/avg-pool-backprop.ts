/** Gradient of average pooling: each window's gradient is spread evenly over its counted input cells. */
import type { Pool2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
import { emptyWindowError, poolGeometry } from './pool-geometry.js';
import { checkDyShape, checkShape, checkTensor, sizeOfShape } from './util.js';

export function avgPoolBackprop(dy: Tensor, inputShape: readonly number[], p: Pool2DParams): Tensor {
  checkTensor(dy, 'avgPoolBackprop (dy)');
  const xShape = checkShape(inputShape, 'avgPoolBackprop (inputShape)');
  const g = poolGeometry(xShape, p, 'avgPoolBackprop');
  checkDyShape('avgPoolBackprop', dy, g.yShape, xShape, 'pool');
  const { N, C, Ho, Wo } = g;
  const [xsN, xsC, xsH, xsW] = g.xs;
  const [ysN, ysC, ysH, ysW] = g.ys;
  const { lo: h0s, hi: h1s, count: hCount } = g.rows;
  const { lo: w0s, hi: w1s, count: wCount } = g.cols;
  const D = dy.data;
  const DX = new Float32Array(sizeOfShape(xShape));
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xB = n * xsN + c * xsC;
      const yB = n * ysN + c * ysC;
      for (let oy = 0; oy < Ho; oy++) {
        const h0 = h0s[oy]!;
        const h1 = h1s[oy]!;
        for (let ox = 0; ox < Wo; ox++) {
          const div = hCount[oy]! * wCount[ox]!;
          if (div === 0) throw emptyWindowError('avgPoolBackprop', p);
          const d = D[yB + oy * ysH + ox * ysW]!;
          if (d === 0) continue;
          const share = d / div;
          const w0 = w0s[ox]!;
          const w1 = w1s[ox]!;
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
