/** slice(x, begin, size) → Slice with constant starts/ends/axes (size -1 = to the end). */
import { ShapeError } from '@glasswing/core';
import type { Sym } from './builder.js';
import { fmt, sameShape, type SymContext } from './context.js';

export function slice(ctx: SymContext, x: Sym, begin: readonly number[], size: readonly number[]): Sym {
  const rank = x.shape.length;
  if (begin.length !== rank || size.length !== rank) {
    throw new ShapeError(`slice: begin [${begin.join(', ')}] and size [${size.join(', ')}] must both have rank ${rank} for ${fmt(x.shape)}`);
  }
  const shape = size.map((s, i) => (s === -1 ? x.shape[i]! - begin[i]! : s));
  shape.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 0 || begin[i]! < 0 || begin[i]! + s > x.shape[i]!) {
      throw new ShapeError(`slice: begin [${begin.join(', ')}] size [${size.join(', ')}] is out of bounds for ${fmt(x.shape)}`);
    }
  });
  if (sameShape(shape, x.shape)) return x;
  const axes = shape.map((_, i) => i).filter((i) => shape[i] !== x.shape[i]);
  const b = ctx.b;
  return b.node1('Slice', [x, b.int64(axes.map((i) => begin[i]!)), b.int64(axes.map((i) => begin[i]! + shape[i]!)), b.int64(axes)], {}, shape);
}
