/** transpose → Transpose(perm); Transpose∘Transpose composes (and cancels when the identity). */
import { ShapeError } from '@glasswing/core';
import type { Sym } from './builder.js';
import type { SymContext } from './context.js';

export function transpose(ctx: SymContext, x: Sym, perm: readonly number[]): Sym {
  const rank = x.shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new ShapeError(`transpose: perm [${perm.join(', ')}] is not a permutation of rank ${rank}`);
  }
  if (perm.every((p, i) => p === i)) return x;
  const fill = ctx.b.scalarOf(x);
  const shape = perm.map((p) => x.shape[p]!);
  if (fill !== undefined && !ctx.b.host(x)) return ctx.b.fill(shape, fill);
  const origin = ctx.b.origins.get(x.name);
  if (origin?.op === 'Transpose') return transpose(ctx, origin.input, perm.map((p) => origin.perm[p]!));
  const y = ctx.b.node1('Transpose', [x], { perm: { ints: perm } }, shape);
  ctx.b.origins.set(y.name, { op: 'Transpose', input: x, perm: [...perm] });
  return y;
}
