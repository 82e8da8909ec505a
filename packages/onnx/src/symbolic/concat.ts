/** concat → Concat(axis). */
import { ShapeError } from '@glasswing/core';
import type { Sym } from './builder.js';
import { fmt, normAxis, type SymContext } from './context.js';

export function concat(ctx: SymContext, xs: readonly Sym[], axis: number): Sym {
  if (xs.length === 0) throw new ShapeError('concat: needs at least one tensor');
  const rank = xs[0]!.shape.length;
  const a = normAxis(axis, rank, 'concat');
  const shape = [...xs[0]!.shape];
  shape[a] = 0;
  for (const x of xs) {
    if (x.shape.length !== rank || x.shape.some((d, i) => i !== a && d !== xs[0]!.shape[i])) {
      throw new ShapeError(`concat: ${fmt(x.shape)} does not match ${fmt(xs[0]!.shape)} outside axis ${a}`);
    }
    shape[a] += x.shape[a]!;
  }
  if (xs.length === 1) return xs[0]!;
  return ctx.b.node1('Concat', xs, { axis: { i: a } }, shape);
}
