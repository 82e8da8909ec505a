/** gather → Gather(axis) with a constant int64 index list. */
import { ShapeError } from '@glasswing/core';
import type { Sym } from './builder.js';
import { normAxis, type SymContext } from './context.js';

export function gather(ctx: SymContext, x: Sym, indices: readonly number[], axis: number): Sym {
  const a = normAxis(axis, x.shape.length, 'gather');
  const dim = x.shape[a]!;
  if (indices.some((i) => !Number.isInteger(i) || i < 0 || i >= dim)) {
    throw new ShapeError(`gather: indices [${indices.join(', ')}] out of range [0, ${dim}) on axis ${a}`);
  }
  const shape = [...x.shape];
  shape[a] = indices.length;
  return ctx.b.node1('Gather', [x, ctx.b.int64(indices)], { axis: { i: a } }, shape);
}
