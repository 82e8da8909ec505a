/**
 * SeparableConv2D (a depthwise Conv of group C, then a 1×1 Conv), Conv1D (a Conv over [N, 1, L, C],
 * 'causal' padding on the left) and Conv2DTranspose (ConvTranspose, TF kernel [kh, kw, filters, C]).
 * All channels_last.
 */
import { withActivation } from './activation.js';
import { channelsLast, constant, formatError, pair, single, spatial, tfPads, weight, type LayerContext, type LayerConverter } from './context.js';

function filtersOf(ctx: LayerContext): number {
  const f = ctx.spec.config['filters'];
  if (!Number.isInteger(f) || (f as number) < 1) throw formatError(ctx, 'config.filters must be a positive integer');
  return f as number;
}

const useBias = (ctx: LayerContext): boolean => ctx.spec.config['use_bias'] !== false;

export const separableConv2d: LayerConverter = (ctx) => {
  channelsLast(ctx);
  const x = single(ctx);
  const size = spatial(ctx, x);
  const c = ctx.b.shape(x)[3]!;
  const k = pair(ctx, 'kernel_size');
  const filters = filtersOf(ctx);
  const strides = pair(ctx, 'strides', [1, 1]);
  const dilations = pair(ctx, 'dilation_rate', [1, 1]);
  const dk = ctx.findWeight('depthwise_kernel');
  if (dk === undefined) throw formatError(ctx, 'weight depthwise_kernel is missing from the weights manifest');
  // tfjs-layers does not serialise depth_multiplier for SeparableConv2D: the kernel's last axis is it.
  const m = (ctx.spec.config['depth_multiplier'] as number | undefined) ?? dk.shape[3] ?? 1;
  if (dk.shape.join() !== [k[0], k[1], c, m].join()) {
    throw formatError(ctx, `weight depthwise_kernel has shape [${dk.shape.join(', ')}], expected [${[k[0], k[1], c, m].join(', ')}]`);
  }
  const depthwise = constant(ctx, 'depthwise_kernel', { shape: [k[0], k[1], 1, c * m], data: dk.data });
  const pointwise = weight(ctx, 'pointwise_kernel', [1, 1, c * m, filters]);
  const bias = useBias(ctx) ? weight(ctx, 'bias', [filters]) : undefined;
  const pads = tfPads(ctx, size, k, strides, dilations);
  const name = ctx.spec.name;
  const dw = ctx.b.node(`${name}/depthwise`, 'Conv', [x, depthwise], { layout: 'NHWC', kernel_shape: k, strides, dilations, pads, group: c });
  const attrs = { layout: 'NHWC', kernel_shape: [1, 1], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], group: 1 };
  return withActivation(ctx, (n) => ctx.b.node(n, 'Conv', bias ? [dw, pointwise, bias] : [dw, pointwise], attrs));
};

function single1d(ctx: LayerContext, key: string, fallback?: number): number {
  const v = ctx.spec.config[key];
  const list = v === undefined || v === null ? (fallback === undefined ? undefined : [fallback]) : Array.isArray(v) ? v : [v];
  if (!list || list.length !== 1 || !Number.isInteger(list[0]) || list[0] < 1) throw formatError(ctx, `config.${key} must be a positive integer, got ${JSON.stringify(v)}`);
  return list[0] as number;
}

/** [begin, end] padding of a 1-D window for Keras padding 'valid' | 'same' | 'causal'. */
export function pads1d(ctx: LayerContext, size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const padding = ctx.spec.config['padding'] ?? 'valid';
  const eff = (kernel - 1) * dilation + 1;
  if (padding === 'valid') return [0, 0];
  if (padding === 'causal') return [eff - 1, 0];
  if (padding !== 'same') throw formatError(ctx, `padding ${JSON.stringify(padding)} is not supported (valid, same, causal)`);
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + eff - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export const conv1d: LayerConverter = (ctx) => {
  channelsLast(ctx);
  const x = single(ctx);
  const shape = ctx.b.shape(x);
  if (shape.length !== 3 || shape[1]! < 0) throw formatError(ctx, `expects a [N, steps, channels] input with known steps, got [${shape.join(', ')}]`);
  const c = shape[2]!;
  const k = single1d(ctx, 'kernel_size');
  const s = single1d(ctx, 'strides', 1);
  const d = single1d(ctx, 'dilation_rate', 1);
  const filters = filtersOf(ctx);
  const groups = (ctx.spec.config['groups'] as number | undefined) ?? 1;
  if (!Number.isInteger(groups) || c % groups !== 0 || filters % groups !== 0) throw formatError(ctx, `groups ${String(groups)} does not divide ${c} channels and ${filters} filters`);
  const kt = ctx.findWeight('kernel');
  if (kt === undefined) throw formatError(ctx, 'weight kernel is missing from the weights manifest');
  if (kt.shape.join() !== [k, c / groups, filters].join()) {
    throw formatError(ctx, `weight kernel has shape [${kt.shape.join(', ')}], expected [${[k, c / groups, filters].join(', ')}]`);
  }
  const kernel = constant(ctx, 'kernel', { shape: [1, k, c / groups, filters], data: kt.data });
  const bias = useBias(ctx) ? weight(ctx, 'bias', [filters]) : undefined;
  const [pb, pe] = pads1d(ctx, shape[1]!, k, s, d);
  const name = ctx.spec.name;
  const x4 = ctx.b.node(`${name}/expand`, 'Unsqueeze', [x], { axes: [1] });
  const attrs = { layout: 'NHWC', kernel_shape: [1, k], strides: [1, s], dilations: [1, d], pads: [0, pb, 0, pe], group: groups };
  const y4 = ctx.b.node(`${name}/conv`, 'Conv', bias ? [x4, kernel, bias] : [x4, kernel], attrs);
  return withActivation(ctx, (n) => ctx.b.node(n, 'Squeeze', [y4], { axes: [1] }));
};

/**
 * Keras / tfjs output size per axis: 'valid' in·s + max(k_eff − s, 0), 'same' in·s. As ConvTranspose:
 * pads = the pads of the forward SAME conv it transposes, output_padding = the cells still missing.
 */
export const conv2dTranspose: LayerConverter = (ctx) => {
  channelsLast(ctx);
  const x = single(ctx);
  spatial(ctx, x);
  const c = ctx.b.shape(x)[3]!;
  const k = pair(ctx, 'kernel_size');
  const filters = filtersOf(ctx);
  const strides = pair(ctx, 'strides', [1, 1]);
  const dilations = pair(ctx, 'dilation_rate', [1, 1]);
  const kernel = weight(ctx, 'kernel', [k[0], k[1], filters, c]);
  const bias = useBias(ctx) ? weight(ctx, 'bias', [filters]) : undefined;
  const padding = ctx.spec.config['padding'] ?? 'valid';
  const given = ctx.spec.config['output_padding'];
  const begin: number[] = [];
  const end: number[] = [];
  const outPad: number[] = [];
  for (let i = 0; i < 2; i++) {
    const eff = (k[i]! - 1) * dilations[i]! + 1;
    const s = strides[i]!;
    const op = given == null ? undefined : Array.isArray(given) ? given[i] : given;
    if (op !== undefined && (!Number.isInteger(op) || op < 0 || op >= s)) throw formatError(ctx, `output_padding ${JSON.stringify(given)} must be integers in [0, stride)`);
    if (padding === 'valid') {
      begin.push(0);
      end.push(0);
      outPad.push(op ?? Math.max(s - eff, 0));
    } else if (padding === 'same') {
      if (op !== undefined) throw formatError(ctx, "output_padding with padding 'same' is not supported");
      const total = Math.max(eff - s, 0);
      begin.push(Math.floor(total / 2));
      end.push(total - Math.floor(total / 2));
      outPad.push(Math.max(s - eff, 0));
    } else throw formatError(ctx, `padding ${JSON.stringify(padding)} is not supported (valid, same)`);
  }
  const attrs = { layout: 'NHWC', kernel_shape: k, strides, dilations, pads: [begin[0]!, begin[1]!, end[0]!, end[1]!], output_padding: outPad, group: 1 };
  return withActivation(ctx, (n) => ctx.b.node(n, 'ConvTranspose', bias ? [x, kernel, bias] : [x, kernel], attrs));
};
