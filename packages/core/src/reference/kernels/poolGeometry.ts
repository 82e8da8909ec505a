/** Shared geometry for the pooling kernels (both layouts, described through strides). */
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { windowOutputSize } from '../../ir/kernels.js';
import type { Pool2DParams } from '../../ir/kernels.js';
import { fmt } from './util.js';

export interface PoolGeometry {
  readonly N: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly pt: number;
  readonly pl: number;
  readonly pb: number;
  readonly pr: number;
  readonly Ho: number;
  readonly Wo: number;
  /** Strides [n, c, h, w] of the input and of the output in their layout. */
  readonly xs: readonly [number, number, number, number];
  readonly ys: readonly [number, number, number, number];
  readonly yShape: readonly number[];
}

function checkInts(v: readonly number[] | undefined, name: string, min: number, len: number, what: string): void {
  if (!Array.isArray(v) || v.length !== len || v.some((d) => !Number.isInteger(d) || d < min)) {
    throw new InvalidArgumentError(`${what}: ${name} must be ${len} integers >= ${min}, got [${String(v)}]`);
  }
}

export function poolGeometry(xShape: readonly number[], p: Pool2DParams, what: string): PoolGeometry {
  if (p.layout !== 'NCHW' && p.layout !== 'NHWC') {
    throw new InvalidArgumentError(`${what}: layout must be 'NCHW' or 'NHWC', got ${String(p.layout)}`);
  }
  checkInts(p.kernel, 'kernel', 1, 2, what);
  checkInts(p.strides, 'strides', 1, 2, what);
  checkInts(p.pads, 'pads', 0, 4, what);
  if (xShape.length !== 4) throw new ShapeError(`${what}: input must be rank 4 (${p.layout}), got ${fmt(xShape)}`);
  const nhwc = p.layout === 'NHWC';
  const [N, C, H, W] = nhwc ? [xShape[0]!, xShape[3]!, xShape[1]!, xShape[2]!] : [xShape[0]!, xShape[1]!, xShape[2]!, xShape[3]!];
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.strides;
  const [pt, pl, pb, pr] = p.pads;
  const ceil = p.ceilMode === true;
  const Ho = windowOutputSize(H, kh, sh, pt, pb, 1, ceil);
  const Wo = windowOutputSize(W, kw, sw, pl, pr, 1, ceil);
  if (Ho < 1 || Wo < 1) {
    throw new ShapeError(`${what}: input ${fmt(xShape)} with pads [${p.pads.join(', ')}] is smaller than the ${kh}x${kw} window`);
  }
  const xs: [number, number, number, number] = nhwc ? [H * W * C, 1, W * C, C] : [C * H * W, H * W, W, 1];
  const ys: [number, number, number, number] = nhwc ? [Ho * Wo * C, 1, Wo * C, C] : [C * Ho * Wo, Ho * Wo, Wo, 1];
  const yShape = nhwc ? [N, Ho, Wo, C] : [N, C, Ho, Wo];
  return { N, C, H, W, kh, kw, sh, sw, pt, pl, pb, pr, Ho, Wo, xs, ys, yShape };
}

export function emptyWindowError(what: string, p: Pool2DParams): ShapeError {
  return new ShapeError(`${what}: a ${p.kernel.join('x')} window with pads [${p.pads.join(', ')}] covers no input cell`);
}

/** Divisor of an average-pool window starting at (hs, ws): cells inside the input (or inside input+pads). */
export function avgDivisor(g: PoolGeometry, hs: number, ws: number, countIncludePad: boolean): number {
  if (countIncludePad) {
    const he = Math.min(hs + g.kh, g.H + g.pb);
    const we = Math.min(ws + g.kw, g.W + g.pr);
    return (he - hs) * (we - ws);
  }
  const h0 = Math.max(hs, 0);
  const w0 = Math.max(ws, 0);
  const he = Math.min(hs + g.kh, g.H);
  const we = Math.min(ws + g.kw, g.W);
  return Math.max(he - h0, 0) * Math.max(we - w0, 0);
}
