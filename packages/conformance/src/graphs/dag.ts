/**
 * A small DAG: Transpose, Reshape, three branches combined with Add/Sub/Mul/Div (data ⊗ data and
 * data ⊗ broadcast constant), Concat, Dropout (inference), Identity, Flatten.
 * input [N, 3, 4] → output [N, 5].
 */
import { GraphBuilder } from '../graph-builder.js';
import { suiteRng } from '../rng.js';
import type { ConformanceGraph } from './types.js';

export function dagGraph(seed = 303): ConformanceGraph {
  const b = new GraphBuilder(suiteRng(seed));
  const tr = b.node('transpose', 'Transpose', [b.input], { perm: [0, 2, 1] });
  const flat = b.node('flat', 'Reshape', [tr], { shape: [0, -1] });
  // branch a: Gemm + Relu
  const aFc = b.node('a_fc', 'Gemm', [flat, b.weight('a.weight', [6, 12], 0.5), b.weight('a.bias', [6], 0.3)], {
    transB: 1,
  });
  const aRelu = b.node('a_relu', 'Relu', [aFc]);
  // branch b: MatMul + Sigmoid + 0.5 (a denominator in (0.5, 1.5))
  const bFc = b.node('b_fc', 'MatMul', [flat, b.weight('b.weight', [12, 6], 0.5)]);
  const bSig = b.node('b_sigmoid', 'Sigmoid', [bFc]);
  const bShift = b.node('b_shift', 'Add', [bSig, b.constant('half', [1], Float32Array.of(0.5))]);
  // branch c: Gemm (transB = 0) + Tanh
  const cFc = b.node('c_fc', 'Gemm', [flat, b.weight('c.weight', [12, 6], 0.5), b.weight('c.bias', [6], 0.2)]);
  const cTanh = b.node('c_tanh', 'Tanh', [cFc]);
  // combinations
  const ratio = b.node('ratio', 'Div', [aRelu, bShift]);
  const prod = b.node('prod', 'Mul', [cTanh, aFc]);
  const diff = b.node('diff', 'Sub', [ratio, prod]);
  const sum = b.node('sum', 'Add', [aRelu, cTanh]);
  const scaled = b.node('scaled', 'Mul', [sum, b.uniform('scale', [6], 0.5, 1.5)]);
  const shifted = b.node('shifted', 'Sub', [scaled, b.weight('offset', [6], 0.3)]);
  const norm = b.node('norm', 'Div', [shifted, b.uniform('divisor', [6], 0.8, 2)]);
  const cat = b.node('concat', 'Concat', [diff, norm], { axis: 1 });
  const drop = b.node('dropout', 'Dropout', [cat]);
  const ident = b.node('identity', 'Identity', [drop]);
  const r3 = b.node('reshape3', 'Reshape', [ident], { shape: [0, 3, 4] });
  const t2 = b.node('transpose2', 'Transpose', [r3], { perm: [0, 2, 1] });
  const flat2 = b.node('flatten', 'Flatten', [t2], { axis: 1 });
  const out = b.node('out', 'Gemm', [flat2, b.weight('out.weight', [5, 12], 0.5), b.weight('out.bias', [5], 0.1)], {
    transB: 1,
  });
  return {
    id: 'dag',
    description: 'DAG: Transpose, Reshape, branches joined by Add/Sub/Mul/Div, Concat, Dropout, Identity, Flatten',
    graph: b.build('conformance-dag', [3, 4], out),
    inputShape: [3, 4],
    outputSize: 5,
    taps: ['flat', 'a_relu', 'concat', 'identity'],
    cut: 'concat',
    reluNodes: ['a_relu'],
  };
}
