/**
 * The fused Clip kernels. clip → one ONNX Clip (bounds as scalar inputs, '' for ±∞); clipBackprop →
 * Where(x < lo ∨ x > hi, 0, dy): two or four element-wise passes instead of the composed masks'
 * ten (NaN x passes dy, as the composed masks do).
 */
import { ShapeError } from '@glasswing/core';
import type { Sym } from './builder.js';
import { fmt, sameShape, type SymContext } from './context.js';

const bound = (ctx: SymContext, v: number): string => (Number.isFinite(v) ? ctx.b.scalarName(v) : '');

export function clip(ctx: SymContext, x: Sym, lo: number, hi: number): Sym {
  if (lo === -Infinity && hi === Infinity) return x;
  return ctx.b.node1('Clip', [x, bound(ctx, lo), bound(ctx, hi)], {}, x.shape);
}

export function clipBackprop(ctx: SymContext, dy: Sym, x: Sym, lo: number, hi: number): Sym {
  if (!sameShape(dy.shape, x.shape)) throw new ShapeError(`clipBackprop: dy ${fmt(dy.shape)} and x ${fmt(x.shape)} differ in shape`);
  const b = ctx.b;
  const outside: Sym[] = [];
  if (lo !== -Infinity) outside.push(b.node1('Less', [x, b.scalarName(lo)], {}, x.shape, 'below'));
  if (hi !== Infinity) outside.push(b.node1('Greater', [x, b.scalarName(hi)], {}, x.shape, 'above'));
  if (outside.length === 0) return dy;
  const cond = outside.length === 1 ? outside[0]! : b.node1('Or', outside, {}, x.shape, 'outside');
  return b.node1('Where', [cond, b.scalarName(0), dy], {}, dy.shape, 'clip_grad');
}
