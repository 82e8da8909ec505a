/**
 * Sum over axes: each output cell loops over its reduced cells (reduced dims merged where they
 * are contiguous, so a global spatial sum is one stride-1 loop). Accumulates with Kahan
 * compensation, so long float32 sums (global pooling) stay within float32 rounding.
 */
import { ShapeError } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import { GpuTensor } from '../tensor.js';
import { checkSize, coords, dot, fmt, simplify, stridesOf } from './source.js';

export function sum(rt: GpujsRuntime, x: GpuTensor, axes: readonly number[], keepDims: boolean): GpuTensor {
  const r = x.shape.length;
  const norm = [...new Set(axes.map((a) => (a < 0 ? a + r : a)))];
  if (norm.some((a) => !Number.isInteger(a) || a < 0 || a >= r)) throw new ShapeError(`sum: axes [${axes.join(', ')}] out of range for ${fmt(x.shape)}`);
  const red = new Set(norm);
  const s = stridesOf(x.shape);
  const keptDims = x.shape.filter((_, k) => !red.has(k));
  const keptStrides = s.filter((_, k) => !red.has(k));
  const out = keepDims ? x.shape.map((d, k) => (red.has(k) ? 1 : d)) : keptDims;
  if (checkSize('sum', out) === 0) return new GpuTensor(out, null);
  const redDims = x.shape.filter((_, k) => red.has(k));
  const R = redDims.reduce((p, d) => p * d, 1);
  if (R === 0) return rt.run('function(v) { return v[0]; }', out, [new Float32Array([0])]);
  if (R === 1) return new GpuTensor(out, x.data);
  const o = simplify(keptDims, [keptStrides]);
  const q = simplify(redDims, [s.filter((_, k) => red.has(k))]);
  const src =
    `function(x) {\n${coords('c', o.dims)}\nconst base = ${dot('c', o.strides[0]!)};\n` +
    `let acc = 0; let comp = 0;\nfor (let j = 0; j < ${R}; j++) {\n${coords('r', q.dims, 'j')}\n` +
    `const y = x[base + ${dot('r', q.strides[0]!)}] - comp; const t = acc + y; comp = (t - acc) - y; acc = t;\n}\nreturn acc;\n}`;
  return rt.run(src, out, [x.data!]);
}
