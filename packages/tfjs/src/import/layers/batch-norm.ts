/** BatchNormalization (inference) over the last axis. */
import { constant, formatError, single, unsupported, weight, type LayerConverter } from './context.js';

export const batchNormalization: LayerConverter = (ctx) => {
  const x = single(ctx);
  const rank = ctx.b.shape(x).length;
  const c = ctx.b.shape(x)[rank - 1]!;
  const raw = ctx.spec.config['axis'] ?? -1;
  const axes = Array.isArray(raw) ? raw : [raw];
  if (axes.length !== 1 || typeof axes[0] !== 'number') throw unsupported(ctx, `axis ${JSON.stringify(raw)}`);
  const axis = axes[0] < 0 ? axes[0] + rank : axes[0];
  if (axis !== rank - 1) throw unsupported(ctx, `axis ${JSON.stringify(raw)} (only the last, channel axis)`);
  if (c < 0) throw formatError(ctx, 'the channel dimension must be known');
  const eps = ctx.spec.config['epsilon'] ?? 1e-3;
  if (typeof eps !== 'number') throw formatError(ctx, 'config.epsilon must be a number');
  const filled = (suffix: string, v: number): string => constant(ctx, suffix, { shape: [c], data: new Float32Array(c).fill(v) });
  const gamma = ctx.spec.config['scale'] === false ? filled('gamma', 1) : weight(ctx, 'gamma', [c]);
  const beta = ctx.spec.config['center'] === false ? filled('beta', 0) : weight(ctx, 'beta', [c]);
  const mean = weight(ctx, 'moving_mean', [c]);
  const variance = weight(ctx, 'moving_variance', [c]);
  return ctx.b.node(ctx.spec.name, 'BatchNormalization', [x, gamma, beta, mean, variance], { epsilon: eps, layout: 'NHWC' });
};
