/** reshape → Reshape with a constant int64 shape (-1 resolved here). */
import { ShapeError, sizeOf } from '@glasswing/core';
import type { Sym } from './builder.js';
import { fmt, sameShape, type SymContext } from './context.js';

export function resolveShape(from: readonly number[], shape: readonly number[]): number[] {
  const total = sizeOf(from);
  const known = shape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const out = shape.map((d) => (d === -1 ? (known === 0 ? 0 : total / known) : d));
  if (shape.filter((d) => d === -1).length > 1 || out.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(out) !== total) {
    throw new ShapeError(`reshape: cannot reshape ${fmt(from)} to ${fmt(shape)}`);
  }
  return out;
}

export function reshape(ctx: SymContext, x: Sym, shape: readonly number[]): Sym {
  const out = resolveShape(x.shape, shape);
  if (sameShape(out, x.shape)) return x;
  const fill = ctx.b.scalarOf(x);
  if (fill !== undefined && !ctx.b.host(x)) return ctx.b.fill(out, fill);
  return ctx.b.node1('Reshape', [x, ctx.b.int64(out)], {}, out);
}
