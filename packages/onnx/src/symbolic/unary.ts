/** Element-wise unary kernels mapping one-to-one onto ONNX ops. */
import type { Sym } from './builder.js';
import type { SymContext } from './context.js';

function unary(op: string) {
  return (ctx: SymContext, x: Sym): Sym => ctx.b.node1(op, [x], {}, x.shape);
}

export const neg = unary('Neg');
export const abs = unary('Abs');
export const exp = unary('Exp');
export const sigmoid = unary('Sigmoid');
export const tanh = unary('Tanh');
export const sqrt = unary('Sqrt');
export const log = unary('Log');
export const erf = unary('Erf');

export function relu(ctx: SymContext, x: Sym): Sym {
  const y = ctx.b.node1('Relu', [x], {}, x.shape);
  ctx.b.origins.set(y.name, { op: 'Relu', input: x });
  return y;
}
