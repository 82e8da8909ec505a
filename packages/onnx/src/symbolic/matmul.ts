/**
 * matmul → Gemm for two rank-2 operands (transposes as attributes), otherwise MatMul with the
 * trans flags as Transposes of the last two axes (folded on the host for constants).
 */
import { ShapeError } from '@glasswing/core';
import type { Sym } from './builder.js';
import { broadcastShape, fmt, type SymContext } from './context.js';

function swapLast(ctx: SymContext, x: Sym): Sym {
  const r = x.shape.length;
  const perm = x.shape.map((_, i) => i);
  perm[r - 1] = r - 2;
  perm[r - 2] = r - 1;
  return ctx.k.transpose(x, perm);
}

export function matmul(ctx: SymContext, a: Sym, b: Sym, transA: boolean, transB: boolean): Sym {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) throw new ShapeError(`matmul: operands must have rank >= 2, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const [m, ka] = transA ? [a.shape[ra - 1]!, a.shape[ra - 2]!] : [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const [kb, n] = transB ? [b.shape[rb - 1]!, b.shape[rb - 2]!] : [b.shape[rb - 2]!, b.shape[rb - 1]!];
  if (ka !== kb) throw new ShapeError(`matmul: inner dimensions differ: ${fmt(a.shape)} and ${fmt(b.shape)} (transA ${transA}, transB ${transB})`);
  if (ra === 2 && rb === 2) {
    const attrs = { ...(transA ? { transA: { i: 1 } } : {}), ...(transB ? { transB: { i: 1 } } : {}) };
    return ctx.b.node1('Gemm', [a, b], attrs, [m, n]);
  }
  const lead = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2), 'matmul');
  const aa = transA ? swapLast(ctx, a) : a;
  const bb = transB ? swapLast(ctx, b) : b;
  return ctx.b.node1('MatMul', [aa, bb], {}, [...lead, m, n]);
}
