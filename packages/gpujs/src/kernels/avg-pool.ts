/** Average pooling: window sum over its divisor (cells inside the input, or input + pads with countIncludePad). */
import type { Pool2DParams } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { cellCoords } from './conv-geometry.js';
import { poolGeometry, windowRange } from './pool-geometry.js';
import { checkSize } from './source.js';

export function avgPool(rt: GpujsRuntime, x: GpuTensor, p: Pool2DParams): GpuTensor {
  const g = poolGeometry(x.shape, p, 'avgPool');
  checkSize('avgPool', g.yShape);
  const [kh, kw] = p.kernel;
  const [xn, xc, xh, xw] = g.xs;
  const incl = p.countIncludePad === true;
  const src = `function(x) {
${cellCoords('o', p.layout, g.N, g.C, g.Ho, g.Wo)}
${windowRange('r', 'oh', g.H, kh, p.strides[0], p.pads[0], p.pads[2], incl)}
${windowRange('q', 'ow', g.W, kw, p.strides[1], p.pads[1], p.pads[3], incl)}
const b = on * ${xn} + oc * ${xc};
let s = 0;
for (let ky = 0; ky < ${kh}; ky++) {
  const iy = r0 + ky;
  if (iy < r1) {
    for (let kx = 0; kx < ${kw}; kx++) {
      const ix = q0 + kx;
      if (ix < q1) { s += x[b + iy * ${xh} + ix * ${xw}]; }
    }
  }
}
return s / (rn * qn);
}`;
  return rt.run(src, g.yShape, [x.data!]);
}
