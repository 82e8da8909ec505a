/**
 * Conv2D and DepthwiseConv2D (channels_last). Keras HWIO kernels are the IR's NHWC Conv weights;
 * a depthwise kernel [kh, kw, C, m] is the grouped HWIO kernel [kh, kw, 1, C·m] with group C.
 */
import { withActivation } from './activation.js';
import { channelsLast, constant, formatError, pair, single, spatial, tfPads, weight, type LayerContext, type LayerConverter } from './context.js';

function convNode(ctx: LayerContext, x: string, kernel: string, bias: string | undefined, k: [number, number], group: number): string {
  const strides = pair(ctx, 'strides', [1, 1]);
  const dilations = pair(ctx, 'dilation_rate', [1, 1]);
  const pads = tfPads(ctx, spatial(ctx, x), k, strides, dilations);
  const attrs = { layout: 'NHWC', kernel_shape: k, strides, dilations, pads, group };
  return withActivation(ctx, (name) => ctx.b.node(name, 'Conv', bias ? [x, kernel, bias] : [x, kernel], attrs));
}

export const conv2d: LayerConverter = (ctx) => {
  channelsLast(ctx);
  const x = single(ctx);
  spatial(ctx, x);
  const cin = ctx.b.shape(x)[3]!;
  const k = pair(ctx, 'kernel_size');
  const filters = ctx.spec.config['filters'];
  if (!Number.isInteger(filters)) throw formatError(ctx, 'config.filters must be an integer');
  const groups = (ctx.spec.config['groups'] as number | undefined) ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || cin % groups !== 0 || (filters as number) % groups !== 0) {
    throw formatError(ctx, `groups ${String(groups)} does not divide channels ${cin} and filters ${String(filters)}`);
  }
  const kernel = weight(ctx, 'kernel', [k[0], k[1], cin / groups, filters as number]);
  const bias = ctx.spec.config['use_bias'] !== false ? weight(ctx, 'bias', [filters as number]) : undefined;
  return convNode(ctx, x, kernel, bias, k, groups);
};

export const depthwiseConv2d: LayerConverter = (ctx) => {
  channelsLast(ctx);
  const x = single(ctx);
  spatial(ctx, x);
  const c = ctx.b.shape(x)[3]!;
  const k = pair(ctx, 'kernel_size');
  const m = (ctx.spec.config['depth_multiplier'] as number | undefined) ?? 1;
  const dk = ctx.findWeight('depthwise_kernel');
  if (dk === undefined) throw formatError(ctx, 'weight depthwise_kernel is missing from the weights manifest');
  if (dk.shape.join() !== [k[0], k[1], c, m].join()) {
    throw formatError(ctx, `weight depthwise_kernel has shape [${dk.shape.join(', ')}], expected [${[k[0], k[1], c, m].join(', ')}]`);
  }
  // Same memory order: [kh, kw, C, m] row-major == [kh, kw, 1, C·m] with channel c·m + j.
  const kernel = constant(ctx, 'depthwise_kernel', { shape: [k[0], k[1], 1, c * m], data: dk.data });
  const bias = ctx.spec.config['use_bias'] !== false ? weight(ctx, 'bias', [c * m]) : undefined;
  return convNode(ctx, x, kernel, bias, k, c);
};
