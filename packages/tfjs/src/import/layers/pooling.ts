/**
 * Pooling: MaxPooling1D/2D and AveragePooling1D/2D (TF 'same' padding excludes padded cells from
 * averages), GlobalAveragePooling1D/2D, GlobalMaxPooling1D/2D (`keepdims` honoured). 2-D pools take
 * either data format; 1-D pools run as 2-D pools over [N, 1, steps, C].
 */
import type { OpType } from '@glasswing/core';
import { pads1d } from './conv-more.js';
import { formatError, pair, single, tfPads, unsupported, type LayerContext, type LayerConverter } from './context.js';

function layoutOf(ctx: LayerContext): 'NHWC' | 'NCHW' {
  const f = ctx.spec.config['data_format'] ?? 'channels_last';
  if (f === 'channels_last') return 'NHWC';
  if (f === 'channels_first') return 'NCHW';
  throw unsupported(ctx, `data_format ${JSON.stringify(f)}`);
}

function spatialOf(ctx: LayerContext, x: string, layout: 'NHWC' | 'NCHW'): [number, number] {
  const s = ctx.b.shape(x);
  if (s.length !== 4) throw formatError(ctx, `expects a rank-4 input, got [${s.join(', ')}]`);
  const hw: [number, number] = layout === 'NHWC' ? [s[1]!, s[2]!] : [s[2]!, s[3]!];
  if (hw[0] < 0 || hw[1] < 0) throw formatError(ctx, `input spatial size must be known, got [${s.join(', ')}]`);
  return hw;
}

const extra = (op: OpType): Record<string, number> => (op === 'AveragePool' ? { count_include_pad: 0 } : {});

const pool2d =
  (op: OpType): LayerConverter =>
  (ctx) => {
    const layout = layoutOf(ctx);
    const x = single(ctx);
    const size = spatialOf(ctx, x, layout);
    const k = pair(ctx, 'pool_size', [2, 2]);
    const strides = pair(ctx, 'strides', k);
    const pads = tfPads(ctx, size, k, strides);
    return ctx.b.node(ctx.spec.name, op, [x], { layout, kernel_shape: k, strides, pads, ...extra(op) });
  };

function int1d(ctx: LayerContext, key: string, fallback: number): number {
  const v = ctx.spec.config[key];
  const n = v == null ? fallback : Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (!Number.isInteger(n) || n < 1) throw formatError(ctx, `config.${key} must be a positive integer, got ${JSON.stringify(v)}`);
  return n as number;
}

function steps(ctx: LayerContext, x: string): number[] {
  const s = ctx.b.shape(x);
  const f = ctx.spec.config['data_format'] ?? 'channels_last';
  if (f !== 'channels_last') throw unsupported(ctx, `data_format ${JSON.stringify(f)}`);
  if (s.length !== 3 || s[1]! < 0) throw formatError(ctx, `expects a [N, steps, channels] input with known steps, got [${s.join(', ')}]`);
  return [...s];
}

const pool1d =
  (op: OpType): LayerConverter =>
  (ctx) => {
    const x = single(ctx);
    const s = steps(ctx, x);
    const k = int1d(ctx, 'pool_size', 2);
    const stride = int1d(ctx, 'strides', k);
    if (ctx.spec.config['padding'] === 'causal') throw unsupported(ctx, "padding 'causal'");
    const [pb, pe] = pads1d(ctx, s[1]!, k, stride, 1);
    const name = ctx.spec.name;
    const x4 = ctx.b.node(`${name}/expand`, 'Unsqueeze', [x], { axes: [1] });
    const attrs = { layout: 'NHWC', kernel_shape: [1, k], strides: [1, stride], pads: [0, pb, 0, pe], ...extra(op) };
    const y4 = ctx.b.node(`${name}/pool`, op, [x4], attrs);
    return ctx.b.node(name, 'Squeeze', [y4], { axes: [1] });
  };

export const maxPooling2d = pool2d('MaxPool');
export const averagePooling2d = pool2d('AveragePool');
export const maxPooling1d = pool1d('MaxPool');
export const averagePooling1d = pool1d('AveragePool');

const keepdims = (ctx: LayerContext): boolean => ctx.spec.config['keepdims'] === true;

export const globalAveragePooling2d: LayerConverter = (ctx) => {
  const layout = layoutOf(ctx);
  const x = single(ctx);
  spatialOf(ctx, x, layout);
  const axes = layout === 'NHWC' ? [1, 2] : [2, 3];
  if (layout === 'NHWC' && keepdims(ctx)) return ctx.b.node(ctx.spec.name, 'GlobalAveragePool', [x], { layout });
  if (layout === 'NHWC') {
    const pooled = ctx.b.node(`${ctx.spec.name}/pool`, 'GlobalAveragePool', [x], { layout });
    return ctx.b.node(ctx.spec.name, 'Flatten', [pooled], { axis: 1 });
  }
  return ctx.b.node(ctx.spec.name, 'ReduceMean', [x], { axes, keepdims: keepdims(ctx) ? 1 : 0 });
};

export const globalMaxPooling2d: LayerConverter = (ctx) => {
  const layout = layoutOf(ctx);
  const x = single(ctx);
  const [h, w] = spatialOf(ctx, x, layout);
  const name = ctx.spec.name;
  const attrs = { layout, kernel_shape: [h, w], strides: [1, 1], pads: [0, 0, 0, 0] };
  if (keepdims(ctx)) return ctx.b.node(name, 'MaxPool', [x], attrs);
  return ctx.b.node(name, 'Flatten', [ctx.b.node(`${name}/pool`, 'MaxPool', [x], attrs)], { axis: 1 });
};

export const globalAveragePooling1d: LayerConverter = (ctx) => {
  const x = single(ctx);
  steps(ctx, x);
  return ctx.b.node(ctx.spec.name, 'ReduceMean', [x], { axes: [1], keepdims: keepdims(ctx) ? 1 : 0 });
};

export const globalMaxPooling1d: LayerConverter = (ctx) => {
  const x = single(ctx);
  const s = steps(ctx, x);
  const name = ctx.spec.name;
  const x4 = ctx.b.node(`${name}/expand`, 'Unsqueeze', [x], { axes: [1] });
  const y4 = ctx.b.node(`${name}/pool`, 'MaxPool', [x4], { layout: 'NHWC', kernel_shape: [1, s[1]!], strides: [1, 1], pads: [0, 0, 0, 0] });
  return ctx.b.node(name, 'Reshape', [y4], { shape: keepdims(ctx) ? [0, 1, s[2]!] : [0, s[2]!] });
};
