/** A box of x (begin, size per axis; size −1 = to the end) as a strided read. */
import { ShapeError } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { fmt, stridesOf } from './source.js';
import { stridedRead } from './strided.js';

export function slice(rt: GpujsRuntime, x: GpuTensor, begin: readonly number[], size: readonly number[]): GpuTensor {
  const r = x.shape.length;
  if (begin.length !== r || size.length !== r) throw new ShapeError(`slice: begin/size must have rank ${r} for ${fmt(x.shape)}`);
  const out = size.map((s, k) => (s === -1 ? x.shape[k]! - begin[k]! : s));
  if (out.some((s, k) => begin[k]! < 0 || s < 0 || begin[k]! + s > x.shape[k]!)) {
    throw new ShapeError(`slice: begin [${begin.join(', ')}] size [${size.join(', ')}] is outside ${fmt(x.shape)}`);
  }
  const s = stridesOf(x.shape);
  return stridedRead(rt, x, out, s, begin.reduce((a, b, k) => a + b * s[k]!, 0));
}
