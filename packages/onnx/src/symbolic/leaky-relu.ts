/** leakyRelu → LeakyRelu(alpha). */
import type { Sym } from './builder.js';
import type { SymContext } from './context.js';

export function leakyRelu(ctx: SymContext, x: Sym, alpha: number): Sym {
  return ctx.b.node1('LeakyRelu', [x], { alpha: { f: alpha } }, x.shape);
}
