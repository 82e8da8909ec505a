/**
 * MultiHeadAttention (Keras), self- or cross-attention on rank-3 inputs without a mask:
 * Q, K, V = x·W + b per head (EinsumDense kernels [D, heads, dim]), Q scaled by 1/√key_dim,
 * softmax(Q·Kᵀ) over the keys, times V, then the output projection ([heads, dim, D_out]).
 * Inputs: query (first), value (second or the `value` keyword; default the query), key (the
 * `key` keyword; default the value). The attention scores are the node `<layer>/scores`.
 */
import type { Tensor } from '@glasswing/core';
import { constant, formatError, unsupported, type LayerContext, type LayerConverter } from './context.js';

function inputsOf(ctx: LayerContext): { query: string; value: string; key: string } {
  const kw = ctx.spec.kwargs ?? {};
  const at = (i: number | undefined): string | undefined => (i === undefined ? undefined : ctx.inputs[i]);
  const positional = ctx.inputs.filter((_, i) => !Object.values(kw).includes(i));
  const query = at(kw['query']) ?? positional[0];
  if (query === undefined) throw formatError(ctx, 'has no query input');
  const value = at(kw['value']) ?? positional[1] ?? query;
  const key = at(kw['key']) ?? positional[2] ?? value;
  return { query, value, key };
}

function projection(ctx: LayerContext, x: string, role: string, heads: number, dim: number, useBias: boolean): string {
  const name = ctx.spec.name;
  const shape = ctx.b.shape(x);
  if (shape.length !== 3 || shape[1]! < 0) throw formatError(ctx, `${role} must be a [N, steps, features] tensor with known steps, got [${shape.join(', ')}]`);
  const kernel = ctx.findWeight(`${role}/kernel`);
  const want = [shape[2]!, heads, dim];
  if (kernel === undefined) throw formatError(ctx, `weight ${role}/kernel is missing from the weights manifest`);
  if (kernel.shape.join() !== want.join()) throw formatError(ctx, `weight ${role}/kernel has shape [${kernel.shape.join(', ')}], expected [${want.join(', ')}]`);
  const flat = ctx.b.node(`${name}/${role}_matmul`, 'MatMul', [x, constant(ctx, `${role}/kernel`, { shape: [want[0]!, heads * dim], data: kernel.data })]);
  let y = flat;
  if (useBias) {
    const bias = ctx.findWeight(`${role}/bias`);
    if (bias === undefined || bias.data.length !== heads * dim) throw formatError(ctx, `weight ${role}/bias is missing or not [${heads}, ${dim}]`);
    y = ctx.b.node(`${name}/${role}_dense`, 'Add', [flat, constant(ctx, `${role}/bias`, { shape: [heads * dim], data: bias.data })]);
  }
  const split = ctx.b.node(`${name}/${role}_heads`, 'Reshape', [y], { shape: [0, shape[1]!, heads, dim] });
  return ctx.b.node(`${name}/${role}`, 'Transpose', [split], { perm: [0, 2, 1, 3] }); // [N, heads, steps, dim]
}

export const multiHeadAttention: LayerConverter = (ctx) => {
  const c = ctx.spec.config;
  const heads = c['num_heads'];
  const keyDim = c['key_dim'];
  const valueDim = c['value_dim'] ?? keyDim;
  if (![heads, keyDim, valueDim].every((v) => Number.isInteger(v) && (v as number) > 0)) throw formatError(ctx, 'config.num_heads / key_dim / value_dim must be positive integers');
  if (c['attention_axes'] != null) throw unsupported(ctx, `attention_axes ${JSON.stringify(c['attention_axes'])}`);
  if (c['output_shape'] != null && !(Array.isArray(c['output_shape']) && c['output_shape'].length === 1) && typeof c['output_shape'] !== 'number') {
    throw unsupported(ctx, `output_shape ${JSON.stringify(c['output_shape'])}`);
  }
  const [h, kd, vd] = [heads as number, keyDim as number, valueDim as number];
  const useBias = c['use_bias'] !== false;
  const { query, value, key } = inputsOf(ctx);
  const name = ctx.spec.name;
  const q = projection(ctx, query, 'query', h, kd, useBias);
  const k = projection(ctx, key, 'key', h, kd, useBias);
  const v = projection(ctx, value, 'value', h, vd, useBias);
  const scale: Tensor = { shape: [1], data: new Float32Array([1 / Math.sqrt(kd)]) };
  const qs = ctx.b.node(`${name}/query_scaled`, 'Mul', [q, constant(ctx, 'scale', scale)]);
  const kt = ctx.b.node(`${name}/key_transposed`, 'Transpose', [k], { perm: [0, 1, 3, 2] });
  const logits = ctx.b.node(`${name}/attention_logits`, 'MatMul', [qs, kt]); // [N, heads, T, S]
  const scores = ctx.b.node(`${name}/scores`, 'Softmax', [logits], { axis: -1 });
  const mixed = ctx.b.node(`${name}/context`, 'MatMul', [scores, v]); // [N, heads, T, vd]
  const steps = ctx.b.shape(query)[1]!;
  const merged = ctx.b.node(`${name}/context_merged`, 'Reshape', [ctx.b.node(`${name}/context_steps`, 'Transpose', [mixed], { perm: [0, 2, 1, 3] })], {
    shape: [0, steps, h * vd],
  });
  const out = ctx.findWeight('attention_output/kernel');
  if (out === undefined || out.shape.length !== 3 || out.shape[0] !== h || out.shape[1] !== vd) {
    throw formatError(ctx, `weight attention_output/kernel is missing or not [${h}, ${vd}, D]`);
  }
  const dOut = out.shape[2]!;
  const projected = ctx.b.node(useBias ? `${name}/output_matmul` : name, 'MatMul', [merged, constant(ctx, 'attention_output/kernel', { shape: [h * vd, dOut], data: out.data })]);
  if (!useBias) return projected;
  const bias = ctx.findWeight('attention_output/bias');
  if (bias === undefined || bias.data.length !== dOut) throw formatError(ctx, `weight attention_output/bias is missing or not [${dOut}]`);
  return ctx.b.node(name, 'Add', [projected, constant(ctx, 'attention_output/bias', { shape: [dOut], data: bias.data })]);
};
