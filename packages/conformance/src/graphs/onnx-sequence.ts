/**
 * ONNX sequence ops (a transformer-like block on [tokens, features]): LayerNormalization (last axis,
 * then last two), MatMul + Add, Relu + Gelu (tanh), Gather (vector with repeats and negatives; scalar),
 * a positive branch (Sigmoid + 0.5 ∈ (0.5, 1.5)) through Pow (constant exponent), Sqrt, Log, plus Exp,
 * Erf, Gelu (erf), Neg, Abs (of a value bounded away from 0), Cast, ReduceSum, Unsqueeze, Concat.
 * input [N, 4, 6] → output [N, 3].
 */
import { GraphBuilder } from '../graph-builder.js';
import { suiteRng } from '../rng.js';
import type { ConformanceGraph } from './types.js';

export function onnxSequenceGraph(seed = 505): ConformanceGraph {
  const b = new GraphBuilder(suiteRng(seed));
  const c = (name: string, v: number) => b.constant(name, [1], Float32Array.of(v));
  const ln = b.node('ln', 'LayerNormalization', [b.input, b.uniform('ln.scale', [6], 0.7, 1.3), b.weight('ln.bias', [6], 0.1)]);
  const fc1 = b.node('fc1', 'MatMul', [ln, b.weight('fc1.weight', [6, 8], 0.5)]);
  const fc1b = b.node('fc1_bias', 'Add', [fc1, b.weight('fc1.bias', [8], 0.1)]);
  const relu = b.node('relu', 'Relu', [fc1b]);
  const geluT = b.node('gelu_tanh', 'Gelu', [fc1b], { approximate: 'tanh' });
  const mix = b.node('mix', 'Add', [relu, geluT]);
  const ln2 = b.node('ln2', 'LayerNormalization', [mix, b.uniform('ln2.scale', [4, 8], 0.7, 1.3)], { axis: 1, epsilon: 1e-3 });
  const gath = b.node('gather', 'Gather', [ln2], { axis: 1, indices: [3, 0, 0, -2] });
  const tok = b.node('token', 'Gather', [ln2], { axis: 1, indices: [1], indices_shape: [] });
  // positive branch in (0.5, 1.5)
  const pos = b.node('positive', 'Add', [b.node('sigmoid', 'Sigmoid', [gath]), c('half', 0.5)]);
  const pw = b.node('pow', 'Pow', [pos, c('exponent', 1.7)]);
  const sq = b.node('sqrt', 'Sqrt', [pos]);
  const lg = b.node('log', 'Log', [pos]);
  const ex = b.node('exp', 'Exp', [b.node('half_gather', 'Mul', [gath, c('half_scale', 0.5)])]);
  const er = b.node('erf', 'Erf', [gath]);
  const ge = b.node('gelu', 'Gelu', [gath]);
  // −√pos + 0.3 ∈ (−0.93, −0.40): Abs away from its kink
  const ab = b.node('abs', 'Abs', [b.node('shift', 'Add', [b.node('neg', 'Neg', [sq]), c('shift_by', 0.3)])]);
  const s1 = b.node('s1', 'Add', [pw, lg]);
  const s2 = b.node('s2', 'Mul', [ex, er]);
  const s3 = b.node('s3', 'Add', [ge, ab]);
  const total = b.node('total', 'Add', [b.node('s12', 'Add', [s1, s2]), s3]);
  const cast = b.node('cast', 'Cast', [total], { to: 1 });
  const red = b.node('reduce', 'ReduceSum', [cast], { axes: [1], keepdims: 0 });
  const u1 = b.node('unsqueeze', 'Unsqueeze', [red], { axes: [1] });
  const u2 = b.node('unsqueeze_token', 'Unsqueeze', [tok], { axes: [-2] });
  const cat = b.node('concat', 'Concat', [u1, u2], { axis: 1 });
  const flat = b.node('flat', 'Reshape', [cat], { shape: [0, -1] });
  const out = b.node('out', 'Gemm', [flat, b.weight('out.weight', [3, 16], 0.3), b.weight('out.bias', [3], 0.1)], { transB: 1 });
  return {
    id: 'onnx-sequence',
    description:
      'tokens: LayerNormalization, MatMul, Relu, Gelu (tanh, erf), Gather, Pow, Sqrt, Log, Exp, Erf, Neg, Abs, Cast, ReduceSum, Unsqueeze',
    graph: b.build('conformance-onnx-sequence', [4, 6], out),
    inputShape: [4, 6],
    outputSize: 3,
    taps: ['ln', 'mix', 'gather', 'total'],
    cut: 'ln2',
    reluNodes: ['relu'],
  };
}
