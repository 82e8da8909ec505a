/**
 * MLP: Gemm (transB = 1 and 0), MatMul + Add bias, Relu, Tanh, Sigmoid, LeakyRelu, Softmax.
 * input [N, 6] → softmax [N, 4].
 */
import { GraphBuilder } from '../graph-builder.js';
import { suiteRng } from '../rng.js';
import type { ConformanceGraph } from './types.js';

export function mlpGraph(seed = 101): ConformanceGraph {
  const b = new GraphBuilder(suiteRng(seed));
  const fc1 = b.node('fc1', 'Gemm', [b.input, b.weight('fc1.weight', [8, 6], 0.6), b.weight('fc1.bias', [8], 0.2)], {
    transB: 1,
  });
  const relu1 = b.node('relu1', 'Relu', [fc1]);
  const fc2 = b.node('fc2', 'MatMul', [relu1, b.weight('fc2.weight', [8, 8], 0.5)]);
  const fc2b = b.node('fc2_bias', 'Add', [fc2, b.weight('fc2.bias', [8], 0.2)]);
  const tanh = b.node('tanh', 'Tanh', [fc2b]);
  const fc3 = b.node('fc3', 'Gemm', [tanh, b.weight('fc3.weight', [8, 8], 0.8), b.weight('fc3.bias', [8], 0.2)]);
  const sig = b.node('sigmoid', 'Sigmoid', [fc3]);
  const fc4 = b.node('fc4', 'Gemm', [sig, b.weight('fc4.weight', [8, 8], 1.2), b.weight('fc4.bias', [8], 0.5)], {
    transB: 1,
  });
  const leaky = b.node('leaky', 'LeakyRelu', [fc4], { alpha: 0.2 });
  const fc5 = b.node('fc5', 'Gemm', [leaky, b.weight('fc5.weight', [4, 8], 0.8), b.weight('fc5.bias', [4], 0.2)], {
    transB: 1,
  });
  const out = b.node('softmax', 'Softmax', [fc5], { axis: -1 });
  return {
    id: 'mlp',
    description: 'MLP with Gemm/MatMul+Add, Relu, Tanh, Sigmoid, LeakyRelu and a Softmax output',
    graph: b.build('conformance-mlp', [6], out),
    inputShape: [6],
    outputSize: 4,
    taps: ['relu1', 'tanh', 'leaky'],
    cut: 'relu1',
    reluNodes: ['relu1'],
  };
}
