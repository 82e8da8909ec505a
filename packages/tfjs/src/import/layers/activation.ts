/**
 * Activation functions (the `activation` field and the activation layers: Activation, ReLU,
 * LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax). Every Keras activation maps to one IR op.
 */
import type { Attrs, OpType, Tensor } from '@glasswing/core';
import { constant, formatError, single, unsupported, weight, type LayerContext, type LayerConverter } from './context.js';

interface ActivationOp {
  readonly op: OpType;
  readonly attrs: Attrs;
}

/** Keras / tfjs-layers activation names (snake_case and tfjs' camelCase spellings). */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hard_sigmoid',
  'tanh',
  'softmax',
  'log_softmax',
  'softplus',
  'softsign',
  'swish',
  'silu',
  'hard_swish',
  'hard_silu',
  'mish',
  'gelu',
  'gelu_new',
  'exponential',
  'leaky_relu',
] as const;

/** The activation's name from a string or a Keras 3 serialised function ({class_name: 'function', config: 'relu'}). */
function activationName(value: unknown): string | undefined {
  if (value == null) return 'linear';
  if (typeof value === 'string') return value.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  if (typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    for (const key of ['config', 'registered_name', 'class_name']) {
      if (typeof v[key] === 'string' && v[key] !== 'function') return activationName(v[key]);
    }
  }
  return undefined;
}

const isKeras3 = (ctx: LayerContext): boolean => /^3\./.test(ctx.kerasVersion ?? '');

/** The op for a Keras activation; null for 'linear'. */
export function activationOp(ctx: LayerContext, value: unknown): ActivationOp | null {
  const name = activationName(value);
  const op = (o: OpType, attrs: Attrs = {}): ActivationOp => ({ op: o, attrs });
  switch (name) {
    case 'linear':
      return null;
    case 'relu':
      return op('Relu');
    case 'relu6':
      return op('Clip', { min: 0, max: 6 });
    case 'elu':
      return op('Elu', { alpha: 1 });
    case 'selu':
      return op('Selu');
    case 'sigmoid':
      return op('Sigmoid');
    case 'hard_sigmoid':
      // Keras 2 / tfjs-layers: clip(0.2x + 0.5, 0, 1); Keras 3: relu6(x + 3) / 6.
      return op('HardSigmoid', isKeras3(ctx) ? { alpha: 1 / 6, beta: 0.5 } : { alpha: 0.2, beta: 0.5 });
    case 'tanh':
      return op('Tanh');
    case 'softmax':
      return op('Softmax', { axis: -1 });
    case 'log_softmax':
    case 'logsoftmax':
      return op('LogSoftmax', { axis: -1 });
    case 'softplus':
      return op('Softplus');
    case 'softsign':
      return op('Softsign');
    case 'swish':
    case 'silu':
      return op('Swish');
    case 'hard_swish':
    case 'hard_silu':
      return op('HardSwish');
    case 'mish':
      return op('Mish');
    case 'gelu':
      return op('Gelu', { approximate: 'none' });
    case 'gelu_new':
      return op('Gelu', { approximate: 'tanh' });
    case 'exponential':
      return op('Exp');
    case 'leaky_relu':
      return op('LeakyRelu', { alpha: 0.2 });
    default:
      throw unsupported(ctx, `activation ${JSON.stringify(value)} (supported: ${ACTIVATIONS.join(', ')})`);
  }
}

/**
 * Build a layer with a fused `activation`: without one, the main node carries the layer name;
 * with one, the main node is `<layer>/linear` and the activation node carries the layer name.
 */
export function withActivation(ctx: LayerContext, build: (name: string) => string, key = 'activation'): string {
  const act = activationOp(ctx, ctx.spec.config[key]);
  const name = ctx.spec.name;
  if (act === null) return build(name);
  const pre = build(`${name}/linear`);
  return ctx.b.node(name, act.op, [pre], act.attrs);
}

/** Apply an activation to `x` as node `name` (Identity for linear when `identity`, else x itself). */
export function applyActivation(ctx: LayerContext, value: unknown, x: string, name: string, identity = false): string {
  const act = activationOp(ctx, value);
  if (act === null) return identity ? ctx.b.node(name, 'Identity', [x]) : x;
  return ctx.b.node(name, act.op, [x], act.attrs);
}

export const activationLayer: LayerConverter = (ctx) => applyActivation(ctx, ctx.spec.config['activation'], single(ctx), ctx.spec.name, true);

const scalar = (v: number): Tensor => ({ shape: [1], data: new Float32Array([v]) });

function num(ctx: LayerContext, key: string, fallback: number | undefined): number | undefined {
  const v = ctx.spec.config[key] ?? fallback;
  if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw formatError(ctx, `config.${key} must be a number, got ${JSON.stringify(v)}`);
  return v as number | undefined;
}

/**
 * Keras ReLU(max_value, threshold, negative_slope): x for threshold <= x < max_value, max_value above,
 * negative_slope·(x − threshold) below (tfjs-layers reads only max_value; the others default to 0).
 */
export const reluLayer: LayerConverter = (ctx) => {
  const x = single(ctx);
  const max = num(ctx, 'max_value', undefined);
  const threshold = num(ctx, 'threshold', 0)!;
  const slope = num(ctx, 'negative_slope', 0)!;
  const name = ctx.spec.name;
  if (max !== undefined && max < 0) throw formatError(ctx, `max_value must be >= 0, got ${max}`);
  if (threshold === 0 && max === undefined) return slope === 0 ? ctx.b.node(name, 'Relu', [x]) : ctx.b.node(name, 'LeakyRelu', [x], { alpha: slope });
  if (threshold === 0 && slope === 0) return ctx.b.node(name, 'Clip', [x], { min: 0, max: max! });
  // Keras: x·[x > threshold] (threshold 0: relu), clipped to [0, max_value], minus slope·relu(threshold − x).
  const last = slope === 0;
  let pos = threshold === 0 ? x : ctx.b.node(last && max === undefined ? name : `${name}/thresholded`, 'ThresholdedRelu', [x], { alpha: threshold });
  if (max !== undefined) pos = ctx.b.node(last ? name : `${name}/clip`, 'Clip', [pos], { min: 0, max });
  if (last) return pos;
  const shifted = threshold === 0 ? ctx.b.node(`${name}/flip`, 'Neg', [x]) : ctx.b.node(`${name}/shift`, 'Sub', [constant(ctx, 'threshold', scalar(threshold)), x]);
  const neg = ctx.b.node(`${name}/negative`, 'Relu', [shifted]);
  const scaled = ctx.b.node(`${name}/negative_scaled`, 'Mul', [neg, constant(ctx, 'negative_slope', scalar(slope))]);
  return ctx.b.node(name, 'Sub', [pos, scaled]);
};

export const leakyReluLayer: LayerConverter = (ctx) => {
  const alpha = num(ctx, 'alpha', undefined) ?? num(ctx, 'negative_slope', 0.3)!;
  return ctx.b.node(ctx.spec.name, 'LeakyRelu', [single(ctx)], { alpha });
};

export const eluLayer: LayerConverter = (ctx) => ctx.b.node(ctx.spec.name, 'Elu', [single(ctx)], { alpha: num(ctx, 'alpha', 1)! });

export const thresholdedReluLayer: LayerConverter = (ctx) =>
  ctx.b.node(ctx.spec.name, 'ThresholdedRelu', [single(ctx)], { alpha: num(ctx, 'theta', 1)! });

/** PReLU: relu(x) − α·relu(−x) with the learned α (broadcast over `shared_axes`). */
export const preluLayer: LayerConverter = (ctx) => {
  const x = single(ctx);
  const shape = ctx.b.shape(x);
  const shared = ctx.spec.config['shared_axes'];
  const sharedAxes = shared == null ? [] : Array.isArray(shared) ? shared : [shared];
  if (sharedAxes.some((a) => !Number.isInteger(a) || a < 1 || a >= shape.length)) throw formatError(ctx, `config.shared_axes ${JSON.stringify(shared)} is invalid`);
  const expected = shape.slice(1).map((d, i) => (sharedAxes.includes(i + 1) ? 1 : d));
  const alpha = weight(ctx, 'alpha', expected);
  const name = ctx.spec.name;
  const pos = ctx.b.node(`${name}/positive`, 'Relu', [x]);
  const neg = ctx.b.node(`${name}/negative`, 'Relu', [ctx.b.node(`${name}/flip`, 'Neg', [x])]);
  return ctx.b.node(name, 'Sub', [pos, ctx.b.node(`${name}/negative_scaled`, 'Mul', [neg, alpha])]);
};

export const softmaxLayer: LayerConverter = (ctx) => {
  const raw = ctx.spec.config['axis'] ?? -1;
  const axis = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (typeof axis !== 'number') throw unsupported(ctx, `axis ${JSON.stringify(raw)}`);
  return ctx.b.node(ctx.spec.name, 'Softmax', [single(ctx)], { axis });
};
