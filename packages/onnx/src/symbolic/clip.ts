/**
 * The fused Clip kernels. clip → one ONNX Clip (bounds as scalar inputs, '' for ±∞; remembered per
 * input so the backward reuses it); clipBackprop with one bound → Where(x < lo, 0, dy) (or x > hi);
 * with both (ReLU6) → dy · Cast(Clip(x) = x): three same-shape element-wise passes instead of Less,
 * Greater, Or and Where. Not Where(Clip(x) = x, dy, 0): ORT's Where with a broadcast scalar took
 * 4× an Equal's time (MobileNetV2 224×224 Saliency, 35 ReLU6 backwards: 24 % of the run; the
 * multiply made the whole run ≈ 25 % faster, docs/performance.md). Values on a bound pass dy
 * (Clip(x) = x there), as the reference kernel does; a NaN activation gives 0 where the reference
 * passes dy (NaN ≠ NaN; the forward output is NaN either way), and a non-finite dy outside the
 * interval gives NaN (0 · ∞) where the reference gives 0 — both only on values already non-finite.
 */
import { ShapeError } from '@glasswing/core';
import type { Sym } from './builder.js';
import { fmt, sameShape, type SymContext } from './context.js';

const bound = (ctx: SymContext, v: number): string => (Number.isFinite(v) ? ctx.b.scalarName(v) : '');

export function clip(ctx: SymContext, x: Sym, lo: number, hi: number): Sym {
  if (lo === -Infinity && hi === Infinity) return x;
  const key = `Clip|${x.name}|${lo}|${hi}`;
  const known = ctx.b.memo.get(key) as Sym | undefined;
  if (known) return known;
  const y = ctx.b.node1('Clip', [x, bound(ctx, lo), bound(ctx, hi)], {}, x.shape);
  ctx.b.memo.set(key, y);
  return y;
}

export function clipBackprop(ctx: SymContext, dy: Sym, x: Sym, lo: number, hi: number): Sym {
  if (!sameShape(dy.shape, x.shape)) throw new ShapeError(`clipBackprop: dy ${fmt(dy.shape)} and x ${fmt(x.shape)} differ in shape`);
  const b = ctx.b;
  if (lo !== -Infinity && hi !== Infinity) {
    const inside = b.node1('Equal', [clip(ctx, x, lo, hi), x], {}, x.shape, 'inside');
    const mask = b.node1('Cast', [inside], { to: { i: 1 } }, x.shape, 'inside_f');
    return b.node1('Mul', [dy, mask], {}, dy.shape, 'clip_grad');
  }
  const outside: Sym[] = [];
  if (lo !== -Infinity) outside.push(b.node1('Less', [x, b.scalarName(lo)], {}, x.shape, 'below'));
  if (hi !== Infinity) outside.push(b.node1('Greater', [x, b.scalarName(hi)], {}, x.shape, 'above'));
  if (outside.length === 0) return dy;
  const cond = outside.length === 1 ? outside[0]! : b.node1('Or', outside, {}, x.shape, 'outside');
  return b.node1('Where', [cond, b.scalarName(0), dy], {}, dy.shape, 'clip_grad');
}
