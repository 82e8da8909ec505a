/** Select along an axis by an index list (indices passed as data). */
import { ShapeError } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import { GpuTensor } from '../tensor.js';
import { checkSize, fmt, normAxis, divmod } from './source.js';

export function gather(rt: GpujsRuntime, x: GpuTensor, indices: readonly number[], axis: number): GpuTensor {
  const r = x.shape.length;
  const a = normAxis(axis, r, 'gather');
  const A = x.shape[a]!;
  if (indices.some((i) => !Number.isInteger(i) || i < 0 || i >= A)) {
    throw new ShapeError(`gather: indices [${indices.join(', ')}] out of range [0, ${A}) on axis ${a} of ${fmt(x.shape)}`);
  }
  const out = x.shape.map((d, k) => (k === a ? indices.length : d));
  if (checkSize('gather', out) === 0) return new GpuTensor(out, null);
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const J = indices.length;
  // thread = (outer · J + j) · inner + rest
  const src =
    `function(x, idx) {\n${divmod('q', 'rest', 'this.thread.x', inner)}\n${divmod('outer', 'j', 'q', J)}\n` +
    `return x[(outer * ${A} + idx[j]) * ${inner} + rest];\n}`;
  return rt.run(src, out, [x.data!, Float32Array.from(indices)]);
}
