/** sum → ReduceSum with the axes as an int64 input (opset 13+). */
import type { Sym } from './builder.js';
import { normAxis, type SymContext } from './context.js';

export function sum(ctx: SymContext, x: Sym, axes: readonly number[], keepDims: boolean): Sym {
  const rank = x.shape.length;
  const ax = [...new Set(axes.map((a) => normAxis(a, rank, 'sum')))].sort((p, q) => p - q);
  if (ax.length === 0) return x;
  const shape: number[] = [];
  x.shape.forEach((d, i) => {
    if (!ax.includes(i)) shape.push(d);
    else if (keepDims) shape.push(1);
  });
  return ctx.b.node1('ReduceSum', [x, ctx.b.int64(ax)], { keepdims: { i: keepDims ? 1 : 0 } }, shape);
}
