/** Gradient of average pooling, gather-style: each input cell sums dy / divisor over the windows containing it. */
import { ShapeError, type Pool2DParams } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { cellCoords } from './conv-geometry.js';
import { poolGeometry, windowRange } from './pool-geometry.js';
import { divmod, fmt } from './source.js';

export function avgPoolBackprop(rt: GpujsRuntime, dy: GpuTensor, inputShape: readonly number[], p: Pool2DParams): GpuTensor {
  const g = poolGeometry(inputShape, p, 'avgPoolBackprop');
  if (dy.shape.length !== 4 || dy.shape.some((d, k) => d !== g.yShape[k])) {
    throw new ShapeError(`avgPoolBackprop: dy ${fmt(dy.shape)} should be ${fmt(g.yShape)}`);
  }
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.strides;
  const [yn, yc, yh, yw] = g.ys;
  const incl = p.countIncludePad === true;
  const src = `function(dy) {
${cellCoords('u', p.layout, g.N, g.C, g.H, g.W)}
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
        ${windowRange('r', 'oh', g.H, kh, sh, p.pads[0], p.pads[2], incl)}
        ${windowRange('q', 'ow', g.W, kw, sw, p.pads[1], p.pads[3], incl)}
        s += dy[yb + oh * ${yh} + ow * ${yw}] / (rn * qn);
      }
    }
  }
}
return s;
}`;
  return rt.run(src, [...inputShape], [dy.data!]);
}
