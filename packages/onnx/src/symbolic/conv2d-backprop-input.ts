/**
 * conv2dBackpropInput (= ConvTranspose). Two exact formulations:
 * - stride 1, constant weight, pads within the dilated kernel and more than one output channel:
 *   a forward Conv with the spatially flipped, in/out-swapped weight computed on the host (ORT's
 *   fast blocked Conv path);
 * - stride s > 1 (equal on both axes), constant weight, no dilation, input at least 8 channels:
 *   polyphase. Each of the s² output phases (r, c) — dx[s·q + r, s·p + c] — is a stride-1 Conv of dy
 *   with the taps of the kernel that land on that phase (⌈k/s⌉² of them); the phases are
 *   concatenated along channels and interleaved by DepthToSpace (DCR), then cropped. Same
 *   multiply-adds as ConvTranspose, but every piece is an ordinary Conv that ORT runs on its fast
 *   blocked path — for depthwise weights (group = C) a depthwise Conv, where ConvTranspose falls
 *   back to one tiny GEMM + col2im per channel (measured: MobileNetV2's four stride-2 depthwise
 *   backwards were 16–18 % of a Saliency run). Only for input planes up to POLYPHASE_MAX_PLANE
 *   pixels: ORT's DepthToSpace is slow on large tensors (MobileNetV2 at 224×224, 112×112 planes:
 *   DepthToSpace ≈ 170 ms vs ConvTranspose ≈ 60 ms; 28×28 and smaller: polyphase wins);
 * - otherwise ConvTranspose with the forward weight (OIHW is ConvTranspose's [C_in, C_out/g, kh, kw]),
 *   its pads/output_padding chosen so the output covers exactly the forward input.
 */
import { ShapeError, type Conv2DParams, type Tensor } from '@glasswing/core';
import type { Sym } from './builder.js';
import { fmt, fromNchw, nchwShape, toNchw, type SymContext } from './context.js';
import { oihw } from './conv2d.js';

/** Largest input plane (H·W) given the polyphase form (see the header; measured on onnxruntime-node 1.30). */
export const POLYPHASE_MAX_PLANE = 32 * 32;

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
  let dx: Sym | undefined;
  if (host && sh === sw && sh > 1 && dh === 1 && dw === 1 && c >= 8 && h * wd <= POLYPHASE_MAX_PLANE) dx = polyphase(ctx, dyn, host, [n, c, h, wd], p);
  if (dx) {
    // done
  } else if (host && sh === 1 && sw === 1 && c > 1 && flipPads.every((v) => v >= 0)) {
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

/** Taps of a stride-s axis: for phase r, kernel offset t ↦ forward tap a (or −1), with the Conv pads. */
interface PhaseAxis {
  /** taps[t] = forward kernel index a feeding offset t, or -1. */
  readonly taps: number[];
  readonly padBegin: number;
}

function phaseAxis(k: number, s: number, pad: number, r: number): PhaseAxis | undefined {
  // dx[s·q + r] = Σ_a dy[q + e(a)]·w[a] over a ≡ r + pad (mod s), e(a) = (r + pad − a)/s.
  const es: Array<[number, number]> = [];
  for (let a = 0; a < k; a++) if ((((r + pad - a) % s) + s) % s === 0) es.push([(r + pad - a) / s, a]);
  if (es.length === 0) return undefined;
  const lo = Math.min(...es.map(([e]) => e));
  const hi = Math.max(...es.map(([e]) => e));
  const taps = new Array<number>(hi - lo + 1).fill(-1);
  for (const [e, a] of es) taps[e - lo] = a;
  return { taps, padBegin: -lo };
}

/** The polyphase input-gradient (see the header), or undefined when a phase would need a negative pad. */
function polyphase(ctx: SymContext, dy: Sym, w: Tensor, xs: readonly [number, number, number, number], p: Conv2DParams): Sym | undefined {
  const b = ctx.b;
  const s = p.strides[0];
  const [n, c, h, wd] = xs;
  const [o, ig, kh, kw] = w.shape as [number, number, number, number];
  const g = p.group;
  const og = o / g;
  const [oh, ow] = [dy.shape[2]!, dy.shape[3]!];
  const qh = Math.ceil(h / s);
  const qw = Math.ceil(wd / s);
  const rowsOf = Array.from({ length: s }, (_, r) => phaseAxis(kh, s, p.pads[0], r));
  const colsOf = Array.from({ length: s }, (_, r) => phaseAxis(kw, s, p.pads[1], r));
  if ([...rowsOf, ...colsOf].some((a) => a !== undefined && a.padBegin < 0)) return undefined;
  const phases: Sym[] = [];
  for (let r = 0; r < s; r++) {
    for (let q = 0; q < s; q++) {
      const ra = rowsOf[r];
      const ca = colsOf[q];
      if (!ra || !ca) {
        phases.push(b.fill([n, c, qh, qw], 0));
        continue;
      }
      const th = ra.taps.length;
      const tw = ca.taps.length;
      // W_rq[ci, oo, t, u] = w[gi·og + oo, i, taps_r[t], taps_q[u]] with ci = gi·ig + i (flipSwap's channel map).
      const k = new Float32Array(c * og * th * tw);
      for (let gi = 0; gi < g; gi++) {
        for (let oo = 0; oo < og; oo++) {
          for (let i = 0; i < ig; i++) {
            const s0 = ((gi * og + oo) * ig + i) * kh * kw;
            const d0 = ((gi * ig + i) * og + oo) * th * tw;
            for (let t = 0; t < th; t++) {
              const a = ra.taps[t]!;
              if (a < 0) continue;
              for (let u = 0; u < tw; u++) {
                const bb = ca.taps[u]!;
                if (bb >= 0) k[d0 + t * tw + u] = w.data[s0 + a * kw + bb]!;
              }
            }
          }
        }
      }
      // Output length qh: oh + padBegin + padEnd − th + 1 = qh (cropped when padEnd would be negative).
      const endH = qh - oh - ra.padBegin + th - 1;
      const endW = qw - ow - ca.padBegin + tw - 1;
      const outH = oh + ra.padBegin + Math.max(endH, 0) - th + 1;
      const outW = ow + ca.padBegin + Math.max(endW, 0) - tw + 1;
      let y = b.node1(
        'Conv',
        [dy, b.constant({ shape: [c, og, th, tw], data: k }, 'w_phase')],
        { kernel_shape: { ints: [th, tw] }, strides: { ints: [1, 1] }, pads: { ints: [ra.padBegin, ca.padBegin, Math.max(endH, 0), Math.max(endW, 0)] }, group: { i: g } },
        [n, c, outH, outW],
        'conv_bwd_phase',
      );
      if (outH !== qh || outW !== qw) y = ctx.k.slice(y, [0, 0, 0, 0], [n, c, qh, qw]);
      phases.push(y);
    }
  }
  // DCR: channel (r·s + q)·C + ci ↦ (ci, s·y + r, s·x + q).
  const stacked = ctx.k.concat(phases, 1);
  const d2s = b.node1('DepthToSpace', [stacked], { blocksize: { i: s }, mode: { s: 'DCR' } }, [n, c, qh * s, qw * s]);
  return qh * s === h && qw * s === wd ? d2s : ctx.k.slice(d2s, [0, 0, 0, 0], [n, c, h, wd]);
}
