/** Naive loop implementations (NCHW) used as independent references in tests. */
import type { Tensor } from '../../tensor.js';
import { k } from './helpers.js';

export interface NaiveConv {
  strides?: [number, number];
  pads?: [number, number, number, number];
  dilations?: [number, number];
  group?: number;
}

/** x [N,C,H,W], w [O, C/g, kh, kw], b [O] → [N,O,OH,OW]. */
export function naiveConv(x: Tensor, w: Tensor, b: Tensor | undefined, o: NaiveConv = {}): Tensor {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, KH, KW] = w.shape as [number, number, number, number];
  const [sh, sw] = o.strides ?? [1, 1];
  const [pt, pl, pb, pr] = o.pads ?? [0, 0, 0, 0];
  const [dh, dw] = o.dilations ?? [1, 1];
  const g = o.group ?? 1;
  const OH = Math.floor((H + pt + pb - ((KH - 1) * dh + 1)) / sh) + 1;
  const OW = Math.floor((W + pl + pr - ((KW - 1) * dw + 1)) / sw) + 1;
  const Og = O / g;
  const out = new Float32Array(N * O * OH * OW);
  for (let n = 0; n < N; n++)
    for (let oc = 0; oc < O; oc++) {
      const grp = Math.floor(oc / Og);
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let s = b ? b.data[oc]! : 0;
          for (let ic = 0; ic < Cg; ic++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const ih = oh * sh - pt + kh * dh;
                const iw = ow * sw - pl + kw * dw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                const c = grp * Cg + ic;
                s += x.data[((n * C + c) * H + ih) * W + iw]! * w.data[((oc * Cg + ic) * KH + kh) * KW + kw]!;
              }
          out[((n * O + oc) * OH + oh) * OW + ow] = s;
        }
    }
  return { shape: [N, O, OH, OW], data: out };
}

export interface NaivePool {
  kernel: [number, number];
  strides?: [number, number];
  pads?: [number, number, number, number];
  ceil?: boolean;
  countIncludePad?: boolean;
}

function poolOut(size: number, k: number, s: number, p0: number, p1: number, ceil: boolean): number {
  let out = (ceil ? Math.ceil : Math.floor)((size + p0 + p1 - k) / s) + 1;
  if (ceil && (out - 1) * s >= size + p0) out--;
  return out;
}

export function naivePool(x: Tensor, kind: 'max' | 'avg', o: NaivePool): Tensor {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [KH, KW] = o.kernel;
  const [sh, sw] = o.strides ?? [1, 1];
  const [pt, pl, pb, pr] = o.pads ?? [0, 0, 0, 0];
  const OH = poolOut(H, KH, sh, pt, pb, !!o.ceil);
  const OW = poolOut(W, KW, sw, pl, pr, !!o.ceil);
  const out = new Float32Array(N * C * OH * OW);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let m = -Infinity;
          let s = 0;
          let cnt = 0;
          let padded = 0;
          for (let kh = 0; kh < KH; kh++)
            for (let kw = 0; kw < KW; kw++) {
              const ih = oh * sh - pt + kh;
              const iw = ow * sw - pl + kw;
              // Cells inside the padded extent count for count_include_pad (not beyond it, ceil mode).
              if (ih < H + pb && iw < W + pr) padded++;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              const v = x.data[((n * C + c) * H + ih) * W + iw]!;
              m = Math.max(m, v);
              s += v;
              cnt++;
            }
          out[((n * C + c) * OH + oh) * OW + ow] = kind === 'max' ? m : s / (o.countIncludePad ? padded : cnt);
        }
  return { shape: [N, C, OH, OW], data: out };
}

export const toNHWC = (x: Tensor): Tensor => k.transpose(x, [0, 2, 3, 1]);
export const toNCHW = (x: Tensor): Tensor => k.transpose(x, [0, 3, 1, 2]);
/** OIHW → HWIO */
export const toHWIO = (w: Tensor): Tensor => k.transpose(w, [2, 3, 1, 0]);
