/** Pool window geometry shared by the pooling kernels (output sizes and average-pool divisors). */
import { ShapeError, windowOutputSize, type Pool2DParams } from '@glasswing/core';
import { fmt } from './context.js';

export interface PoolDims {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly oh: number;
  readonly ow: number;
}

export function poolDims(nchw: readonly number[], p: Pool2DParams, what: string): PoolDims {
  if (nchw.length !== 4) throw new ShapeError(`${what}: input must be rank 4, got ${fmt(nchw)}`);
  const [n, c, h, w] = nchw as [number, number, number, number];
  const oh = windowOutputSize(h, p.kernel[0], p.strides[0], p.pads[0], p.pads[2], 1, p.ceilMode);
  const ow = windowOutputSize(w, p.kernel[1], p.strides[1], p.pads[1], p.pads[3], 1, p.ceilMode);
  if (oh < 1 || ow < 1) throw new ShapeError(`${what}: input ${fmt(nchw)} is smaller than the ${p.kernel.join('x')} window`);
  return { n, c, h, w, oh, ow };
}

/** Per output index along one axis: the average-pool divisor factor (as the reference kernels). */
function axisCounts(out: number, size: number, k: number, stride: number, padBefore: number, padAfter: number, includePad: boolean): number[] {
  const counts: number[] = [];
  for (let o = 0; o < out; o++) {
    const start = o * stride - padBefore;
    const lo = Math.max(start, 0);
    const hi = Math.min(start + k, size);
    counts.push(includePad ? Math.min(start + k, size + padAfter) - start : Math.max(hi - lo, 0));
  }
  return counts;
}

/** 1 / divisor per output cell, [oh, ow] row-major (0 where a window covers nothing). */
export function inverseCounts(d: PoolDims, p: Pool2DParams): Float32Array {
  const rows = axisCounts(d.oh, d.h, p.kernel[0], p.strides[0], p.pads[0], p.pads[2], p.countIncludePad);
  const cols = axisCounts(d.ow, d.w, p.kernel[1], p.strides[1], p.pads[1], p.pads[3], p.countIncludePad);
  const out = new Float32Array(d.oh * d.ow);
  rows.forEach((r, i) => cols.forEach((c, j) => (out[i * d.ow + j] = r * c === 0 ? 0 : 1 / (r * c))));
  return out;
}

export function poolAttrs(p: Pool2DParams) {
  return { kernel_shape: { ints: p.kernel }, strides: { ints: p.strides }, pads: { ints: p.pads } };
}
