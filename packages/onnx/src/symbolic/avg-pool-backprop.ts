/**
 * avgPoolBackprop: dy times the reciprocal divisors, spread over each window by a depthwise
 * ConvTranspose with a ones kernel; pads/output_padding select exactly the input cells (exact for
 * countIncludePad and ceil mode).
 */
import type { Pool2DParams } from '@glasswing/core';
import { ShapeError } from '@glasswing/core';
import type { Sym } from './builder.js';
import { fmt, fromNchw, nchwShape, toNchw, type SymContext } from './context.js';
import { onesWeight, scaleByDivisor } from './avg-pool.js';
import { poolDims } from './pool-geometry.js';

export function avgPoolBackprop(ctx: SymContext, dy: Sym, inputShape: readonly number[], p: Pool2DParams): Sym {
  const b = ctx.b;
  const xs = nchwShape(inputShape, p.layout);
  const d = poolDims(xs, p, 'avgPoolBackprop');
  const dyn = toNchw(ctx, dy, p.layout);
  if (dyn.shape.join(',') !== [d.n, d.c, d.oh, d.ow].join(',')) {
    throw new ShapeError(`avgPoolBackprop: dy ${fmt(dy.shape)} does not match the pooled shape of ${fmt(inputShape)}`);
  }
  const g = scaleByDivisor(ctx, dyn, d, p);
  const endH = (d.oh - 1) * p.strides[0] + p.kernel[0] - p.pads[0] - d.h;
  const endW = (d.ow - 1) * p.strides[1] + p.kernel[1] - p.pads[1] - d.w;
  const dx = b.node1(
    'ConvTranspose',
    [g, b.constant(onesWeight(d.c, p), 'ones')],
    {
      kernel_shape: { ints: p.kernel },
      strides: { ints: p.strides },
      pads: { ints: [p.pads[0], p.pads[1], Math.max(endH, 0), Math.max(endW, 0)] },
      output_padding: { ints: [Math.max(-endH, 0), Math.max(-endW, 0)] },
      group: { i: d.c },
    },
    xs,
    'avg_pool_bwd',
  );
  return fromNchw(ctx, dx, p.layout);
}
