/**
 * maxPoolBackprop: the gradient goes to the FIRST maximum of each window. The forward MaxPool
 * gains an `Indices` output (ORT picks the first maximum: strict '>' scan in row-major order);
 * the pooled gradient is scattered back with MaxUnpool when windows do not overlap, else with
 * ScatterElements(reduction 'add').
 *
 * Peephole (see `maskedUnpool`): ReLU's VJP applied to such an unpooled gradient, when the pool
 * input is that ReLU's output, is done at pooled resolution: unpool(g ⊙ step(pooled)) — exact,
 * since the scattered cells hold the pooled values, and ~4x cheaper.
 */
import type { Pool2DParams } from '@glasswing/core';
import type { Sym } from './builder.js';
import { fromNchw, sameShape, toNchw, type SymContext } from './context.js';
import { emitMaxPool, maxPoolKey, type MaxPoolRecord } from './max-pool.js';
import { poolAttrs } from './pool-geometry.js';

function unpool(ctx: SymContext, g: Sym, indices: string, xShape: readonly number[], p: Pool2DParams): Sym {
  const b = ctx.b;
  const disjoint = p.kernel[0] <= p.strides[0] && p.kernel[1] <= p.strides[1];
  if (disjoint) {
    // ORT checks output_shape >= (pooled − 1)·s + k − pads; extend the end pads (ceil mode) to pass.
    const endH = Math.max(p.pads[2], (g.shape[2]! - 1) * p.strides[0] + p.kernel[0] - p.pads[0] - xShape[2]!);
    const endW = Math.max(p.pads[3], (g.shape[3]! - 1) * p.strides[1] + p.kernel[1] - p.pads[1] - xShape[3]!);
    const pads = [p.pads[0], p.pads[1], endH, endW];
    return b.node1('MaxUnpool', [g, indices, b.int64(xShape)], { ...poolAttrs(p), pads: { ints: pads } }, xShape);
  }
  const total = xShape.reduce((a, d) => a * d, 1);
  const flatIdx = b.node1('Reshape', [indices, b.int64([-1])], {}, [g.shape.reduce((a, d) => a * d, 1)], 'idx_flat');
  const flatG = b.node1('Reshape', [g, b.int64([-1])], {}, flatIdx.shape, 'g_flat');
  const zeros = b.fill([total], 0);
  const scattered = b.node1('ScatterElements', [zeros, flatIdx, flatG], { axis: { i: 0 }, reduction: { s: 'add' } }, [total]);
  return b.node1('Reshape', [scattered, b.int64(xShape)], {}, xShape);
}

export function maxPoolBackprop(ctx: SymContext, dy: Sym, x: Sym, p: Pool2DParams): Sym {
  const b = ctx.b;
  const record = (b.memo.get(maxPoolKey(x, p)) as MaxPoolRecord | undefined) ?? emitMaxPool(ctx, x, p);
  if (record.indices === undefined) {
    record.indices = b.fresh(`${record.y.name}_indices`);
    record.node.outputs.push(record.indices);
  }
  const indices = record.indices;
  const xShape = record.xn.shape;
  const rebuild = (g: Sym): Sym => fromNchw(ctx, unpool(ctx, toNchw(ctx, g, p.layout), indices, xShape, p), p.layout);
  const dx = rebuild(dy);
  b.origins.set(dx.name, { op: 'MaxUnpool', grad: dy, poolInput: x, pooled: record.out, rebuild });
  return dx;
}

/** mul(unpooled, step(x)) where the pool input is relu(x): unpool(g ⊙ step(pooled)); else undefined. */
export function maskedUnpool(ctx: SymContext, a: Sym, mask: Sym): Sym | undefined {
  const o = ctx.b.origins.get(a.name);
  const m = ctx.b.origins.get(mask.name);
  if (o?.op !== 'MaxUnpool' || m?.op !== 'Step' || !sameShape(a.shape, mask.shape)) return undefined;
  const r = ctx.b.origins.get(o.poolInput.name);
  if (r?.op !== 'Relu' || r.input.name !== m.input.name) return undefined;
  return o.rebuild(ctx.k.mul(o.grad, ctx.k.step(o.pooled)));
}
