/** Flatten, Reshape, Permute and the inference-time identities (Dropout & noise layers). */
import { formatError, single, unsupported, type LayerConverter } from './context.js';

export const flatten: LayerConverter = (ctx) => {
  const f = ctx.spec.config['data_format'];
  if (f !== undefined && f !== null && f !== 'channels_last') throw unsupported(ctx, `data_format ${JSON.stringify(f)}`);
  return ctx.b.node(ctx.spec.name, 'Flatten', [single(ctx)], { axis: 1 });
};

export const reshape: LayerConverter = (ctx) => {
  const target = ctx.spec.config['target_shape'];
  if (!Array.isArray(target) || target.some((d) => !Number.isInteger(d))) throw formatError(ctx, 'config.target_shape must be a list of integers');
  return ctx.b.node(ctx.spec.name, 'Reshape', [single(ctx)], { shape: [0, ...(target as number[])] });
};

export const permute: LayerConverter = (ctx) => {
  const dims = ctx.spec.config['dims'];
  if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d))) throw formatError(ctx, 'config.dims must be a list of integers');
  return ctx.b.node(ctx.spec.name, 'Transpose', [single(ctx)], { perm: [0, ...(dims as number[])] });
};

export const dropout: LayerConverter = (ctx) => ctx.b.node(ctx.spec.name, 'Dropout', [single(ctx)]);

export const identity: LayerConverter = (ctx) => ctx.b.node(ctx.spec.name, 'Identity', [single(ctx)]);
