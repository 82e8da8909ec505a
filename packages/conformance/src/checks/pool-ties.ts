/**
 * Max-pool ties (model-level check): inputs drawn from {−3, −2, −1, 0} make windows with tied
 * and negative maxima. The convention (PyTorch's, in core's Kernels contract): each window's
 * gradient goes to its FIRST maximal element in row-major order. Checked against the reference
 * executor in both layouts, with overlapping padded windows.
 */
import { createReferenceModel, type Graph, type Layout, type Model, type Tensor } from '@glasswing/core';
import { GraphBuilder } from '../graph-builder.js';
import { expectClose } from '../numeric.js';
import { suiteRng } from '../rng.js';
import type { ResolvedTolerance } from './context.js';

export const POOL_TIES_TEST_ID = 'maxpool-ties';

export function poolTiesGraph(layout: Layout): Graph {
  const b = new GraphBuilder(suiteRng(404));
  const a = b.node('pool_a', 'MaxPool', [b.input], { kernel_shape: [2, 2], strides: [2, 2], layout });
  const c = b.node('pool_b', 'MaxPool', [b.input], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], layout });
  const fa = b.node('flat_a', 'Flatten', [a], { axis: 1 });
  const fc = b.node('flat_b', 'Flatten', [c], { axis: 1 });
  const cat = b.node('concat', 'Concat', [fa, fc], { axis: 1 });
  // 2·2·2 + 3·3·2 = 26 features
  const out = b.node('fc', 'Gemm', [cat, b.weight('fc.weight', [4, 26], 0.5)], { transB: 1 });
  return b.build(`conformance-pool-ties-${layout.toLowerCase()}`, layout === 'NCHW' ? [2, 5, 5] : [5, 5, 2], out);
}

function tiedInput(shape: readonly number[], seed: number): Tensor {
  const rng = suiteRng(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.int(4) - 3;
  return { shape: [...shape], data };
}

export async function poolTiesCheck(
  createModel: (graph: Graph) => Promise<Model>,
  tolerance: ResolvedTolerance,
): Promise<void> {
  for (const layout of ['NCHW', 'NHWC'] as const) {
    const graph = poolTiesGraph(layout);
    const model = await createModel(graph);
    const reference = createReferenceModel(graph);
    try {
      const x = tiedInput([3, ...model.inputShape], 71);
      const seed = { kind: 'tensor' as const, seed: { shape: [3, 4], data: suiteRng(72).normals(12) } };
      const got = await model.gradient(x, { seed });
      const ref = await reference.gradient(x, { seed });
      expectClose(got.outputs, ref.outputs, tolerance.forward, `${layout} max-pool outputs with ties`);
      expectClose(got.inputGradient, ref.inputGradient, tolerance.gradient, `${layout} max-pool gradient with ties (first maximum wins)`);
    } finally {
      await model.dispose();
      await reference.dispose();
    }
  }
}
