/**
 * Property: every adapter computes what the reference executor computes, on random small graphs
 * (fast-check draws the architecture, the weights, the inputs and the targets; a failure
 * shrinks to a small graph with simple weights). Graphs: d → c (ReLU | tanh) → k MLPs, or
 * [c, d, d] → Conv 3×3 → act → [2×2 MaxPool | AveragePool →] Flatten → Gemm k convs, biases
 * optional; values sometimes exact (0, ±0.5, 1) so max-pool ties and ReLU kinks occur.
 * Per graph and adapter:
 * - forward outputs,
 * - gradients (Saliency with abs off, i.e. the raw ∂f_t/∂x),
 * - a rule method where the adapter has rules (DeepLIFT rescale against a random baseline).
 * Truth: the reference executor (float32 kernels written from the ONNX operator definitions,
 * itself checked against finite differences and Captum fixtures in core / conformance).
 * Tolerance: 1e-4 of the largest magnitude compared (float32, different summation orders in
 * conv / gemm kernels; graphs of ≤ 3 layers and ≤ 32 inputs).
 * Small on purpose (numRuns 8, graphs ≤ 32 inputs): model creation dominates (ONNX emission,
 * sessions). Seed policy as in core's property tests: fixed, FC_SEED / FC_RUNS to explore.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { DeepLift, Saliency, createReferenceModel, type Graph, type GraphNode, type Model, type Tensor } from '@glasswing/core';
import { initTfjsBackend } from '@glasswing/tfjs';
import { createModel } from '../model-file.js';
import type { AdapterId } from '../adapter-choice.js';

const ADAPTERS: AdapterId[] = ['tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'];

function fcParams(runs: number): { seed: number; numRuns: number } {
  const s = process.env.FC_SEED;
  const r = process.env.FC_RUNS;
  return { seed: s ? Number(s) : 20261207, numRuns: r ? Number(r) : runs };
}

interface Arch {
  readonly kind: 'mlp' | 'conv';
  readonly d: number; // mlp: inputs; conv: image side
  readonly c: number; // conv channels / mlp hidden width
  readonly f: number; // conv filters
  readonly k: number; // outputs
  readonly act: 'Relu' | 'Tanh';
  readonly bias: boolean;
  readonly pool: 'none' | 'MaxPool' | 'AveragePool';
}

interface Case {
  readonly arch: Arch;
  readonly weights: number[];
  readonly x: number[];
  readonly baseline: number[];
  readonly target: number;
}

const inShape = (a: Arch) => (a.kind === 'mlp' ? [a.d] : [a.c, a.d, a.d]);
const inSize = (a: Arch) => inShape(a).reduce((p, q) => p * q, 1);
const side = (a: Arch) => (a.pool === 'none' ? a.d : Math.floor(a.d / 2));
const weightCount = (a: Arch) =>
  a.kind === 'mlp' ? a.c * a.d + a.c + a.k * a.c + a.k : a.f * a.c * 9 + a.f + a.k * a.f * side(a) * side(a) + a.k;

const archArb: fc.Arbitrary<Arch> = fc.record({
  kind: fc.constantFrom('mlp' as const, 'conv' as const),
  d: fc.integer({ min: 2, max: 4 }),
  c: fc.integer({ min: 1, max: 2 }),
  f: fc.integer({ min: 1, max: 2 }),
  k: fc.integer({ min: 2, max: 3 }),
  act: fc.constantFrom('Relu' as const, 'Tanh' as const),
  bias: fc.boolean(),
  pool: fc.constantFrom('none' as const, 'MaxPool' as const, 'AveragePool' as const),
});
// Mostly continuous values, sometimes a few exact ones: ties in max-pool windows and
// pre-activations exactly at the ReLU kink, where backends could route gradients differently.
const val = fc.oneof(
  { arbitrary: fc.double({ min: -1, max: 1, noNaN: true }).map(Math.fround), weight: 3 },
  { arbitrary: fc.constantFrom(0, 0.5, -0.5, 1), weight: 1 },
);
const caseArb: fc.Arbitrary<Case> = archArb.chain((arch) =>
  fc.record({
    arch: fc.constant(arch),
    weights: fc.array(val, { minLength: weightCount(arch), maxLength: weightCount(arch) }),
    x: fc.array(val, { minLength: 2 * inSize(arch), maxLength: 2 * inSize(arch) }),
    baseline: fc.array(val, { minLength: inSize(arch), maxLength: inSize(arch) }),
    target: fc.integer({ min: 0, max: arch.k - 1 }),
  }),
);

function graphOf(c: Case): Graph {
  const a = c.arch;
  let off = 0;
  const take = (n: number) => Float32Array.from(c.weights.slice(off, (off += n)));
  const init: Record<string, Tensor> = {};
  const nodes: GraphNode[] = [];
  const gemm = (name: string, input: string, fanIn: number, out: number, output: string) => {
    init[`${name}.w`] = { shape: [out, fanIn], data: take(out * fanIn) };
    init[`${name}.b`] = { shape: [out], data: take(out) };
    nodes.push({ name, op: 'Gemm', inputs: a.bias ? [input, `${name}.w`, `${name}.b`] : [input, `${name}.w`], outputs: [output], attrs: { transB: 1 } });
  };
  if (a.kind === 'mlp') {
    gemm('fc0', 'x', a.d, a.c, 'h');
    nodes.push({ name: 'act', op: a.act, inputs: ['h'], outputs: ['a'], attrs: {} });
    gemm('fc1', 'a', a.c, a.k, 'y');
  } else {
    init['conv.w'] = { shape: [a.f, a.c, 3, 3], data: take(a.f * a.c * 9) };
    init['conv.b'] = { shape: [a.f], data: take(a.f) };
    nodes.push({ name: 'conv', op: 'Conv', inputs: a.bias ? ['x', 'conv.w', 'conv.b'] : ['x', 'conv.w'], outputs: ['h'], attrs: { pads: [1, 1, 1, 1], kernel_shape: [3, 3] } });
    nodes.push({ name: 'act', op: a.act, inputs: ['h'], outputs: ['a'], attrs: {} });
    if (a.pool !== 'none') nodes.push({ name: 'pool', op: a.pool, inputs: ['a'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } });
    nodes.push({ name: 'flat', op: 'Flatten', inputs: [a.pool === 'none' ? 'a' : 'p'], outputs: ['fl'], attrs: { axis: 1 } });
    gemm('fc', 'fl', a.f * side(a) * side(a), a.k, 'y');
  }
  for (const [k, t] of Object.entries(init)) if (!nodes.some((n) => n.inputs.includes(k))) delete init[k];
  return { name: 'prop', inputs: [{ name: 'x', shape: [-1, ...inShape(a)] }], outputs: ['y'], initializers: init, nodes };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  let scale = 1e-3;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= 1e-4 * scale)) expect.fail(`${what}[${i}]: ${got[i]} vs reference ${want[i]} (scale ${scale})`);
  }
}

async function results(m: Model, c: Case): Promise<{ out: Float32Array; grad: Float32Array; dl?: Float32Array }> {
  const shape = [2, ...inShape(c.arch)];
  const x: Tensor = { shape, data: Float32Array.from(c.x) };
  const out = (await m.forward(x)).data;
  const grad = (await new Saliency(m).attribute(x, { target: c.target, abs: false })).attributions.data;
  if (!m.capabilities.rules) return { out, grad };
  const b: Tensor = { shape: inShape(c.arch), data: Float32Array.from(c.baseline) };
  const dl = (await new DeepLift(m).attribute(x, { target: c.target, baselines: b })).attributions.data;
  return { out, grad, dl };
}

describe('property: every adapter equals the reference executor on random small graphs', () => {
  it(`${ADAPTERS.join(', ')}: forward, gradients and DeepLIFT agree`, { timeout: 120_000 }, async () => {
    const ruled = new Set<string>();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const graph = graphOf(c);
        const want = await results(createReferenceModel(graph), c);
        for (const adapter of ADAPTERS) {
          const tfjs = adapter === 'tfjs-cpu' || adapter === 'tfjs-wasm';
          if (tfjs) await initTfjsBackend(adapter === 'tfjs-cpu' ? 'cpu' : 'wasm');
          const tensorsBefore = tfjs ? tf.memory().numTensors : 0;
          const m = await createModel(graph, adapter);
          try {
            const got = await results(m, c);
            expectClose(got.out, want.out, `${adapter} forward`);
            expectClose(got.grad, want.grad, `${adapter} gradient`);
            if (got.dl) {
              expectClose(got.dl, want.dl!, `${adapter} deeplift`);
              ruled.add(adapter);
            }
          } finally {
            await m.dispose();
          }
          // tfjs tensors never leak: model, forward, gradients and rules leave the count as it was.
          if (tfjs) expect(tf.memory().numTensors, `${adapter} tensors`).toBe(tensorsBefore);
        }
      }),
      fcParams(8),
    );
    // every adapter here has rules (capabilities.rules): the DeepLIFT comparison ran on each
    expect([...ruled].sort()).toEqual([...ADAPTERS].sort());
  });
});
