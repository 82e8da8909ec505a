/** step(x) = 1 where x > 0 else 0: Cast(Greater(x, 0), FLOAT). */
import type { Sym } from './builder.js';
import type { SymContext } from './context.js';

export function step(ctx: SymContext, x: Sym): Sym {
  const b = ctx.b;
  const gt = b.node(  'Greater', [x, b.scalarName(0)], {}, [x.shape], 'gt')[0]!;
  const y = b.node1('Cast', [gt], { to: { i: 1 } }, x.shape, 'step');
  b.origins.set(y.name, { op: 'Step', input: x });
  return y;
}
