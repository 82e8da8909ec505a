/** Dense: y = x·kernel + bias on the last axis (kernel [in, units]); Gemm for rank-2 inputs. */
import { withActivation } from './activation.js';
import { formatError, single, weight, type LayerConverter } from './context.js';

export const dense: LayerConverter = (ctx) => {
  const x = single(ctx);
  const xs = ctx.b.shape(x);
  const units = ctx.spec.config['units'];
  if (!Number.isInteger(units)) throw formatError(ctx, 'config.units must be an integer');
  const useBias = ctx.spec.config['use_bias'] !== false;
  const kernel = weight(ctx, 'kernel', [xs[xs.length - 1]!, units as number]);
  const bias = useBias ? weight(ctx, 'bias', [units as number]) : undefined;
  return withActivation(ctx, (name) => {
    if (xs.length === 2) return ctx.b.node(name, 'Gemm', bias ? [x, kernel, bias] : [x, kernel]);
    if (!bias) return ctx.b.node(name, 'MatMul', [x, kernel]);
    const mm = ctx.b.node(`${name}/matmul`, 'MatMul', [x, kernel]);
    return ctx.b.node(name, 'Add', [mm, bias]);
  });
};
