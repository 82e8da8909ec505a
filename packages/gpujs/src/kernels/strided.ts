/** The shared strided-read kernel: out[c] = x[offset + Σ c_k·s_k] (transpose, slice, broadcastTo). */
import type { GpujsRuntime } from '../runtime.js';
import { GpuTensor } from '../tensor.js';
import { checkSize, coords, dot, simplify } from './source.js';

export function stridedRead(rt: GpujsRuntime, x: GpuTensor, outShape: readonly number[], strides: readonly number[], offset: number): GpuTensor {
  const n = checkSize('strided read', outShape);
  if (n === 0) return new GpuTensor(outShape, null);
  const { dims, strides: [s] } = simplify(outShape, [strides]);
  // A contiguous read of the whole input is the input itself (values are immutable).
  if (offset === 0 && n === x.size && (dims.length === 0 || (dims.length === 1 && s![0] === 1))) return new GpuTensor(outShape, x.data);
  const src = `function(x) {\n${coords('c', dims)}\nreturn x[${dot('c', s!, offset)}];\n}`;
  return rt.run(src, outShape, [x.data!]);
}
