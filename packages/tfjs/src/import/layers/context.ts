/** What a layer converter sees, and small config helpers. */
import { ModelFormatError, UnsupportedOpError, type Tensor } from '@glasswing/core';
import type { GraphBuilder } from '../builder.js';
import type { LayerSpec } from '../topology.js';

export interface LayerContext {
  readonly spec: LayerSpec;
  /** Input tensor names (one per inbound layer). */
  readonly inputs: readonly string[];
  readonly b: GraphBuilder;
  /** The named weight of this layer (e.g. 'kernel'), or undefined when the manifest lacks it. */
  findWeight(weight: string): Tensor | undefined;
  /** The model's `keras_version` (e.g. '2.2.4', '3.3.3', 'tfjs-layers 4.22.0'), when recorded. */
  readonly kerasVersion?: string;
  /**
   * Convert an inner layer (of a wrapper or a nested model) on `inputs`; its weights are looked up
   * under each of `weightScopes` in turn (e.g. 'bidirectional/forward_lstm'). Returns its output tensor.
   */
  convertInner(spec: LayerSpec, inputs: readonly string[], weightScopes: readonly string[]): string;
}

/** A converter adds the layer's nodes and returns the tensor holding the layer's output. */
export type LayerConverter = (ctx: LayerContext) => string;

export function describe(ctx: LayerContext): string {
  return `layer ${ctx.spec.name} (${ctx.spec.className})`;
}

export function unsupported(ctx: LayerContext, what: string): UnsupportedOpError {
  return new UnsupportedOpError(ctx.spec.className, `${describe(ctx)}: ${what} is not supported`);
}

export function formatError(ctx: LayerContext, what: string): ModelFormatError {
  return new ModelFormatError(`${describe(ctx)}: ${what}`);
}

/** Add the layer's weight as an initializer named `<layer>/<weight>`; returns its tensor name. */
export function weight(ctx: LayerContext, name: string, expectShape?: readonly (number | null)[]): string {
  const t = ctx.findWeight(name);
  if (t === undefined) throw formatError(ctx, `weight ${name} is missing from the weights manifest`);
  if (expectShape && (t.shape.length !== expectShape.length || expectShape.some((d, i) => d !== null && d !== t.shape[i]))) {
    throw formatError(ctx, `weight ${name} has shape [${t.shape.join(', ')}], expected [${expectShape.map((d) => d ?? '?').join(', ')}]`);
  }
  return constant(ctx, name, t);
}

export function constant(ctx: LayerContext, suffix: string, t: Tensor): string {
  return ctx.b.constant(`${ctx.spec.name}/${suffix}`, t);
}

export function single(ctx: LayerContext): string {
  if (ctx.inputs.length !== 1) throw formatError(ctx, `expects one input, got ${ctx.inputs.length}`);
  return ctx.inputs[0]!;
}

export function pair(ctx: LayerContext, key: string, fallback?: [number, number]): [number, number] {
  const v = ctx.spec.config[key];
  if (v === undefined || v === null) {
    if (fallback) return fallback;
    throw formatError(ctx, `config.${key} is missing`);
  }
  const list = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(list) || list.length !== 2 || list.some((d) => !Number.isInteger(d) || d < 1)) {
    throw formatError(ctx, `config.${key} must be a positive integer or a pair, got ${JSON.stringify(v)}`);
  }
  return [list[0] as number, list[1] as number];
}

export function channelsLast(ctx: LayerContext): void {
  const f = ctx.spec.config['data_format'];
  if (f !== undefined && f !== null && f !== 'channels_last') throw unsupported(ctx, `data_format ${JSON.stringify(f)}`);
}

/** Per-example spatial size [H, W] of an NHWC tensor (must be known). */
export function spatial(ctx: LayerContext, tensor: string): [number, number] {
  const s = ctx.b.shape(tensor);
  if (s.length !== 4) throw formatError(ctx, `expects a rank-4 NHWC input, got [${s.join(', ')}]`);
  if (s[1]! < 0 || s[2]! < 0) throw formatError(ctx, `input spatial size must be known, got [${s.join(', ')}]`);
  return [s[1]!, s[2]!];
}

/**
 * TensorFlow padding as explicit [top, left, bottom, right]. 'same': out = ceil(in / stride),
 * total = max((out − 1)·stride + effectiveKernel − in, 0), begin = floor(total / 2) (TF puts the
 * extra cell at the end). 'valid': none.
 */
export function tfPads(
  ctx: LayerContext,
  size: [number, number],
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number] = [1, 1],
): [number, number, number, number] {
  const padding = ctx.spec.config['padding'] ?? 'valid';
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same') throw unsupported(ctx, `padding ${JSON.stringify(padding)}`);
  const begin: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < 2; i++) {
    const eff = (kernel[i]! - 1) * dilations[i]! + 1;
    const out = Math.ceil(size[i]! / strides[i]!);
    const total = Math.max((out - 1) * strides[i]! + eff - size[i]!, 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  }
  return [begin[0]!, begin[1]!, end[0]!, end[1]!];
}
