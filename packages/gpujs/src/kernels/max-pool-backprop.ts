/**
 * Gradient of max pooling, gather-style: each input cell collects dy from every window that
 * contains it and whose FIRST maximal cell (row-major) it is — PyTorch's rule; overlaps add up.
 */
import { ShapeError, type Pool2DParams } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { cellCoords } from './conv-geometry.js';
import { poolGeometry, windowRange } from './pool-geometry.js';
import { divmod, fmt } from './source.js';

export function maxPoolBackprop(rt: GpujsRuntime, dy: GpuTensor, x: GpuTensor, p: Pool2DParams): GpuTensor {
  const g = poolGeometry(x.shape, p, 'maxPoolBackprop');
  if (dy.shape.length !== 4 || dy.shape.some((d, k) => d !== g.yShape[k])) {
    throw new ShapeError(`maxPoolBackprop: dy ${fmt(dy.shape)} should be ${fmt(g.yShape)}`);
  }
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.strides;
  const [xn, xc, xh, xw] = g.xs;
  const [yn, yc, yh, yw] = g.ys;
  const src = `function(x, dy) {
${cellCoords('u', p.layout, g.N, g.C, g.H, g.W)}
const b = un * ${xn} + uc * ${xc};
const yb = un * ${yn} + uc * ${yc};
let s = 0;
for (let dyk = 0; dyk < ${kh}; dyk++) {
  const ty = uh + ${p.pads[0]} - dyk;
  ${divmod('oh', 'ry', 'ty', sh)}
  if (ry === 0 && oh >= 0 && oh < ${g.Ho}) {
    for (let dxk = 0; dxk < ${kw}; dxk++) {
      const tx = uw + ${p.pads[1]} - dxk;
      ${divmod('ow', 'rx', 'tx', sw)}
      if (rx === 0 && ow >= 0 && ow < ${g.Wo}) {
        ${windowRange('r', 'oh', g.H, kh, sh, p.pads[0], p.pads[2], false)}
        ${windowRange('q', 'ow', g.W, kw, sw, p.pads[1], p.pads[3], false)}
        let m = 0; let found = 0; let by = 0; let bx = 0;
        for (let ky = 0; ky < ${kh}; ky++) {
          const iy = r0 + ky;
          if (iy < r1) {
            for (let kx = 0; kx < ${kw}; kx++) {
              const ix = q0 + kx;
              if (ix < q1) {
                const v = x[b + iy * ${xh} + ix * ${xw}];
                if (found === 0 || v > m) { m = v; found = 1; by = iy; bx = ix; }
              }
            }
          }
        }
        if (by === uh && bx === uw) { s += dy[yb + oh * ${yh} + ow * ${yw}]; }
      }
    }
  }
}
return s;
}`;
  return rt.run(src, [...x.shape], [x.data!, dy.data!]);
}
