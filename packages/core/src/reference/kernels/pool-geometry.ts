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
  /** The windows of the output rows (along H) and of the output columns (along W). */
  readonly rows: AxisWindows;
  readonly cols: AxisWindows;
}

/**
 * Per output index along one axis: the window's input range [lo, hi) clipped to the input
 * (empty when hi <= lo), and `count`, its factor of the average-pool divisor (cells inside the
 * input, or inside input + pads with countIncludePad). A window's divisor is rows.count · cols.count.
 */
export interface AxisWindows {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly count: Int32Array;
}

function axisWindows(
  outSize: number, inSize: number, k: number, stride: number, padBefore: number, padAfter: number, countIncludePad: boolean,
): AxisWindows {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const start = o * stride - padBefore;
    const l = start < 0 ? 0 : start;
    const h = Math.min(start + k, inSize);
    lo[o] = l;
    hi[o] = h;
    count[o] = countIncludePad ? Math.min(start + k, inSize + padAfter) - start : Math.max(h - l, 0);
  }
  return { lo, hi, count };
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
  const incl = p.countIncludePad === true;
  const rows = axisWindows(Ho, H, kh, sh, pt, pb, incl);
  const cols = axisWindows(Wo, W, kw, sw, pl, pr, incl);
  return { N, C, H, W, kh, kw, sh, sw, pt, pl, pb, pr, Ho, Wo, xs, ys, yShape, rows, cols };
}

export function emptyWindowError(what: string, p: Pool2DParams): ShapeError {
  return new ShapeError(`${what}: a ${p.kernel.join('x')} window with pads [${p.pads.join(', ')}] covers no input cell`);
}

/**
 * Flat index of the first maximal cell (row-major window order) of the window [h0, h1) x [w0, w1)
 * of the plane at `base`. The window must be non-empty.
 */
export function windowArgmax(
  X: Float32Array, base: number, h0: number, h1: number, w0: number, w1: number, strideH: number, strideW: number,
): number {
  let best = base + h0 * strideH + w0 * strideW;
  let m = X[best]!;
  for (let iy = h0; iy < h1; iy++) {
    const row = base + iy * strideH;
    for (let ix = w0; ix < w1; ix++) {
      const at = row + ix * strideW;
      if (X[at]! > m) {
        m = X[at]!;
        best = at;
      }
    }
  }
  return best;
}

/**
 * Channels-last form of windowArgmax: for all C channels of one window at once (the channel is
 * the contiguous axis, stride 1), the flat index of each channel's first maximal cell into
 * `idx[0..C)` and its value into `val[0..C)`. Same first-maximum rule as windowArgmax.
 */
export function windowArgmaxChannels(
  X: Float32Array, base: number, h0: number, h1: number, w0: number, w1: number, strideH: number, strideW: number,
  C: number, idx: Int32Array, val: Float64Array,
): void {
  const first = base + h0 * strideH + w0 * strideW;
  for (let c = 0; c < C; c++) {
    idx[c] = first + c;
    val[c] = X[first + c]!;
  }
  for (let iy = h0; iy < h1; iy++) {
    const row = base + iy * strideH;
    for (let ix = iy === h0 ? w0 + 1 : w0; ix < w1; ix++) {
      const at = row + ix * strideW;
      for (let c = 0; c < C; c++) {
        const v = X[at + c]!;
        if (v > val[c]!) {
          val[c] = v;
          idx[c] = at + c;
        }
      }
    }
  }
}
