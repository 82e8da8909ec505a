/** Small graphs used by executor / model / rule tests. */
import type { Graph, Layout } from '../graph.js';
import { GraphBuilder, randomTensor } from './helpers.js';
import { toHWIO } from './naive.js';

/** MLP with a fan-out: h = Relu(Gemm(x)); out = Gemm(h) + Sigmoid(Gemm(h)). x [-1, 4] → [-1, 3]. */
export function mlpGraph(): Graph {
  const g = new GraphBuilder('x', [-1, 4]);
  const h0 = g.add('Gemm', ['x', g.init('w1', randomTensor([6, 4], 11)), g.init('b1', randomTensor([6], 12))], { transB: 1 }, 'dense1');
  const h = g.add('Relu', [h0], {}, 'relu1');
  const a = g.add('Gemm', [h, g.init('wa', randomTensor([6, 3], 13)), g.init('ba', randomTensor([3], 14))], {}, 'dense_a');
  const b0 = g.add('MatMul', [h, g.init('wb', randomTensor([6, 3], 15))], {}, 'matmul_b');
  const b = g.add('Sigmoid', [b0], {}, 'sigmoid_b');
  const out = g.add('Add', [a, b], {}, 'sum');
  return g.build(out, 'mlp');
}

/** CNN: Conv-Relu-MaxPool-Conv-BN-Tanh-AvgPool-Flatten-Gemm, in either layout. x [-1, 2, 6, 6] (NCHW). */
export function cnnGraph(layout: Layout): Graph {
  const xShape = layout === 'NCHW' ? [-1, 2, 6, 6] : [-1, 6, 6, 2];
  const g = new GraphBuilder('x', xShape);
  const w1 = randomTensor([3, 2, 3, 3], 21);
  const w2 = randomTensor([4, 3, 2, 2], 22);
  const L = { layout };
  const c1 = g.add('Conv', ['x', g.init('w1', layout === 'NCHW' ? w1 : toHWIO(w1)), g.init('b1', randomTensor([3], 23))], { ...L, pads: [1, 1, 1, 1] }, 'conv1');
  const r1 = g.add('Relu', [c1], {}, 'relu1');
  const p1 = g.add('MaxPool', [r1], { ...L, kernel_shape: [2, 2], strides: [2, 2] }, 'pool1');
  const c2 = g.add('Conv', [p1, g.init('w2', layout === 'NCHW' ? w2 : toHWIO(w2))], { ...L, pads: [0, 0, 1, 1] }, 'conv2');
  const bn = g.add(
    'BatchNormalization',
    [c2, g.init('s', randomTensor([4], 24, 0.5, 1.5)), g.init('t', randomTensor([4], 25)), g.init('m', randomTensor([4], 26)), g.init('v', randomTensor([4], 27, 0.5, 2))],
    L,
    'bn2',
  );
  const t2 = g.add('Tanh', [bn], {}, 'tanh2');
  const p2 = g.add('AveragePool', [t2], { ...L, kernel_shape: [2, 2], strides: [1, 1] }, 'pool2');
  const f = g.add('Flatten', [p2], {}, 'flatten');
  const out = g.add('Gemm', [f, g.init('wf', randomTensor([16, 5], 28)), g.init('bf', randomTensor([5], 29))], {}, 'logits');
  return g.build(out, `cnn-${layout}`);
}
