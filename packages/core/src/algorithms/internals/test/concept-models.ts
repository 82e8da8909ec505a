/**
 * Hand-built IR graphs for the internals tests (TCAV, activation clustering), with known
 * analytic behaviour.
 *
 * `plantedConceptGraph`: x ∈ ℝ⁴ → `fc1` (Gemm, identity weights: h = x) → `relu` → `fc2` (Gemm):
 * y₀ = u·relu(h), y₁ = −u·relu(h) with u = (1, 0.5, −0.5, 0.3). So ∂y₀/∂h = u ⊙ [h > 0]: on
 * inputs with h₀ > 0 the derivative along the concept direction e₀ is u₀ = 1 > 0, and along a
 * random direction it is Σⱼ uⱼ [hⱼ > 0] vⱼ, which changes sign from input to input.
 */
import { graphFromJSON } from '../../../ir/serialize.js';
import type { Graph } from '../../../ir/graph.js';
import { createRng } from '../../../random/prng.js';
import type { Tensor } from '../../../tensor.js';

export const U = [1, 0.5, -0.5, 0.3];

export function plantedConceptGraphJson(): unknown {
  return {
    format: 'glasswing-graph',
    version: 1,
    name: 'planted_concept',
    inputs: [{ name: 'x', shape: [-1, 4] }],
    outputs: ['y'],
    nodes: [
      { name: 'fc1', op: 'Gemm', inputs: ['x', 'w1', 'b1'], outputs: ['h'], attrs: { transB: 1 } },
      { name: 'relu', op: 'Relu', inputs: ['h'], outputs: ['r'], attrs: {} },
      { name: 'fc2', op: 'Gemm', inputs: ['r', 'w2', 'b2'], outputs: ['y'], attrs: { transB: 1 } },
    ],
    initializers: {
      w1: { shape: [4, 4], data: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] },
      b1: { shape: [4], data: [0, 0, 0, 0] },
      w2: { shape: [2, 4], data: [...U, ...U.map((v) => -v)] },
      b2: { shape: [2], data: [0, 0] },
    },
    metadata: {},
  };
}

export function plantedConceptGraph(): Graph {
  return graphFromJSON(plantedConceptGraphJson());
}

/** n rows of ℝ⁴: coordinate 0 ~ N(mean0, sd0²), the others N(0, 1). */
export function gaussianRows(n: number, seed: number, mean0 = 0, sd0 = 1): Tensor {
  const rng = createRng(seed);
  const data = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    data[i * 4] = mean0 + sd0 * rng.normal();
    for (let j = 1; j < 4; j++) data[i * 4 + j] = rng.normal();
  }
  return { shape: [n, 4], data };
}

/**
 * `clusterGraphJson`: x ∈ ℝ⁶ → `fc1` (Gemm with a fixed 5×6 weight, bias 0) → `relu` → `fc2`
 * (Gemm 3×5). Planted clusters: inputs x = W₁⁺ c_k + noise are built so that the `fc1`
 * activations are c_k + small noise, for k well-separated centres c_k.
 */
export const W1_CLUSTER = [
  [1, 0, 0, 0.5, 0, 0],
  [0, 1, 0, 0, 0.5, 0],
  [0, 0, 1, 0, 0, 0.5],
  [0.5, 0, 0, 1, 0, 0],
  [0, 0.5, 0, 0, 1, 0],
];

export function clusterGraphJson(): unknown {
  const w2 = Array.from({ length: 15 }, (_, i) => Math.sin(i + 1));
  return {
    format: 'glasswing-graph',
    version: 1,
    name: 'planted_clusters',
    inputs: [{ name: 'x', shape: [-1, 6] }],
    outputs: ['y'],
    nodes: [
      { name: 'fc1', op: 'Gemm', inputs: ['x', 'w1', 'b1'], outputs: ['h'], attrs: { transB: 1 } },
      { name: 'relu', op: 'Relu', inputs: ['h'], outputs: ['r'], attrs: {} },
      { name: 'fc2', op: 'Gemm', inputs: ['r', 'w2', 'b2'], outputs: ['y'], attrs: { transB: 1 } },
    ],
    initializers: {
      w1: { shape: [5, 6], data: W1_CLUSTER.flat() },
      b1: { shape: [5], data: [0, 0, 0, 0, 0] },
      w2: { shape: [3, 5], data: w2 },
      b2: { shape: [3], data: [0, 0, 0] },
    },
    metadata: {},
  };
}

/**
 * n rows in k planted groups (row i in group i mod k): x has group centre 4·e_{k'} on a
 * different pair of input coordinates per group plus N(0, 0.3²) noise. Through `fc1` (a
 * full-rank map) the groups stay separated by ≫ their spread. Returns inputs and labels.
 */
export function plantedClusterInputs(n: number, k: number, seed: number): { x: Tensor; labels: number[] } {
  const rng = createRng(seed);
  const data = new Float32Array(n * 6);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = i % k;
    labels.push(g);
    for (let j = 0; j < 6; j++) data[i * 6 + j] = 0.3 * rng.normal();
    data[i * 6 + (g % 6)]! += 4;
    data[i * 6 + ((g + 2) % 6)]! += g >= 3 ? 4 : 0;
  }
  return { x: { shape: [n, 6], data }, labels };
}
