/**
 * maxPool → MaxPool (NCHW; NHWC wrapped in Transposes). The node is remembered so that a later
 * maxPoolBackprop of the same input adds an `Indices` output to it instead of pooling again.
 */
import type { Pool2DParams } from '@glasswing/core';
import type { BuiltNode, Sym } from './builder.js';
import { fromNchw, toNchw, type SymContext } from './context.js';
import { poolAttrs, poolDims } from './pool-geometry.js';

export interface MaxPoolRecord {
  readonly node: BuiltNode;
  /** Pooled values in NCHW and in the kernel's layout. */
  readonly y: Sym;
  readonly out: Sym;
  /** NCHW input. */
  readonly xn: Sym;
  indices?: string;
}

export function maxPoolKey(x: Sym, p: Pool2DParams): string {
  return `MaxPool|${x.name}|${JSON.stringify(p)}`;
}

export function emitMaxPool(ctx: SymContext, x: Sym, p: Pool2DParams): MaxPoolRecord {
  const xn = toNchw(ctx, x, p.layout);
  const d = poolDims(xn.shape, p, 'maxPool');
  const y = ctx.b.node1('MaxPool', [xn], { ...poolAttrs(p), ceil_mode: { i: p.ceilMode ? 1 : 0 } }, [d.n, d.c, d.oh, d.ow]);
  const record: MaxPoolRecord = { node: ctx.b.producer(y.name)!, y, out: fromNchw(ctx, y, p.layout), xn };
  ctx.b.memo.set(maxPoolKey(x, p), record);
  return record;
}

export function maxPool(ctx: SymContext, x: Sym, p: Pool2DParams): Sym {
  const known = ctx.b.memo.get(maxPoolKey(x, p)) as MaxPoolRecord | undefined;
  return (known ?? emitMaxPool(ctx, x, p)).out;
}
