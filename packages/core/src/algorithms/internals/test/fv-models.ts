/** Hand-built graphs for the feature-visualization and dataset-example tests (not exported). */
import { pearsonOrNull } from '../../_utils/stats/pearson.js';
import type { Graph, Layout } from '../../../ir/graph.js';
import { GraphBuilder, randomTensor } from '../../../ir/test/helpers.js';
import type { Tensor } from '../../../tensor.js';

/** A known 5×5×3 filter K [3, 5, 5] (channel, row, column), values in [−1, 1]. */
export function knownKernel(seed = 5): Tensor {
  return randomTensor([3, 5, 5], seed);
}

/**
 * x [−1, 3, 9, 9] (NCHW) or [−1, 9, 9, 3] (NHWC) → conv (one 5×5×3 filter K, bias 0.1, no pad)
 * → relu ('unit', [1, 5, 5] or [5, 5, 1]) → flatten → gemm to 2 outputs.
 */
export function filterGraph(layout: Layout, kernel = knownKernel()): Graph {
  const g = new GraphBuilder('x', layout === 'NCHW' ? [-1, 3, 9, 9] : [-1, 9, 9, 3]);
  const w = new Float32Array(75);
  for (let c = 0; c < 3; c++) for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
    const v = kernel.data[(c * 5 + i) * 5 + j]!;
    w[layout === 'NCHW' ? (c * 5 + i) * 5 + j : (i * 5 + j) * 3 + c] = v; // OIHW or HWIO (O = 1)
  }
  const conv = g.add('Conv', ['x', g.init('w', { shape: layout === 'NCHW' ? [1, 3, 5, 5] : [5, 5, 3, 1], data: w }), g.init('b', { shape: [1], data: Float32Array.of(0.1) })], { layout }, 'conv');
  const relu = g.add('Relu', [conv], {}, 'unit');
  const flat = g.add('Flatten', [relu], {}, 'flatten');
  const out = g.add('Gemm', [flat, g.init('wf', randomTensor([25, 2], 9)), g.init('bf', randomTensor([2], 10))], {}, 'logits');
  return g.build(out, `filter-${layout}`);
}

/** A 1-D model: x [−1, 4] → dense (W [4, 3]) 'dense' → tanh → output. */
export function tabularGraph(): Graph {
  const g = new GraphBuilder('x', [-1, 4]);
  const d = g.add('Gemm', ['x', g.init('w', { shape: [4, 3], data: Float32Array.of(1, -2, 0.5, -1, 0.5, 2, 3, 1, -1, -0.5, -1, 1) }), g.init('b', randomTensor([3], 3))], {}, 'dense');
  const t = g.add('Tanh', [d], {}, 'tanh');
  return g.build(t, 'tabular');
}

/** Pearson correlation (NaN when a side is constant). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearsonOrNull(a, b) ?? Number.NaN;
}

/** The demo CNN's structure (NHWC 20×20×1): conv 3×3 same → relu → maxpool 2 → conv 3×3 same → relu → maxpool 2 → flatten → dense 3. */
export function demoLikeGraph(): Graph {
  const g = new GraphBuilder('x', [-1, 20, 20, 1]);
  const L = { layout: 'NHWC' as const };
  const c1 = g.add('Conv', ['x', g.init('w1', randomTensor([3, 3, 1, 4], 31)), g.init('b1', randomTensor([4], 32))], { ...L, pads: [1, 1, 1, 1] }, 'conv1');
  const r1 = g.add('Relu', [c1], {}, 'relu1');
  const p1 = g.add('MaxPool', [r1], { ...L, kernel_shape: [2, 2], strides: [2, 2] }, 'pool1');
  const c2 = g.add('Conv', [p1, g.init('w2', randomTensor([3, 3, 4, 5], 33)), g.init('b2', randomTensor([5], 34))], { ...L, pads: [1, 1, 1, 1] }, 'conv2');
  const r2 = g.add('Relu', [c2], {}, 'relu2');
  const p2 = g.add('MaxPool', [r2], { ...L, kernel_shape: [2, 2], strides: [2, 2] }, 'pool2');
  const f = g.add('Flatten', [p2], {}, 'flatten');
  const out = g.add('Gemm', [f, g.init('wf', randomTensor([125, 3], 35)), g.init('bf', randomTensor([3], 36))], {}, 'logits');
  return g.build(out, 'demo-like');
}

/** Positive weights, average pools, a strided conv (NCHW 1×13×13): receptive fields = gradient support. */
export function positiveGraph(): Graph {
  const g = new GraphBuilder('x', [-1, 1, 13, 13]);
  const ones = (shape: number[]) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.1) });
  const c1 = g.add('Conv', ['x', g.init('w1', ones([2, 1, 3, 3]))], { pads: [1, 1, 1, 1] }, 'conv1');
  const p1 = g.add('AveragePool', [c1], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool1');
  const c2 = g.add('Conv', [p1, g.init('w2', ones([2, 2, 3, 3]))], { strides: [2, 2], pads: [0, 1, 0, 0] }, 'conv2');
  const s = g.add('Sigmoid', [c2], {}, 'act');
  const f = g.add('Flatten', [s], {}, 'flatten');
  return g.build(f, 'positive');
}
