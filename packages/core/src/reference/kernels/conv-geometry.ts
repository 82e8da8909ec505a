/**
 * Shared geometry for conv2d / conv2dBackpropInput: validates parameters and shapes, and helpers
 * that let one channels-last loop nest serve both NCHW and NHWC.
 */
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { windowOutputSize } from '../../ir/kernels.js';
import type { Conv2DParams } from '../../ir/kernels.js';
import { fmt } from './util.js';

export interface ConvGeometry {
  readonly N: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly O: number;
  readonly kh: number;
  readonly kw: number;
  /** Input channels per group. */
  readonly Cg: number;
  /** Output channels per group. */
  readonly Og: number;
  readonly group: number;
  readonly Ho: number;
  readonly Wo: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  readonly pt: number;
  readonly pl: number;
  readonly xShape: readonly number[];
  readonly yShape: readonly number[];
}

function checkPair(v: readonly number[] | undefined, name: string, min: number, len: number): void {
  if (!Array.isArray(v) || v.length !== len || v.some((d) => !Number.isInteger(d) || d < min)) {
    throw new InvalidArgumentError(`conv2d: ${name} must be ${len} integers >= ${min}, got [${String(v)}]`);
  }
}

/** Validate the parameters and shapes; `xShape` is the input shape, `wShape` the weights. */
export function convGeometry(xShape: readonly number[], wShape: readonly number[], p: Conv2DParams, what: string): ConvGeometry {
  if (p.layout !== 'NCHW' && p.layout !== 'NHWC') {
    throw new InvalidArgumentError(`${what}: layout must be 'NCHW' or 'NHWC', got ${String(p.layout)}`);
  }
  checkPair(p.strides, 'strides', 1, 2);
  checkPair(p.dilations, 'dilations', 1, 2);
  checkPair(p.pads, 'pads', 0, 4);
  const group = p.group;
  if (!Number.isInteger(group) || group < 1) throw new InvalidArgumentError(`${what}: group must be a positive integer, got ${group}`);
  if (xShape.length !== 4) throw new ShapeError(`${what}: input must be rank 4 (${p.layout}), got ${fmt(xShape)}`);
  if (wShape.length !== 4) throw new ShapeError(`${what}: weights must be rank 4 (${p.layout === 'NCHW' ? 'OIHW' : 'HWIO'}), got ${fmt(wShape)}`);
  const nhwc = p.layout === 'NHWC';
  const [N, C, H, W] = nhwc ? [xShape[0]!, xShape[3]!, xShape[1]!, xShape[2]!] : [xShape[0]!, xShape[1]!, xShape[2]!, xShape[3]!];
  const [O, Cw, kh, kw] = nhwc ? [wShape[3]!, wShape[2]!, wShape[0]!, wShape[1]!] : [wShape[0]!, wShape[1]!, wShape[2]!, wShape[3]!];
  if (C % group !== 0 || O % group !== 0) {
    throw new ShapeError(`${what}: ${C} input and ${O} output channels must both be divisible by group ${group}`);
  }
  if (Cw !== C / group) {
    throw new ShapeError(
      `${what}: weights ${fmt(wShape)} expect ${Cw} input channels per group but input ${fmt(xShape)} has ${C} channels in ${group} group(s)`,
    );
  }
  if (kh < 1 || kw < 1) throw new ShapeError(`${what}: empty kernel in weights ${fmt(wShape)}`);
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const [pt, pl, pb, pr] = p.pads;
  const Ho = windowOutputSize(H, kh, sh, pt, pb, dh);
  const Wo = windowOutputSize(W, kw, sw, pl, pr, dw);
  if (Ho < 1 || Wo < 1) {
    throw new ShapeError(`${what}: input ${fmt(xShape)} with pads [${p.pads.join(', ')}] is smaller than the dilated kernel ${fmt(wShape)}`);
  }
  const yShape = nhwc ? [N, Ho, Wo, O] : [N, O, Ho, Wo];
  return {
    N, C, H, W, O, kh, kw, Cg: C / group, Og: O / group, group, Ho, Wo, sh, sw, dh, dw, pt, pl,
    xShape: [...xShape], yShape,
  };
}

/**
 * Weights as a [kh, kw, Cg, O] (HWIO) row-major matrix [R, O] with R = kh*kw*Cg, whatever the
 * layout (OIHW is rearranged once per call; HWIO is used as is).
 */
export function weightsHWIO(w: Float32Array, g: ConvGeometry, nhwc: boolean): Float32Array {
  if (nhwc) return w;
  const { O, Cg, kh, kw } = g;
  const out = new Float32Array(w.length);
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < Cg; c++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) out[((ky * kw + kx) * Cg + c) * O + o] = w[((o * Cg + c) * kh + ky) * kw + kx]!;
      }
    }
  }
  return out;
}

/** First and one-past-last output column whose tap at kernel column kx lands inside [0, W). */
export function validRange(outSize: number, inSize: number, stride: number, offset: number): [number, number] {
  // input index = o * stride + offset; need 0 <= idx < inSize
  const lo = offset >= 0 ? 0 : Math.ceil(-offset / stride);
  const hi = Math.min(outSize, Math.floor((inSize - 1 - offset) / stride) + 1);
  return [Math.min(lo, outSize), Math.max(hi, 0)];
}

/** Copy example `n` of a [N, C, P] (channels-first) buffer into `dst` as [P, C] (channels-last). */
export function toChannelsLast(src: Float32Array, n: number, C: number, P: number, dst: Float32Array): Float32Array {
  const base = n * C * P;
  for (let c = 0; c < C; c++) {
    const row = base + c * P;
    for (let q = 0; q < P; q++) dst[q * C + c] = src[row + q]!;
  }
  return dst;
}

/** Write a [P, C] (channels-last) example into example `n` of a [N, C, P] (channels-first) buffer. */
export function fromChannelsLast(src: Float32Array | Float64Array, C: number, P: number, dst: Float32Array, n: number): void {
  const base = n * C * P;
  for (let c = 0; c < C; c++) {
    const row = base + c * P;
    for (let q = 0; q < P; q++) dst[row + q] = src[q * C + c]!;
  }
}
