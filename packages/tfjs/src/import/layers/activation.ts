/** Activation functions (the `activation` field and the activation layers). */
import type { Attrs, OpType } from '@glasswing/core';
import { formatError, single, unsupported, type LayerContext, type LayerConverter } from './context.js';

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

export const reluLayer: LayerConverter = (ctx) => {
  const x = single(ctx);
  const c = ctx.spec.config;
  if (c['max_value'] != null) throw unsupported(ctx, `max_value ${String(c['max_value'])}`);
  if (c['threshold'] != null && c['threshold'] !== 0) throw unsupported(ctx, `threshold ${String(c['threshold'])}`);
  const slope = c['negative_slope'] ?? 0;
  if (typeof slope !== 'number') throw formatError(ctx, 'negative_slope must be a number');
  if (slope !== 0) return ctx.b.node(ctx.spec.name, 'LeakyRelu', [x], { alpha: slope });
  return ctx.b.node(ctx.spec.name, 'Relu', [x]);
};

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
