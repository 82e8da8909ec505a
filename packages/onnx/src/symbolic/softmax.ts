/** softmax → Softmax(axis) (opset 13: a single axis). */
import type { Sym } from './builder.js';
import { normAxis, type SymContext } from './context.js';

export function softmax(ctx: SymContext, x: Sym, axis: number): Sym {
  return ctx.b.node1('Softmax', [x], { axis: { i: normAxis(axis, x.shape.length, 'softmax') } }, x.shape);
}
