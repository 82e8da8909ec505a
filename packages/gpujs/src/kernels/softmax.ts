/** Softmax along an axis, max-shifted: each cell scans its row (max, then Σ exp) and divides. */
import type { GpujsRuntime } from '../runtime.js';
import { GpuTensor } from '../tensor.js';
import { divmod, normAxis } from './source.js';

export function softmax(rt: GpujsRuntime, x: GpuTensor, axis: number): GpuTensor {
  const a = normAxis(axis, x.shape.length, 'softmax');
  if (x.size === 0) return new GpuTensor(x.shape, null);
  const A = x.shape[a] ?? 1;
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const src =
    `function(x) {\n${divmod('q', 'rest', 'this.thread.x', inner)}\n${divmod('outer', 'j', 'q', A)}\n` +
    `const base = outer * ${A * inner} + rest;\nlet m = x[base];\n` +
    `for (let k = 1; k < ${A}; k++) { m = Math.max(m, x[base + k * ${inner}]); }\n` +
    `let s = 0;\nfor (let k = 0; k < ${A}; k++) { s += Math.exp(x[base + k * ${inner}] - m); }\n` +
    `return Math.exp(x[this.thread.x] - m) / s;\n}`;
  return rt.run(src, x.shape, [x.data!]);
}
