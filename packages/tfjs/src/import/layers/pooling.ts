/** MaxPooling2D / AveragePooling2D (TF 'same' padding excludes padded cells from averages), GlobalAveragePooling2D. */
import type { OpType } from '@glasswing/core';
import { channelsLast, pair, single, spatial, tfPads, type LayerConverter } from './context.js';

const pool =
  (op: OpType): LayerConverter =>
  (ctx) => {
    channelsLast(ctx);
    const x = single(ctx);
    const size = spatial(ctx, x);
    const k = pair(ctx, 'pool_size', [2, 2]);
    const strides = pair(ctx, 'strides', k);
    const pads = tfPads(ctx, size, k, strides);
    const attrs = { layout: 'NHWC', kernel_shape: k, strides, pads, ...(op === 'AveragePool' ? { count_include_pad: 0 } : {}) };
    return ctx.b.node(ctx.spec.name, op, [x], attrs);
  };

export const maxPooling2d = pool('MaxPool');
export const averagePooling2d = pool('AveragePool');

export const globalAveragePooling2d: LayerConverter = (ctx) => {
  channelsLast(ctx);
  const x = single(ctx);
  spatial(ctx, x);
  if (ctx.spec.config['keepdims'] === true) return ctx.b.node(ctx.spec.name, 'GlobalAveragePool', [x], { layout: 'NHWC' });
  const pooled = ctx.b.node(`${ctx.spec.name}/pool`, 'GlobalAveragePool', [x], { layout: 'NHWC' });
  return ctx.b.node(ctx.spec.name, 'Flatten', [pooled], { axis: 1 });
};
