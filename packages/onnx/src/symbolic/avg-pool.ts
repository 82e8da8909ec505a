/**
 * avgPool → AveragePool (count_include_pad) without ceil mode; with ceil mode a depthwise Conv
 * with ones (sum over the window, zero padding extended to cover the last window) times the
 * per-cell reciprocal divisor, exactly the reference kernels' divisor rule.
 */
import type { Pool2DParams, Tensor } from '@glasswing/core';
import type { Sym } from './builder.js';
import { fromNchw, toNchw, type SymContext } from './context.js';
import { inverseCounts, poolAttrs, poolDims, type PoolDims } from './pool-geometry.js';

export function onesWeight(c: number, p: Pool2DParams): Tensor {
  return { shape: [c, 1, p.kernel[0], p.kernel[1]], data: new Float32Array(c * p.kernel[0] * p.kernel[1]).fill(1) };
}

/** Multiply [n, c, oh, ow] by the reciprocal divisors (a scalar when uniform). */
export function scaleByDivisor(ctx: SymContext, y: Sym, d: PoolDims, p: Pool2DParams): Sym {
  const inv = inverseCounts(d, p);
  const uniform = inv.every((v) => v === inv[0]);
  const factor = uniform ? ctx.b.fill(y.shape, inv[0]!) : ctx.b.constant({ shape: [d.oh, d.ow], data: inv }, 'inv_count');
  return ctx.k.mul(y, factor);
}

export function avgPool(ctx: SymContext, x: Sym, p: Pool2DParams): Sym {
  const b = ctx.b;
  const xn = toNchw(ctx, x, p.layout);
  const d = poolDims(xn.shape, p, 'avgPool');
  const shape = [d.n, d.c, d.oh, d.ow];
  let y: Sym;
  if (!p.ceilMode) {
    y = b.node1('AveragePool', [xn], { ...poolAttrs(p), count_include_pad: { i: p.countIncludePad ? 1 : 0 } }, shape);
  } else {
    const endH = Math.max(p.pads[2], (d.oh - 1) * p.strides[0] + p.kernel[0] - d.h - p.pads[0]);
    const endW = Math.max(p.pads[3], (d.ow - 1) * p.strides[1] + p.kernel[1] - d.w - p.pads[1]);
    const sum = b.node1(
      'Conv',
      [xn, b.constant(onesWeight(d.c, p), 'ones')],
      { kernel_shape: { ints: p.kernel }, strides: { ints: p.strides }, pads: { ints: [p.pads[0], p.pads[1], endH, endW] }, group: { i: d.c } },
      shape,
      'window_sum',
    );
    y = scaleByDivisor(ctx, sum, d, p);
  }
  return fromNchw(ctx, y, p.layout);
}
