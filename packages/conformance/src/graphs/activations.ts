/**
 * Keras / ONNX activations on one hidden layer: Elu, Selu, Softplus, Softsign, HardSigmoid,
 * HardSwish, Swish, Mish, ThresholdedRelu (α = 0) and Relu applied to the same pre-activation and summed.
 * input [N, 6] → output [N, 3].
 */
import { GraphBuilder } from '../graph-builder.js';
import { suiteRng } from '../rng.js';
import type { ConformanceGraph } from './types.js';

export function activationsGraph(seed = 606): ConformanceGraph {
  const b = new GraphBuilder(suiteRng(seed));
  const fc1 = b.node('fc1', 'Gemm', [b.input, b.weight('fc1.weight', [8, 6], 0.8), b.weight('fc1.bias', [8], 0.3)], { transB: 1 });
  const branches = [
    b.node('elu', 'Elu', [fc1], { alpha: 0.7 }),
    b.node('selu', 'Selu', [fc1]),
    b.node('softplus', 'Softplus', [fc1]),
    b.node('softsign', 'Softsign', [fc1]),
    b.node('hard_sigmoid', 'HardSigmoid', [fc1], { alpha: 0.2, beta: 0.5 }),
    b.node('hard_swish', 'HardSwish', [fc1]),
    b.node('swish', 'Swish', [fc1]),
    b.node('mish', 'Mish', [fc1]),
    // α = 0 keeps the function continuous (a jump at α > 0 would break IG completeness).
    b.node('thresholded', 'ThresholdedRelu', [fc1], { alpha: 0 }),
    b.node('relu', 'Relu', [fc1]),
  ];
  let acc = branches[0]!;
  for (let i = 1; i < branches.length; i++) acc = b.node(i === branches.length - 1 ? 'sum' : `sum${i}`, 'Add', [acc, branches[i]!]);
  const out = b.node('out', 'Gemm', [acc, b.weight('out.weight', [3, 8], 0.5), b.weight('out.bias', [3], 0.1)], { transB: 1 });
  return {
    id: 'activations',
    description: 'one hidden layer through Elu, Selu, Softplus, Softsign, HardSigmoid, HardSwish, Swish, Mish, ThresholdedRelu',
    graph: b.build('conformance-activations', [6], out),
    inputShape: [6],
    outputSize: 3,
    taps: ['fc1', 'mish', 'sum'],
    cut: 'fc1',
    reluNodes: ['relu'],
  };
}
