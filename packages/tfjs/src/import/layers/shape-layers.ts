/** Flatten (both data formats), Reshape, Permute, RepeatVector and the inference-time identities (Dropout & noise layers). */
import { formatError, single, unsupported, type LayerConverter } from './context.js';

/** channels_first: the (batch, channels, ...) input is moved to channels-last before flattening, as Keras does. */
export const flatten: LayerConverter = (ctx) => {
  const x = single(ctx);
  const f = ctx.spec.config['data_format'] ?? 'channels_last';
  const rank = ctx.b.shape(x).length;
  if (f === 'channels_first' && rank > 2) {
    const perm = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
    const t = ctx.b.node(`${ctx.spec.name}/channels_last`, 'Transpose', [x], { perm });
    return ctx.b.node(ctx.spec.name, 'Flatten', [t], { axis: 1 });
  }
  if (f !== 'channels_last' && f !== 'channels_first') throw unsupported(ctx, `data_format ${JSON.stringify(f)}`);
  return ctx.b.node(ctx.spec.name, 'Flatten', [x], { axis: 1 });
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

/** [N, F] -> [N, n, F]: Unsqueeze, then Gather the single row n times. */
export const repeatVector: LayerConverter = (ctx) => {
  const x = single(ctx);
  if (ctx.b.shape(x).length !== 2) throw formatError(ctx, `expects a [N, features] input, got [${ctx.b.shape(x).join(', ')}]`);
  const n = ctx.spec.config['n'];
  if (!Number.isInteger(n) || (n as number) < 1) throw formatError(ctx, `config.n must be a positive integer, got ${JSON.stringify(n)}`);
  const e = ctx.b.node(`${ctx.spec.name}/expand`, 'Unsqueeze', [x], { axes: [1] });
  return ctx.b.node(ctx.spec.name, 'Gather', [e], { axis: 1, indices: new Array<number>(n as number).fill(0) });
};

export const dropout: LayerConverter = (ctx) => ctx.b.node(ctx.spec.name, 'Dropout', [single(ctx)]);

export const identity: LayerConverter = (ctx) => ctx.b.node(ctx.spec.name, 'Identity', [single(ctx)]);
