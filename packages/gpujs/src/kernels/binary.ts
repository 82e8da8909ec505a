/** Element-wise binary kernels with numpy broadcasting (`a`, `b` the operand elements). */
import type { GpujsRuntime } from '../runtime.js';
import { GpuTensor } from '../tensor.js';
import { broadcastShapes, broadcastStrides, checkSize, coords, dot, simplify } from './source.js';

export function mapBinary(rt: GpujsRuntime, x: GpuTensor, y: GpuTensor, expr: string, what: string): GpuTensor {
  const out = broadcastShapes(x.shape, y.shape, what);
  if (checkSize(what, out) === 0) return new GpuTensor(out, null);
  const { dims, strides } = simplify(out, [broadcastStrides(x.shape, out), broadcastStrides(y.shape, out)]);
  const src = `function(x, y) {\n${coords('c', dims)}\nconst a = x[${dot('c', strides[0]!)}];\nconst b = y[${dot('c', strides[1]!)}];\nreturn ${expr};\n}`;
  return rt.run(src, out, [x.data!, y.data!]);
}

export const add = (rt: GpujsRuntime, a: GpuTensor, b: GpuTensor) => mapBinary(rt, a, b, 'a + b', 'add');
export const sub = (rt: GpujsRuntime, a: GpuTensor, b: GpuTensor) => mapBinary(rt, a, b, 'a - b', 'sub');
export const mul = (rt: GpujsRuntime, a: GpuTensor, b: GpuTensor) => mapBinary(rt, a, b, 'a * b', 'mul');
export const div = (rt: GpujsRuntime, a: GpuTensor, b: GpuTensor) => mapBinary(rt, a, b, 'a / b', 'div');
