/**
 * Gradient of conv2d w.r.t. its input, gather-style: each input cell sums dy over the output
 * cells whose window taps it (exact integer stride test), times the tapping weight.
 */
import { ShapeError, type Conv2DParams } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import { GpuTensor } from '../tensor.js';
import { cellCoords, convGeometry } from './conv-geometry.js';
import { checkSize, divmod, fmt } from './source.js';

export function conv2dBackpropInput(rt: GpujsRuntime, dy: GpuTensor, w: GpuTensor, inputShape: readonly number[], p: Conv2DParams): GpuTensor {
  const g = convGeometry(inputShape, w.shape, p, 'conv2dBackpropInput');
  if (dy.shape.length !== 4 || dy.shape.some((d, k) => d !== g.yShape[k])) {
    throw new ShapeError(`conv2dBackpropInput: dy ${fmt(dy.shape)} should be ${fmt(g.yShape)} for input ${fmt(inputShape)}`);
  }
  if (checkSize('conv2dBackpropInput', inputShape) === 0) return new GpuTensor([...inputShape], null);
  if (dy.size === 0) return rt.run('function(v) { return v[0]; }', [...inputShape], [new Float32Array([0])]);
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const [yn, yc, yh, yw] = g.ys;
  const [wo, wc, wy, wx] = g.ws;
  const src = `function(dy, w) {
${cellCoords('u', p.layout, g.N, g.C, g.H, g.W)}
${divmod('grp', 'cl', 'uc', g.Cg)}
const yb = un * ${yn} + grp * ${g.Og * yc};
const wb = grp * ${g.Og * wo} + cl * ${wc};
let s = 0;
for (let ky = 0; ky < ${g.kh}; ky++) {
  const ty = uh + ${p.pads[0]} - ky * ${dh};
  ${divmod('oy', 'ry', 'ty', sh)}
  if (ry === 0 && oy >= 0 && oy < ${g.Ho}) {
    for (let kx = 0; kx < ${g.kw}; kx++) {
      const tx = uw + ${p.pads[1]} - kx * ${dw};
      ${divmod('ox', 'rx', 'tx', sw)}
      if (rx === 0 && ox >= 0 && ox < ${g.Wo}) {
        const yo = yb + oy * ${yh} + ox * ${yw};
        const wk = wb + ky * ${wy} + kx * ${wx};
        for (let o = 0; o < ${g.Og}; o++) { s += dy[yo + o * ${yc}] * w[wk + o * ${wo}]; }
      }
    }
  }
}
return s;
}`;
  return rt.run(src, [...inputShape], [dy.data!, w.data!]);
}
