/** Broadcasting binary kernels: Add, Sub, Mul, Div, Pow (a fill operand becomes a scalar initializer). */
import type { Sym } from './builder.js';
import { broadcastShape, sameShape, type SymContext } from './context.js';
import { maskedUnpool } from './max-pool-backprop.js';

type BinaryOp = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow';

/** The operand as a node input: a scalar name when it is a fill and the other operand fixes the shape. */
function operand(ctx: SymContext, x: Sym, other: Sym, out: readonly number[]): Sym | string {
  const v = ctx.b.scalarOf(x);
  if (v !== undefined && sameShape(other.shape, out)) return ctx.b.scalarName(v);
  return x;
}

function emit(ctx: SymContext, op: BinaryOp, a: Sym, c: Sym): Sym {
  const out = broadcastShape(a.shape, c.shape, op);
  const va = ctx.b.scalarOf(a);
  const vc = ctx.b.scalarOf(c);
  // Algebraic identities (exact in IEEE arithmetic for finite values of the other operand's role).
  if (vc !== undefined && sameShape(a.shape, out)) {
    if ((op === 'Add' || op === 'Sub') && vc === 0) return a;
    if ((op === 'Mul' || op === 'Div' || op === 'Pow') && vc === 1) return a;
  }
  if (va !== undefined && sameShape(c.shape, out)) {
    if (op === 'Add' && va === 0) return c;
    if (op === 'Mul' && va === 1) return c;
  }
  return ctx.b.node1(op, [operand(ctx, a, c, out), operand(ctx, c, a, out)], {}, out);
}

export function add(ctx: SymContext, a: Sym, b: Sym): Sym {
  return emit(ctx, 'Add', a, b);
}

export function sub(ctx: SymContext, a: Sym, b: Sym): Sym {
  return emit(ctx, 'Sub', a, b);
}

export function mul(ctx: SymContext, a: Sym, b: Sym): Sym {
  return maskedUnpool(ctx, a, b) ?? maskedUnpool(ctx, b, a) ?? emit(ctx, 'Mul', a, b);
}

export function div(ctx: SymContext, a: Sym, b: Sym): Sym {
  return emit(ctx, 'Div', a, b);
}

export function pow(ctx: SymContext, a: Sym, b: Sym): Sym {
  return emit(ctx, 'Pow', a, b);
}
