/**
 * Wrappers: Bidirectional (a forward and a backward copy of an RNN, merged by concat / sum / mul /
 * ave) and TimeDistributed (the inner layer on [N·T, ...], reshaped back to [N, T, ...]).
 * Inner weights are found under the wrapper's scopes (`bi/forward_lstm/kernel`, `td/kernel`, ...).
 */
import type { LayerSpec } from '../topology.js';
import { formatError, single, unsupported, type LayerContext, type LayerConverter } from './context.js';

function innerOf(ctx: LayerContext, key: string): { className: string; config: Record<string, unknown>; name: string } | undefined {
  const raw = ctx.spec.config[key] as { class_name?: unknown; config?: unknown } | undefined;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || typeof raw.class_name !== 'string' || typeof raw.config !== 'object' || raw.config === null) {
    throw formatError(ctx, `config.${key} must be a {class_name, config} layer`);
  }
  const config = raw.config as Record<string, unknown>;
  const name = typeof config['name'] === 'string' ? config['name'] : raw.class_name.toLowerCase();
  return { className: raw.class_name, config, name };
}

const RNNS = new Set(['SimpleRNN', 'GRU', 'LSTM']);

export const bidirectional: LayerConverter = (ctx) => {
  const x = single(ctx);
  const fwd = innerOf(ctx, 'layer');
  if (!fwd) throw formatError(ctx, 'config.layer is missing');
  if (!RNNS.has(fwd.className)) throw unsupported(ctx, `wrapped layer class ${fwd.className} (SimpleRNN, GRU, LSTM)`);
  const bwdRaw = innerOf(ctx, 'backward_layer');
  const name = ctx.spec.name;
  const fName = `${name}/forward_${fwd.name}`;
  const forwardSpec: LayerSpec = { className: fwd.className, name: fName, config: { ...fwd.config, name: fName }, inbound: [] };
  const bInner = bwdRaw ?? { ...fwd, config: { ...fwd.config, go_backwards: !(fwd.config['go_backwards'] === true) } };
  const bName = `${name}/backward_${bInner.name}`;
  const backwardSpec: LayerSpec = { className: bInner.className, name: bName, config: { ...bInner.config, name: bName }, inbound: [] };
  const f = ctx.convertInner(forwardSpec, [x], [fName, `${name}/forward_${fwd.name}`]);
  let b = ctx.convertInner(backwardSpec, [x], [bName, `${name}/backward_${bInner.name}`]);
  if (fwd.config['return_sequences'] === true) {
    // Keras reverses the backward sequence back to input order.
    const steps = ctx.b.shape(x)[1]!;
    b = ctx.b.node(`${name}/backward_reversed`, 'Gather', [b], { axis: 1, indices: Array.from({ length: steps }, (_, i) => steps - 1 - i) });
  }
  const mode = ctx.spec.config['merge_mode'] === undefined ? 'concat' : ctx.spec.config['merge_mode'];
  switch (mode) {
    case 'concat':
      return ctx.b.node(name, 'Concat', [f, b], { axis: -1 });
    case 'sum':
      return ctx.b.node(name, 'Add', [f, b]);
    case 'mul':
      return ctx.b.node(name, 'Mul', [f, b]);
    case 'ave': {
      const half = ctx.b.constant(`${name}/half`, { shape: [1], data: new Float32Array([0.5]) });
      return ctx.b.node(name, 'Mul', [ctx.b.node(`${name}/sum`, 'Add', [f, b]), half]);
    }
    default:
      throw unsupported(ctx, `merge_mode ${JSON.stringify(mode)} (concat, sum, mul, ave)`);
  }
};

export const timeDistributed: LayerConverter = (ctx) => {
  const x = single(ctx);
  const shape = ctx.b.shape(x);
  if (shape.length < 3 || shape.slice(1).some((d) => d < 0)) throw formatError(ctx, `expects a [N, steps, ...] input with known dimensions, got [${shape.join(', ')}]`);
  const inner = innerOf(ctx, 'layer');
  if (!inner) throw formatError(ctx, 'config.layer is missing');
  const name = ctx.spec.name;
  const merged = ctx.b.node(`${name}/merge_steps`, 'Reshape', [x], { shape: [-1, ...shape.slice(2)] });
  const iName = `${name}/${inner.name}`;
  const spec: LayerSpec = { className: inner.className, name: iName, config: { ...inner.config, name: iName }, inbound: [] };
  const y = ctx.convertInner(spec, [merged], [name, iName, inner.name]);
  return ctx.b.node(name, 'Reshape', [y], { shape: [-1, shape[1]!, ...ctx.b.shape(y).slice(1)] });
};
