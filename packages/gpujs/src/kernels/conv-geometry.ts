/** Conv2D geometry and layout strides shared by conv2d and its input gradient (NCHW / OIHW, NHWC / HWIO). */
import { InvalidArgumentError, ShapeError, windowOutputSize, type Conv2DParams } from '@glasswing/core';
import { coords, fmt } from './source.js';

export interface ConvGeometry {
  readonly N: number; readonly C: number; readonly H: number; readonly W: number;
  readonly O: number; readonly kh: number; readonly kw: number;
  readonly Cg: number; readonly Og: number; readonly Ho: number; readonly Wo: number;
  readonly yShape: number[];
  /** Strides [n, c, h, w] of x and of y in their layout; weight strides [o, ci, ky, kx]. */
  readonly xs: readonly [number, number, number, number];
  readonly ys: readonly [number, number, number, number];
  readonly ws: readonly [number, number, number, number];
}

export function convGeometry(xShape: readonly number[], wShape: readonly number[], p: Conv2DParams, what: string): ConvGeometry {
  if (p.layout !== 'NCHW' && p.layout !== 'NHWC') throw new InvalidArgumentError(`${what}: layout must be 'NCHW' or 'NHWC', got ${String(p.layout)}`);
  if (xShape.length !== 4 || wShape.length !== 4) throw new ShapeError(`${what}: input ${fmt(xShape)} and weights ${fmt(wShape)} must be rank 4`);
  const nhwc = p.layout === 'NHWC';
  const [N, C, H, W] = nhwc ? [xShape[0]!, xShape[3]!, xShape[1]!, xShape[2]!] : [xShape[0]!, xShape[1]!, xShape[2]!, xShape[3]!];
  const [O, Cw, kh, kw] = nhwc ? [wShape[3]!, wShape[2]!, wShape[0]!, wShape[1]!] : [wShape[0]!, wShape[1]!, wShape[2]!, wShape[3]!];
  const g = p.group;
  if (!Number.isInteger(g) || g < 1 || C % g !== 0 || O % g !== 0 || Cw !== C / g) {
    throw new ShapeError(`${what}: input ${fmt(xShape)} and weights ${fmt(wShape)} do not fit ${g} group(s)`);
  }
  const Ho = windowOutputSize(H, kh, p.strides[0], p.pads[0], p.pads[2], p.dilations[0]);
  const Wo = windowOutputSize(W, kw, p.strides[1], p.pads[1], p.pads[3], p.dilations[1]);
  if (Ho < 1 || Wo < 1) throw new ShapeError(`${what}: input ${fmt(xShape)} is smaller than the dilated kernel ${fmt(wShape)}`);
  const Cg = C / g;
  const xs: [number, number, number, number] = nhwc ? [H * W * C, 1, W * C, C] : [C * H * W, H * W, W, 1];
  const ys: [number, number, number, number] = nhwc ? [Ho * Wo * O, 1, Wo * O, O] : [O * Ho * Wo, Ho * Wo, Wo, 1];
  const ws: [number, number, number, number] = nhwc ? [1, O, kw * Cg * O, Cg * O] : [Cg * kh * kw, kh * kw, kw, 1];
  return { N, C, H, W, O, kh, kw, Cg, Og: O / g, Ho, Wo, yShape: nhwc ? [N, Ho, Wo, O] : [N, O, Ho, Wo], xs, ys, ws };
}

/** Declare n, c, h, w (names `${p}n` …) of the thread's cell in a [N, C, H, W] tensor of `layout`. */
export function cellCoords(p: string, layout: 'NCHW' | 'NHWC', N: number, C: number, H: number, W: number): string {
  if (layout === 'NCHW') return `${coords(`${p}d`, [N, C, H, W])}\nconst ${p}n = ${p}d0; const ${p}c = ${p}d1; const ${p}h = ${p}d2; const ${p}w = ${p}d3;`;
  return `${coords(`${p}d`, [N, H, W, C])}\nconst ${p}n = ${p}d0; const ${p}h = ${p}d1; const ${p}w = ${p}d2; const ${p}c = ${p}d3;`;
}
