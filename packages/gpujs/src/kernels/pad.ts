/**
 * Constant padding, ONNX pad order [b_0 … b_{r−1}, e_0 … e_{r−1}]; negative pads crop. Each output
 * cell reads its source cell or, outside the input, the pad value (passed as data).
 */
import { ShapeError } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import { GpuTensor } from '../tensor.js';
import { checkSize, coords, fmt, stridesOf } from './source.js';

export function pad(rt: GpujsRuntime, x: GpuTensor, pads: readonly number[], value: number): GpuTensor {
  const r = x.shape.length;
  if (pads.length !== 2 * r || pads.some((p) => !Number.isInteger(p))) {
    throw new ShapeError(`pad: pads [${pads.join(', ')}] must be ${2 * r} integers for ${fmt(x.shape)}`);
  }
  const out = x.shape.map((d, k) => pads[k]! + d + pads[k + r]!);
  if (out.some((d) => d < 0)) throw new ShapeError(`pad: pads [${pads.join(', ')}] crop more than ${fmt(x.shape)} holds`);
  if (checkSize('pad', out) === 0) return new GpuTensor(out, null);
  const v = new Float32Array([value]);
  if (x.size === 0) return rt.run('function(v) { return v[0]; }', out, [v]);
  const s = stridesOf(x.shape);
  const conds: string[] = [];
  const terms: string[] = [];
  x.shape.forEach((d, k) => {
    const b = pads[k]!;
    if (b > 0) conds.push(`c${k} >= ${b}`);
    if (b + d < out[k]!) conds.push(`c${k} < ${b + d}`);
    if (d > 1) terms.push(`(c${k} - ${b}) * ${s[k]}`);
  });
  const index = terms.length ? terms.join(' + ') : '0';
  const read = conds.length ? `if (${conds.join(' && ')}) { return x[${index}]; }\nreturn v[0];` : `return x[${index}];`;
  return rt.run(`function(x, v) {\n${coords('c', out)}\n${read}\n}`, out, [x.data!, v]);
}
