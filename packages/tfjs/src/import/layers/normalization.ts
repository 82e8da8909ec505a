/**
 * LayerNormalization (IR LayerNormalization over the trailing axes), Rescaling (x·scale + offset)
 * and the Normalization preprocessing layer ((x − mean) / max(√variance, 1e-7), or its inverse).
 */
import type { Tensor } from '@glasswing/core';
import { constant, formatError, single, unsupported, weight, type LayerContext, type LayerConverter } from './context.js';

function axesOf(ctx: LayerContext, rank: number, fallback: number[]): number[] {
  const raw = ctx.spec.config['axis'] ?? fallback;
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.some((a) => !Number.isInteger(a))) throw formatError(ctx, `config.axis must be an integer or a list of integers, got ${JSON.stringify(raw)}`);
  const axes = [...new Set((list as number[]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (axes.some((a) => a < 1 || a >= rank)) throw formatError(ctx, `config.axis ${JSON.stringify(raw)} is out of range for a rank-${rank} input`);
  return axes;
}

const filled = (shape: number[], v: number): Tensor => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(v) });

export const layerNormalization: LayerConverter = (ctx) => {
  const x = single(ctx);
  const shape = ctx.b.shape(x);
  const axes = axesOf(ctx, shape.length, [-1]);
  if (axes.some((a, i) => a !== shape.length - axes.length + i)) throw unsupported(ctx, `axis ${JSON.stringify(ctx.spec.config['axis'])} (only trailing axes)`);
  const dims = axes.map((a) => shape[a]!);
  if (dims.some((d) => d < 0)) throw formatError(ctx, 'the normalised dimensions must be known');
  const eps = ctx.spec.config['epsilon'] ?? 1e-3;
  if (typeof eps !== 'number') throw formatError(ctx, 'config.epsilon must be a number');
  const gamma = ctx.spec.config['scale'] === false ? constant(ctx, 'gamma', filled(dims, 1)) : weight(ctx, 'gamma', dims);
  const beta = ctx.spec.config['center'] === false ? constant(ctx, 'beta', filled(dims, 0)) : weight(ctx, 'beta', dims);
  return ctx.b.node(ctx.spec.name, 'LayerNormalization', [x, gamma, beta], { axis: axes[0]!, epsilon: eps });
};

function numbers(ctx: LayerContext, key: string, fallback: number): number[] {
  const v = ctx.spec.config[key] ?? fallback;
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || list.some((e) => typeof e !== 'number' || !Number.isFinite(e))) throw formatError(ctx, `config.${key} must be a number or a list of numbers, got ${JSON.stringify(v)}`);
  return list as number[];
}

export const rescaling: LayerConverter = (ctx) => {
  const x = single(ctx);
  const scale = numbers(ctx, 'scale', 1);
  const offset = numbers(ctx, 'offset', 0);
  const name = ctx.spec.name;
  const scaled = ctx.b.node(`${name}/scale`, 'Mul', [x, constant(ctx, 'scale_value', { shape: [scale.length], data: Float32Array.from(scale) })]);
  return ctx.b.node(name, 'Add', [scaled, constant(ctx, 'offset_value', { shape: [offset.length], data: Float32Array.from(offset) })]);
};

/** The statistic from the config (mean / variance given at construction) or the adapted weight. */
function statistic(ctx: LayerContext, key: 'mean' | 'variance', size: number): Float32Array {
  const fromConfig = ctx.spec.config[key];
  let values: ArrayLike<number> | undefined;
  if (typeof fromConfig === 'number') values = new Float32Array(size).fill(fromConfig);
  else if (Array.isArray(fromConfig)) values = Float32Array.from((fromConfig as unknown[]).flat(8) as number[]);
  else values = ctx.findWeight(key)?.data;
  if (values === undefined) throw formatError(ctx, `${key} is neither in the config nor in the weights manifest`);
  if (values.length === 1 && size > 1) return new Float32Array(size).fill(values[0]!);
  if (values.length !== size) throw formatError(ctx, `${key} has ${values.length} values, expected ${size}`);
  return Float32Array.from(values);
}

export const normalization: LayerConverter = (ctx) => {
  const x = single(ctx);
  const shape = ctx.b.shape(x);
  const axes = axesOf(ctx, shape.length, [-1]);
  const bshape = shape.map((d, i) => (i === 0 ? 1 : axes.includes(i) ? d : 1));
  if (bshape.some((d) => d < 0)) throw formatError(ctx, 'the normalised dimensions must be known');
  const size = bshape.reduce((a, b) => a * b, 1);
  const mean = statistic(ctx, 'mean', size);
  const variance = statistic(ctx, 'variance', size);
  const std = Float32Array.from(variance, (v) => Math.max(Math.sqrt(v), 1e-7));
  const name = ctx.spec.name;
  const meanT = constant(ctx, 'mean', { shape: bshape, data: mean });
  if (ctx.spec.config['invert'] === true) {
    const scaled = ctx.b.node(`${name}/scale`, 'Mul', [x, constant(ctx, 'std', { shape: bshape, data: std })]);
    return ctx.b.node(name, 'Add', [scaled, meanT]);
  }
  const centred = ctx.b.node(`${name}/centre`, 'Sub', [x, meanT]);
  return ctx.b.node(name, 'Div', [centred, constant(ctx, 'std', { shape: bshape, data: std })]);
};
