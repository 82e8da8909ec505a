/** Direct 2-D cross-correlation (stride, padding, dilation, groups; NCHW/OIHW or NHWC/HWIO), one output cell per thread. */
import type { Conv2DParams } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import { GpuTensor } from '../tensor.js';
import { cellCoords, convGeometry } from './conv-geometry.js';
import { checkSize, divmod } from './source.js';

export function conv2d(rt: GpujsRuntime, x: GpuTensor, w: GpuTensor, p: Conv2DParams): GpuTensor {
  const g = convGeometry(x.shape, w.shape, p, 'conv2d');
  if (checkSize('conv2d', g.yShape) === 0 || x.size === 0) return new GpuTensor(g.yShape, null);
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const [xn, xc, xh, xw] = g.xs;
  const [wo, wc, wy, wx] = g.ws;
  const src = `function(x, w) {
${cellCoords('o', p.layout, g.N, g.O, g.Ho, g.Wo)}
${divmod('grp', 'ol', 'oc', g.Og)}
const xb = on * ${xn} + grp * ${g.Cg * xc};
const wb = oc * ${wo};
let s = 0;
for (let ky = 0; ky < ${g.kh}; ky++) {
  const iy = oh * ${sh} - ${p.pads[0]} + ky * ${dh};
  if (iy >= 0 && iy < ${g.H}) {
    for (let kx = 0; kx < ${g.kw}; kx++) {
      const ix = ow * ${sw} - ${p.pads[1]} + kx * ${dw};
      if (ix >= 0 && ix < ${g.W}) {
        const xo = xb + iy * ${xh} + ix * ${xw};
        const wk = wb + ky * ${wy} + kx * ${wx};
        for (let ci = 0; ci < ${g.Cg}; ci++) { s += x[xo + ci * ${xc}] * w[wk + ci * ${wc}]; }
      }
    }
  }
}
return s;
}`;
  return rt.run(src, g.yShape, [x.data!, w.data!]);
}
