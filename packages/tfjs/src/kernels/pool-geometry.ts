/** Window geometry shared by the pooling kernels (NHWC). */
import { windowOutputSize, type Pool2DParams } from '@glasswing/core';
import type { Pads4 } from './layout.js';

export interface PoolGeometry {
  readonly outH: number;
  readonly outW: number;
  /**
   * Bottom/right extent of the padded input actually covered by windows, beyond the input:
   * (out − 1)·stride + kernel − pad_begin − size. Larger than the declared pad in ceil mode,
   * smaller (possibly negative) when trailing rows are never covered.
   */
  readonly coverB: number;
  readonly coverR: number;
}

export function poolGeometry(h: number, w: number, p: Pool2DParams): PoolGeometry {
  const [t, l, b, r] = p.pads;
  const outH = windowOutputSize(h, p.kernel[0], p.strides[0], t, b, 1, p.ceilMode);
  const outW = windowOutputSize(w, p.kernel[1], p.strides[1], l, r, 1, p.ceilMode);
  return {
    outH,
    outW,
    coverB: (outH - 1) * p.strides[0] + p.kernel[0] - t - h,
    coverR: (outW - 1) * p.strides[1] + p.kernel[1] - l - w,
  };
}

/** Explicit pads [t, l, b, r] for tfjs that yield exactly outH x outW windows. */
export function tfjsPads(p: Pool2DParams, g: PoolGeometry): Pads4 {
  return [p.pads[0], p.pads[1], Math.max(p.pads[2], g.coverB, 0), Math.max(p.pads[3], g.coverR, 0)];
}

/**
 * Per output position, kernel area / number of cells counted by the average: cells inside the
 * input, or (countIncludePad) inside the declared padded input. [1, outH, outW, 1] values.
 */
export function averageScale(h: number, w: number, p: Pool2DParams, g: PoolGeometry): Float32Array | null {
  const [t, l, b, r] = p.pads;
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.strides;
  const lo = p.countIncludePad ? [-t, -l] : [0, 0];
  const hi = p.countIncludePad ? [h + b, w + r] : [h, w];
  const out = new Float32Array(g.outH * g.outW);
  let trivial = true;
  for (let i = 0; i < g.outH; i++) {
    const r0 = i * sh - t;
    const rows = Math.min(r0 + kh, hi[0]!) - Math.max(r0, lo[0]!);
    for (let j = 0; j < g.outW; j++) {
      const c0 = j * sw - l;
      const cols = Math.min(c0 + kw, hi[1]!) - Math.max(c0, lo[1]!);
      const count = Math.max(rows, 0) * Math.max(cols, 0);
      const scale = count > 0 ? (kh * kw) / count : 0;
      if (scale !== 1) trivial = false;
      out[i * g.outW + j] = scale;
    }
  }
  return trivial ? null : out;
}
