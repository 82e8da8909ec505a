/** Element-wise unary kernels: one gpu.js kernel per op, `v` the input element. */
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';

export function mapUnary(rt: GpujsRuntime, x: GpuTensor, expr: string, extra: readonly Float32Array[] = []): GpuTensor {
  return mapUnaryBody(rt, x, `return ${expr};`, extra);
}

/** As mapUnary, with statements ending in a return (`p0`, `p1`, … the extra data arguments). */
export function mapUnaryBody(rt: GpujsRuntime, x: GpuTensor, body: string, extra: readonly Float32Array[] = []): GpuTensor {
  const names = extra.map((_, i) => `p${i}`);
  const src = `function(${['x', ...names].join(', ')}) {\nconst v = x[this.thread.x];\n${body}\n}`;
  return rt.run(src, x.shape, [x.data!, ...extra].filter((d) => d !== null));
}

export const neg = (rt: GpujsRuntime, x: GpuTensor) => mapUnary(rt, x, '-v');
export const abs = (rt: GpujsRuntime, x: GpuTensor) => mapUnary(rt, x, 'Math.abs(v)');
export const exp = (rt: GpujsRuntime, x: GpuTensor) => mapUnary(rt, x, 'Math.exp(v)');
export const sqrt = (rt: GpujsRuntime, x: GpuTensor) => mapUnary(rt, x, 'Math.sqrt(v)');
export const relu = (rt: GpujsRuntime, x: GpuTensor) => mapUnary(rt, x, '(v > 0 ? v : 0)');
/** Two-sided form: exp never overflows to produce Infinity/Infinity. */
export const sigmoid = (rt: GpujsRuntime, x: GpuTensor) =>
  mapUnary(rt, x, '(v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)))');
export const tanh = (rt: GpujsRuntime, x: GpuTensor) => mapUnary(rt, x, 'Math.tanh(v)');
