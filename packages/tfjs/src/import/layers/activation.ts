/** Activation functions (the `activation` field and the activation layers). */
import type { Attrs, OpType, Tensor } from '@glasswing/core';
import { constant, formatError, single, unsupported, type LayerContext, type LayerConverter } from './context.js';

interface ActivationOp {
  readonly op: OpType;
  readonly attrs: Attrs;
}

/** The op for a Keras activation name; null for 'linear'. */
export function activationOp(ctx: LayerContext, value: unknown): ActivationOp | null {
  const name = typeof value === 'string' ? value : value == null ? 'linear' : undefined;
  switch (name) {
    case 'linear':
      return null;
    case 'relu':
      return { op: 'Relu', attrs: {} };
    case 'sigmoid':
      return { op: 'Sigmoid', attrs: {} };
    case 'tanh':
      return { op: 'Tanh', attrs: {} };
    case 'softmax':
      return { op: 'Softmax', attrs: { axis: -1 } };
    default:
      throw unsupported(ctx, `activation ${JSON.stringify(value)}`);
  }
}

/**
 * Build a layer with a fused `activation`: without one, the main node carries the layer name;
 * with one, the main node is `<layer>/linear` and the activation node carries the layer name.
 */
export function withActivation(ctx: LayerContext, build: (name: string) => string): string {
  const act = activationOp(ctx, ctx.spec.config['activation']);
  const name = ctx.spec.name;
  if (act === null) return build(name);
  const pre = build(`${name}/linear`);
  return ctx.b.node(name, act.op, [pre], act.attrs);
}

export const activationLayer: LayerConverter = (ctx) => {
  const x = single(ctx);
  const act = activationOp(ctx, ctx.spec.config['activation']);
  if (act === null) return ctx.b.node(ctx.spec.name, 'Identity', [x]);
  return ctx.b.node(ctx.spec.name, act.op, [x], act.attrs);
};

/**
 * Keras ReLU(max_value, threshold, negative_slope): x for threshold <= x < max_value, max_value above,
 * negative_slope·(x − threshold) below (tfjs-layers reads only max_value; the others default to 0).
 */
export const reluLayer: LayerConverter = (ctx) => {
  const x = single(ctx);
  const c = ctx.spec.config;
  const num = (key: string, fallback: number | undefined): number | undefined => {
    const v = c[key] ?? fallback;
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) throw formatError(ctx, `${key} must be a number, got ${JSON.stringify(v)}`);
    return v as number | undefined;
  };
  const max = num('max_value', undefined);
  const threshold = num('threshold', 0)!;
  const slope = num('negative_slope', 0)!;
  const name = ctx.spec.name;
  if (max !== undefined && max < 0) throw formatError(ctx, `max_value must be >= 0, got ${max}`);
  if (threshold !== 0) throw unsupported(ctx, `threshold ${threshold}`);
  if (max === undefined) return slope === 0 ? ctx.b.node(name, 'Relu', [x]) : ctx.b.node(name, 'LeakyRelu', [x], { alpha: slope });
  if (slope === 0) return ctx.b.node(name, 'Clip', [x], { min: 0, max });
  // min(x, max) for x >= 0, slope·x below: Clip(x, 0, max) − slope·relu(−x).
  const clipped = ctx.b.node(`${name}/clip`, 'Clip', [x], { min: 0, max });
  const flipped = ctx.b.node(`${name}/flip`, 'Neg', [x]);
  const neg = ctx.b.node(`${name}/negative`, 'Relu', [flipped]);
  const scaled = ctx.b.node(`${name}/negative_scaled`, 'Mul', [neg, constant(ctx, 'negative_slope', scalar(slope))]);
  return ctx.b.node(name, 'Sub', [clipped, scaled]);
};

const scalar = (v: number): Tensor => ({ shape: [1], data: new Float32Array([v]) });

export const leakyReluLayer: LayerConverter = (ctx) => {
  const c = ctx.spec.config;
  const alpha = c['alpha'] ?? c['negative_slope'] ?? 0.3;
  if (typeof alpha !== 'number') throw formatError(ctx, 'alpha must be a number');
  return ctx.b.node(ctx.spec.name, 'LeakyRelu', [single(ctx)], { alpha });
};

export const softmaxLayer: LayerConverter = (ctx) => {
  const axis = ctx.spec.config['axis'] ?? -1;
  if (typeof axis !== 'number') throw unsupported(ctx, `axis ${JSON.stringify(axis)}`);
  return ctx.b.node(ctx.spec.name, 'Softmax', [single(ctx)], { axis });
};
