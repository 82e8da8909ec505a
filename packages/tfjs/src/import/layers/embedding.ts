/**
 * Embedding: output = onehot(ids) · E with onehot built from the ids by Relu hat functions,
 * onehot_v(x) = relu(x − v + 1) − 2·relu(x − v) + relu(x − v − 1), which is exactly 1 at x = v and 0 at
 * every other integer (and interpolates rows linearly between integers, e.g. along an IG path).
 * Ids outside [0, vocabulary) give a zero row. `mask_zero` is not supported.
 */
import { constant, formatError, single, unsupported, weight, type LayerConverter } from './context.js';

export const embedding: LayerConverter = (ctx) => {
  const x = single(ctx);
  const c = ctx.spec.config;
  const v = c['input_dim'];
  const d = c['output_dim'];
  if (!Number.isInteger(v) || !Number.isInteger(d)) throw formatError(ctx, 'config.input_dim and config.output_dim must be integers');
  if (c['mask_zero'] === true) throw unsupported(ctx, 'mask_zero = true (masking)');
  const table = weight(ctx, 'embeddings', [v as number, d as number]);
  const name = ctx.spec.name;
  const one = constant(ctx, 'one', { shape: [1], data: new Float32Array([1]) });
  const two = constant(ctx, 'two', { shape: [1], data: new Float32Array([2]) });
  const ids = constant(ctx, 'vocabulary', { shape: [v as number], data: Float32Array.from({ length: v as number }, (_, i) => i) });
  const expanded = ctx.b.node(`${name}/expand`, 'Unsqueeze', [x], { axes: [-1] });
  const diff = ctx.b.node(`${name}/offset`, 'Sub', [expanded, ids]);
  const above = ctx.b.node(`${name}/hat_left`, 'Relu', [ctx.b.node(`${name}/offset_plus`, 'Add', [diff, one])]);
  const below = ctx.b.node(`${name}/hat_right`, 'Relu', [ctx.b.node(`${name}/offset_minus`, 'Sub', [diff, one])]);
  const centre = ctx.b.node(`${name}/hat_centre`, 'Mul', [ctx.b.node(`${name}/hat_mid`, 'Relu', [diff]), two]);
  const onehot = ctx.b.node(`${name}/onehot`, 'Sub', [ctx.b.node(`${name}/hat_sum`, 'Add', [above, below]), centre]);
  return ctx.b.node(name, 'MatMul', [onehot, table]);
};
