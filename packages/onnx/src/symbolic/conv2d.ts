/**
 * conv2d → Conv (NCHW, OIHW). NHWC activations are wrapped in Transposes and HWIO weights
 * transposed to OIHW (on the host when the weight is a constant).
 */
import { ShapeError, windowOutputSize, type Conv2DParams } from '@glasswing/core';
import type { Sym } from './builder.js';
import { fmt, fromNchw, HWIO_TO_OIHW, toNchw, type SymContext } from './context.js';

export function convAttrs(p: Conv2DParams, kernel: readonly number[]) {
  return {
    kernel_shape: { ints: kernel },
    strides: { ints: p.strides },
    pads: { ints: p.pads },
    dilations: { ints: p.dilations },
    group: { i: p.group },
  };
}

/** The weight in OIHW. */
export function oihw(ctx: SymContext, w: Sym, p: Conv2DParams): Sym {
  return p.layout === 'NHWC' ? ctx.k.transpose(w, HWIO_TO_OIHW) : w;
}

export function conv2d(ctx: SymContext, x: Sym, w: Sym, p: Conv2DParams): Sym {
  if (x.shape.length !== 4 || w.shape.length !== 4) {
    throw new ShapeError(`conv2d: input and weight must be rank 4, got ${fmt(x.shape)} and ${fmt(w.shape)}`);
  }
  const xn = toNchw(ctx, x, p.layout);
  const wn = oihw(ctx, w, p);
  const [n, c, h, wd] = xn.shape as [number, number, number, number];
  const [o, ig, kh, kw] = wn.shape as [number, number, number, number];
  if (ig * p.group !== c || o % p.group !== 0) {
    throw new ShapeError(`conv2d: input ${fmt(x.shape)} and weight ${fmt(w.shape)} do not match with group ${p.group}`);
  }
  const oh = windowOutputSize(h, kh, p.strides[0], p.pads[0], p.pads[2], p.dilations[0]);
  const ow = windowOutputSize(wd, kw, p.strides[1], p.pads[1], p.pads[3], p.dilations[1]);
  if (oh < 1 || ow < 1) throw new ShapeError(`conv2d: the window does not fit input ${fmt(x.shape)}`);
  const y = ctx.b.node1('Conv', [xn, wn], convAttrs(p, [kh, kw]), [n, o, oh, ow]);
  return fromNchw(ctx, y, p.layout);
}
