/** Small IR graphs and explainers for the randomisation metric tests. */
import type { Graph } from '../../../ir/graph.js';
import type { Tensor } from '../../../tensor.js';
import type { Model } from '../../../model.js';
import { createReferenceModel } from '../../../reference-model.js';
import { createRng } from '../../../random/prng.js';
import { METHODS } from '../../registry.js';
import type { Explainer } from '../../_utils/metric-spec.js';

export const t = (shape: number[], data: ArrayLike<number>): Tensor => ({ shape, data: Float32Array.from(data) });

/** y = x·B + c with B [k, classes] given by columns. */
export function linearGraph(columns: readonly (readonly number[])[]): Graph {
  const k = columns[0]!.length;
  const classes = columns.length;
  const b = new Float32Array(k * classes);
  for (let j = 0; j < classes; j++) for (let i = 0; i < k; i++) b[i * classes + j] = columns[j]![i]!;
  return {
    name: 'linear',
    inputs: [{ name: 'x', shape: [-1, k] }],
    outputs: ['y'],
    nodes: [{ name: 'fc', op: 'Gemm', inputs: ['x', 'fc.w', 'fc.b'], outputs: ['y'], attrs: {} }],
    initializers: { 'fc.w': { shape: [k, classes], data: b }, 'fc.b': t([classes], new Array(classes).fill(0.25)) },
  };
}

/** Seeded weights of `size` values, N(0, scale²). */
function weights(rng: ReturnType<typeof createRng>, size: number, scale: number): Float32Array {
  return Float32Array.from({ length: size }, () => scale * rng.normal());
}

/**
 * An NHWC conv net on h×w×1 images: conv 3×3×4 (pad 1) → Relu → conv 3×3×4 → Relu → Flatten →
 * Gemm(→ 8) → Relu → Gemm(→ 3). Seeded weights.
 */
export function convGraph(h = 8, w = 8, seed = 1): Graph {
  const rng = createRng(seed);
  const conv = (name: string, input: string, cin: number) => ({
    name,
    op: 'Conv' as const,
    inputs: [input, `${name}.w`, `${name}.b`],
    outputs: [name],
    attrs: { layout: 'NHWC', kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], group: 1 },
  });
  return {
    name: 'conv',
    inputs: [{ name: 'x', shape: [-1, h, w, 1] }],
    outputs: ['out'],
    nodes: [
      conv('conv1', 'x', 1),
      { name: 'relu1', op: 'Relu', inputs: ['conv1'], outputs: ['relu1'], attrs: {} },
      conv('conv2', 'relu1', 4),
      { name: 'relu2', op: 'Relu', inputs: ['conv2'], outputs: ['relu2'], attrs: {} },
      { name: 'flat', op: 'Flatten', inputs: ['relu2'], outputs: ['flat'], attrs: { axis: 1 } },
      { name: 'fc1', op: 'Gemm', inputs: ['flat', 'fc1.w', 'fc1.b'], outputs: ['fc1'], attrs: {} },
      { name: 'relu3', op: 'Relu', inputs: ['fc1'], outputs: ['relu3'], attrs: {} },
      { name: 'out', op: 'Gemm', inputs: ['relu3', 'out.w', 'out.b'], outputs: ['out'], attrs: {} },
    ],
    initializers: {
      'conv1.w': t([3, 3, 1, 4], weights(rng, 36, 0.5)),
      'conv1.b': t([4], weights(rng, 4, 0.1)),
      'conv2.w': t([3, 3, 4, 4], weights(rng, 144, 0.3)),
      'conv2.b': t([4], weights(rng, 4, 0.1)),
      'fc1.w': t([h * w * 4, 8], weights(rng, h * w * 32, 0.1)),
      'fc1.b': t([8], weights(rng, 8, 0.1)),
      'out.w': t([8, 3], weights(rng, 24, 0.5)),
      'out.b': t([3], [0, 0, 0]),
    },
  };
}

/** Images with a bright square and a bar, seeded: [n, h, w, 1]. */
export function images(n: number, h = 8, w = 8, seed = 2): Tensor {
  const rng = createRng(seed);
  const data = new Float32Array(n * h * w);
  for (let i = 0; i < n; i++) {
    const r = rng.int(h - 3);
    const c = rng.int(w - 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const inSquare = y >= r && y < r + 3 && x >= c && x < c + 3;
        data[(i * h + y) * w + x] = (inSquare ? 1 : 0) + 0.1 * rng.uniform();
      }
    }
  }
  return { shape: [n, h, w, 1], data };
}

/** Saliency as an explainer (signed gradient unless abs). */
export function gradientExplainer(abs = false): Explainer {
  return async (model, x, o) => (await METHODS['saliency']!.run(model, x, { ...(o.target !== undefined ? { target: o.target } : {}), ...(o.signal ? { signal: o.signal } : {}), abs })).attributions;
}

/** A reference-model rebuild that counts the models it builds and disposes. */
export function countingRebuild(): { rebuild: (g: Graph) => Promise<Model>; built: Graph[]; disposed: () => number } {
  const built: Graph[] = [];
  let disposed = 0;
  return {
    built,
    disposed: () => disposed,
    rebuild: async (g) => {
      built.push(g);
      const m = createReferenceModel(g);
      const wrapped = Object.create(m) as Model & { dispose(): void | Promise<void> };
      Object.defineProperty(wrapped, 'dispose', {
        value: () => {
          disposed++;
          return m.dispose();
        },
      });
      return wrapped;
    },
  };
}
