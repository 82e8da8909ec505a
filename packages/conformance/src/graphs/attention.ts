/**
 * A two-layer self-attention encoder on [tokens, features], small enough for every adapter:
 *
 * layer 0 (2 heads, one rank-4 Softmax): Q, K, V = x·W (MatMul), split into heads by Reshape +
 *   Transpose → [N, 2, T, 2]; scores Q·Kᵀ (Transpose of the last two axes, batched rank-4 MatMul),
 *   × 1/√2 (Mul), Softmax over keys → `attn0` [N, 2, T, T]; context A·V, heads merged (Transpose +
 *   Reshape), output projection, residual Add → `h1`.
 * layer 1 (1 head, rank-3 Softmax): scores (h1·Wq)·(h1·Wk)ᵀ ÷ 2 (Div), Softmax → `attn1` [N, T, T];
 *   A·h1, residual Add; a ReLU feed-forward with a residual Add.
 * head: token 0 (Gather, a [CLS] position) → Gemm → logits [N, 3].
 *
 * `attentionNodes` lists the planted attention Softmaxes, in layer order: detection must find
 * exactly these. input [N, 5, 4] → output [N, 3].
 */
import { GraphBuilder } from '../graph-builder.js';
import { suiteRng } from '../rng.js';
import type { ConformanceGraph } from './types.js';

const T = 5;
const D = 4;

export function attentionGraph(seed = 707): ConformanceGraph {
  const b = new GraphBuilder(suiteRng(seed));
  const c = (name: string, v: number) => b.constant(name, [1], Float32Array.of(v));
  // layer 0: two heads of width 2 in one rank-4 attention tensor
  const heads = (name: string, t: string) =>
    b.node(`${name}_heads`, 'Transpose', [b.node(`${name}_split`, 'Reshape', [t], { shape: [0, T, 2, 2] })], { perm: [0, 2, 1, 3] });
  const q0 = heads('q0', b.node('q0', 'MatMul', [b.input, b.weight('q0.weight', [D, D], 0.9)]));
  const k0 = heads('k0', b.node('k0', 'MatMul', [b.input, b.weight('k0.weight', [D, D], 0.9)]));
  const v0 = heads('v0', b.node('v0', 'MatMul', [b.input, b.weight('v0.weight', [D, D], 0.7)]));
  const k0t = b.node('k0_t', 'Transpose', [k0], { perm: [0, 1, 3, 2] });
  const s0 = b.node('scores0', 'MatMul', [q0, k0t]);
  const a0 = b.node('attn0', 'Softmax', [b.node('scaled0', 'Mul', [s0, c('inv_sqrt2', Math.SQRT1_2)])], { axis: -1 });
  const ctx0 = b.node('ctx0', 'MatMul', [a0, v0]);
  const merged = b.node('merge0', 'Reshape', [b.node('merge0_t', 'Transpose', [ctx0], { perm: [0, 2, 1, 3] })], { shape: [0, T, D] });
  const o0 = b.node('out0', 'MatMul', [merged, b.weight('o0.weight', [D, D], 0.6)]);
  const h1 = b.node('h1', 'Add', [b.input, o0]);
  // layer 1: one head on [N, T, T]
  const q1 = b.node('q1', 'MatMul', [h1, b.weight('q1.weight', [D, D], 0.9)]);
  const k1 = b.node('k1', 'MatMul', [h1, b.weight('k1.weight', [D, D], 0.9)]);
  const s1 = b.node('scores1', 'MatMul', [q1, b.node('k1_t', 'Transpose', [k1], { perm: [0, 2, 1] })]);
  const a1 = b.node('attn1', 'Softmax', [b.node('scaled1', 'Div', [s1, c('two', 2)])], { axis: -1 });
  const h2 = b.node('h2', 'Add', [h1, b.node('ctx1', 'MatMul', [a1, h1])]);
  const ff = b.node('ff_relu', 'Relu', [b.node('ff1', 'Add', [b.node('ff1_mm', 'MatMul', [h2, b.weight('ff1.weight', [D, 6], 0.7)]), b.weight('ff1.bias', [6], 0.3)])]);
  const h3 = b.node('h3', 'Add', [h2, b.node('ff2', 'MatMul', [ff, b.weight('ff2.weight', [6, D], 0.6)])]);
  const cls = b.node('cls', 'Gather', [h3], { axis: 1, indices: [0], indices_shape: [] });
  const out = b.node('logits', 'Gemm', [cls, b.weight('cls.weight', [3, D], 0.8), b.weight('cls.bias', [3], 0.1)], { transB: 1 });
  return {
    id: 'attention',
    description: 'self-attention: Q/K/V MatMuls, heads by Reshape + Transpose, scaled QKᵀ, Softmax (rank 4 and rank 3), residual Adds, ReLU FFN, Gather',
    graph: b.build('conformance-attention', [T, D], out),
    inputShape: [T, D],
    outputSize: 3,
    taps: ['attn0', 'h1', 'attn1', 'h3'],
    cut: 'h1',
    reluNodes: ['ff_relu'],
    attentionNodes: ['attn0', 'attn1'],
  };
}
