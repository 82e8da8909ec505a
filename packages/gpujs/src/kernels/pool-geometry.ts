/**
 * Pooling geometry (both layouts, ceil mode, pads) and source snippets for a window's clipped
 * extent and its average divisor.
 */
import { InvalidArgumentError, ShapeError, windowOutputSize, type Pool2DParams } from '@glasswing/core';
import { fmt } from './source.js';

export interface PoolGeometry {
  readonly N: number; readonly C: number; readonly H: number; readonly W: number;
  readonly Ho: number; readonly Wo: number;
  readonly yShape: number[];
  /** Strides [n, c, h, w] of x and of y in their layout. */
  readonly xs: readonly [number, number, number, number];
  readonly ys: readonly [number, number, number, number];
}

export function poolGeometry(xShape: readonly number[], p: Pool2DParams, what: string): PoolGeometry {
  if (p.layout !== 'NCHW' && p.layout !== 'NHWC') throw new InvalidArgumentError(`${what}: layout must be 'NCHW' or 'NHWC', got ${String(p.layout)}`);
  if (xShape.length !== 4) throw new ShapeError(`${what}: input must be rank 4 (${p.layout}), got ${fmt(xShape)}`);
  const nhwc = p.layout === 'NHWC';
  const [N, C, H, W] = nhwc ? [xShape[0]!, xShape[3]!, xShape[1]!, xShape[2]!] : [xShape[0]!, xShape[1]!, xShape[2]!, xShape[3]!];
  const Ho = windowOutputSize(H, p.kernel[0], p.strides[0], p.pads[0], p.pads[2], 1, p.ceilMode === true);
  const Wo = windowOutputSize(W, p.kernel[1], p.strides[1], p.pads[1], p.pads[3], 1, p.ceilMode === true);
  if (Ho < 1 || Wo < 1) throw new ShapeError(`${what}: input ${fmt(xShape)} is smaller than the ${p.kernel.join('x')} window`);
  const xs: [number, number, number, number] = nhwc ? [H * W * C, 1, W * C, C] : [C * H * W, H * W, W, 1];
  const ys: [number, number, number, number] = nhwc ? [Ho * Wo * C, 1, Wo * C, C] : [C * Ho * Wo, Ho * Wo, Wo, 1];
  return { N, C, H, W, Ho, Wo, yShape: nhwc ? [N, Ho, Wo, C] : [N, C, Ho, Wo], xs, ys };
}

/**
 * Declares `${v}0` / `${v}1` (the window's input range [lo, hi) along one axis, clipped to the
 * input) and `${v}n` (its divisor factor: cells inside the input, or inside input + pads).
 */
export function windowRange(v: string, o: string, size: number, k: number, stride: number, padBefore: number, padAfter: number, includePad: boolean): string {
  return (
    `const ${v}s = ${o} * ${stride} - ${padBefore};\n` +
    `const ${v}0 = Math.max(${v}s, 0);\nconst ${v}1 = Math.min(${v}s + ${k}, ${size});\n` +
    (includePad ? `const ${v}n = Math.min(${v}s + ${k}, ${size + padAfter}) - ${v}s;` : `const ${v}n = ${v}1 - ${v}0;`)
  );
}
