/** Join along an axis: one generated kernel reads each output cell from the input that covers it. */
import { ShapeError } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import { GpuTensor } from '../tensor.js';
import { checkSize, divmod, fmt, normAxis } from './source.js';

export function concat(rt: GpujsRuntime, xs: readonly GpuTensor[], axis: number): GpuTensor {
  if (xs.length === 0) throw new ShapeError('concat: no inputs');
  const first = xs[0]!.shape;
  const a = normAxis(axis, first.length, 'concat');
  for (const x of xs) {
    if (x.shape.length !== first.length || x.shape.some((d, k) => k !== a && d !== first[k])) {
      throw new ShapeError(`concat: shapes ${xs.map((t) => fmt(t.shape)).join(', ')} differ off axis ${a}`);
    }
  }
  const parts = xs.filter((x) => x.size > 0);
  const total = xs.reduce((p, x) => p + x.shape[a]!, 0);
  const out = first.map((d, k) => (k === a ? total : d));
  if (checkSize('concat', out) === 0) return new GpuTensor(out, null);
  if (parts.length === 1) return new GpuTensor(out, parts[0]!.data);
  const inner = first.slice(a + 1).reduce((p, d) => p * d, 1);
  const lines = [divmod('q', 'rest', 'this.thread.x', inner), divmod('outer', 'j', 'q', total)];
  let start = 0;
  parts.forEach((x, i) => {
    const len = x.shape[a]!;
    const read = `x${i}[(outer * ${len} + j - ${start}) * ${inner} + rest]`;
    lines.push(i === parts.length - 1 ? `return ${read};` : `if (j < ${start + len}) { return ${read}; }`);
    start += len;
  });
  const src = `function(${parts.map((_, i) => `x${i}`).join(', ')}) {\n${lines.join('\n')}\n}`;
  return rt.run(src, out, parts.map((x) => x.data!));
}
