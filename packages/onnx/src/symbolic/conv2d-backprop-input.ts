/**
 * conv2dBackpropInput (= ConvTranspose). Two exact formulations:
 * - stride 1, constant weight, pads within the dilated kernel and more than one output channel:
 *   a forward Conv with the spatially flipped, in/out-swapped weight computed on the host (ORT's
 *   fast blocked Conv path);
 * - otherwise ConvTranspose with the forward weight (OIHW is ConvTranspose's [C_in, C_out/g, kh, kw]),
 *   its pads/output_padding chosen so the output covers exactly the forward input.
 */
import { ShapeError, type Conv2DParams, type Tensor } from '@glasswing/core';
import type { Sym } from './builder.js';
import { fmt, fromNchw, nchwShape, toNchw, type SymContext } from './context.js';
import { oihw } from './conv2d.js';

/** w [O, I/g, kh, kw] → W' [I, O/g, kh, kw], spatially flipped. */
export function flipSwap(w: Tensor, group: number): Tensor {
  const [o, ig, kh, kw] = w.shape as [number, number, number, number];
  const og = o / group;
  const c = ig * group;
  const out = new Float32Array(c * og * kh * kw);
  const src = w.data;
  for (let g = 0; g < group; g++) {
    for (let oo = 0; oo < og; oo++) {
      for (let i = 0; i < ig; i++) {
        const s0 = ((g * og + oo) * ig + i) * kh * kw;
        const d0 = ((g * ig + i) * og + oo) * kh * kw;
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++) out[d0 + a * kw + b] = src[s0 + (kh - 1 - a) * kw + (kw - 1 - b)]!;
        }
      }
    }
  }
  return { shape: [c, og, kh, kw], data: out };
}

export function conv2dBackpropInput(ctx: SymContext, dy: Sym, w: Sym, inputShape: readonly number[], p: Conv2DParams): Sym {
  if (dy.shape.length !== 4 || w.shape.length !== 4 || inputShape.length !== 4) {
    throw new ShapeError(`conv2dBackpropInput: dy, weight and input shape must be rank 4, got ${fmt(dy.shape)}, ${fmt(w.shape)}, ${fmt(inputShape)}`);
  }
  const b = ctx.b;
  const dyn = toNchw(ctx, dy, p.layout);
  const wn = oihw(ctx, w, p);
  const xs = nchwShape(inputShape, p.layout);
  const [n, c, h, wd] = xs as [number, number, number, number];
  const [o, , kh, kw] = wn.shape as [number, number, number, number];
  const [oh, ow] = [dyn.shape[2]!, dyn.shape[3]!];
  if (dyn.shape[1] !== o || dyn.shape[0] !== n) {
    throw new ShapeError(`conv2dBackpropInput: dy ${fmt(dy.shape)} does not match weight ${fmt(w.shape)} and input ${fmt(inputShape)}`);
  }
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const [pt, pl, pb, pr] = p.pads;
  const effH = (kh - 1) * dh + 1;
  const effW = (kw - 1) * dw + 1;
  const host = b.host(wn);
  const flipPads = [effH - 1 - pt, effW - 1 - pl, effH - 1 - pb, effW - 1 - pr];
  let dx: Sym;
  if (host && sh === 1 && sw === 1 && c > 1 && flipPads.every((v) => v >= 0)) {
    const wf = b.constant(flipSwap(host, p.group), 'w_flip');
    dx = b.node1(
      'Conv',
      [dyn, wf],
      { kernel_shape: { ints: [kh, kw] }, strides: { ints: [1, 1] }, pads: { ints: flipPads }, dilations: { ints: [dh, dw] }, group: { i: p.group } },
      [n, c, h, wd],
      'conv_bwd',
    );
  } else {
    // Uncropped output rows: (oh-1)·s + eff; keep rows [pt, pt + h).
    const endH = (oh - 1) * sh + effH - pt - h;
    const endW = (ow - 1) * sw + effW - pl - wd;
    dx = b.node1(
      'ConvTranspose',
      [dyn, wn],
      {
        kernel_shape: { ints: [kh, kw] },
        strides: { ints: [sh, sw] },
        pads: { ints: [pt, pl, Math.max(endH, 0), Math.max(endW, 0)] },
        output_padding: { ints: [Math.max(-endH, 0), Math.max(-endW, 0)] },
        dilations: { ints: [dh, dw] },
        group: { i: p.group },
      },
      [n, c, h, wd],
      'conv_transpose',
    );
  }
  return fromNchw(ctx, dx, p.layout);
}
