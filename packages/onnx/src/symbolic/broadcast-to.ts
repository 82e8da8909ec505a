/** broadcastTo → Expand (a fill stays a fill). */
import { ShapeError } from '@glasswing/core';
import type { Sym } from './builder.js';
import { broadcastShape, fmt, sameShape, type SymContext } from './context.js';

export function broadcastTo(ctx: SymContext, x: Sym, shape: readonly number[]): Sym {
  if (!sameShape(broadcastShape(x.shape, shape, 'broadcastTo'), shape)) {
    throw new ShapeError(`broadcastTo: ${fmt(x.shape)} does not broadcast to ${fmt(shape)}`);
  }
  if (sameShape(x.shape, shape)) return x;
  const fill = ctx.b.scalarOf(x);
  if (fill !== undefined) return ctx.b.fill(shape, fill);
  return ctx.b.node1('Expand', [x, ctx.b.int64(shape)], {}, shape);
}
