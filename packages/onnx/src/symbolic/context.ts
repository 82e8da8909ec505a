/** What every symbolic kernel receives: the graph builder and the (folding) kernel set itself. */
import { ShapeError, type Kernels, type Layout } from '@glasswing/core';
import type { OnnxGraphBuilder, Sym } from './builder.js';

export interface SymContext {
  readonly b: OnnxGraphBuilder;
  /** The full kernel set (with constant folding), for kernels built from other kernels. */
  readonly k: Kernels<Sym>;
}

export function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** numpy-style broadcast of two static shapes. */
export function broadcastShape(a: readonly number[], b: readonly number[], what: string): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new ShapeError(`${what}: shapes ${fmt(a)} and ${fmt(b)} do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

export function normAxis(axis: number, rank: number, what: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw new ShapeError(`${what}: axis ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

export const TO_NCHW = [0, 3, 1, 2] as const;
export const TO_NHWC = [0, 2, 3, 1] as const;
/** HWIO → OIHW. */
export const HWIO_TO_OIHW = [3, 2, 0, 1] as const;

/** A rank-4 activation in NCHW (a Transpose for NHWC; cancelled by the runtime's optimiser between ops). */
export function toNchw(ctx: SymContext, x: Sym, layout: Layout): Sym {
  return layout === 'NHWC' ? ctx.k.transpose(x, TO_NCHW) : x;
}

export function fromNchw(ctx: SymContext, x: Sym, layout: Layout): Sym {
  return layout === 'NHWC' ? ctx.k.transpose(x, TO_NHWC) : x;
}

export function nchwShape(shape: readonly number[], layout: Layout): number[] {
  return layout === 'NHWC' ? [shape[0]!, shape[3]!, shape[1]!, shape[2]!] : [...shape];
}
