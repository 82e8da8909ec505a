/**
 * Rule axioms (model-level checks on graphs built here; need capabilities.rules):
 * - LRP-ε conservation up to bias absorption, per layer: under Captum's default composite,
 *   Σ R(layer input) = Σ R(layer output) − Σⱼ bⱼ·Rⱼ/(zⱼ + ε·sign zⱼ) for every layer with a bias,
 *   and Σ R in = Σ R out for pass-through, pooling and shape layers.
 * - DeepLIFT summation-to-delta: Σ (x − x₀)·m = f_t(x) − f_t(x₀) with Rescale and RevealCancel,
 *   through Conv → ReLU → MaxPool (the case where Captum's hook order drops the max-pool rule),
 *   Tanh, Flatten and Gemm, in both layouts, for zero and random references.
 * - Guided backprop equals the gradient where every ReLU gate and every gradient is positive,
 *   and differs from it on a mixed-sign network.
 * Each also checks the adapter against the reference executor.
 */
import {
  applyCanonizers,
  captumDefault,
  epsilonPlus,
  foldBatchNorm,
  splitResidualSums,
  createReferenceModel,
  deepLiftComposite,
  guidedBackpropComposite,
  resolveComposite,
  type Graph,
  type Layout,
  type Model,
  type Tensor,
} from '@glasswing/core';
import { GraphBuilder } from '../graph-builder.js';
import { ConformanceError, expectClose } from '../numeric.js';
import { suiteRng } from '../rng.js';
import type { ResolvedTolerance } from './context.js';

export const LRP_CONSERVATION_TEST_ID = 'rule-lrp-epsilon-conservation';
export const DEEPLIFT_SUMMATION_TEST_ID = 'rule-deeplift-summation-to-delta';
export const GUIDED_POSITIVE_TEST_ID = 'rule-guided-backprop-positive';
export const CANONIZERS_TEST_ID = 'rule-canonizers';

type CreateModel = (graph: Graph) => Promise<Model>;

async function withModels(createModel: CreateModel, graph: Graph, fn: (model: Model, reference: Model) => Promise<void>): Promise<void> {
  const model = await createModel(graph);
  const reference = createReferenceModel(graph);
  try {
    await fn(model, reference);
  } finally {
    await model.dispose();
    await reference.dispose();
  }
}

function normals(shape: readonly number[], seed: number, scale = 1): Tensor {
  return { shape: [...shape], data: suiteRng(seed).normals(shape.reduce((a, b) => a * b, 1), scale) };
}

/** Conv(b) → Relu → MaxPool → Conv(b) → Sigmoid → Flatten → Gemm(b) → Relu → Gemm(b). */
function lrpGraph(): Graph {
  const b = new GraphBuilder(suiteRng(501));
  const c1 = b.node('conv1', 'Conv', [b.input, b.weight('w1', [4, 2, 3, 3], 0.4), b.weight('b1', [4], 0.3)], { pads: [1, 1, 1, 1] });
  const r1 = b.node('relu1', 'Relu', [c1]);
  const p1 = b.node('pool1', 'MaxPool', [r1], { kernel_shape: [2, 2], strides: [2, 2] });
  const c2 = b.node('conv2', 'Conv', [p1, b.weight('w2', [3, 4, 3, 3], 0.4), b.weight('b2', [3], 0.3)], { pads: [1, 1, 1, 1] });
  const s2 = b.node('sig2', 'Sigmoid', [c2]);
  const fl = b.node('flat', 'Flatten', [s2], { axis: 1 });
  const d1 = b.node('dense1', 'Gemm', [fl, b.weight('W3', [6, 27], 0.3), b.weight('b3', [6], 0.3)], { transB: 1 });
  const r3 = b.node('relu3', 'Relu', [d1]);
  const out = b.node('dense2', 'Gemm', [r3, b.weight('W4', [3, 6], 0.5), b.weight('b4', [3], 0.3)], { transB: 1 });
  return b.build('conformance-lrp', [2, 6, 6], out);
}

const sum = (t: Tensor, lo: number, hi: number) => {
  let s = 0;
  for (let i = lo; i < hi; i++) s += t.data[i]!;
  return s;
};

export async function lrpConservationCheck(createModel: CreateModel, tolerance: ResolvedTolerance): Promise<void> {
  const graph = lrpGraph();
  const eps = 1e-9;
  const rules = resolveComposite(captumDefault({ epsilon: eps }), graph);
  const chain = graph.nodes.map((n) => n.name);
  await withModels(createModel, graph, async (model, reference) => {
    const n = 3;
    const x = normals([n, ...model.inputShape], 502);
    const f = await model.forward(x);
    const targets = [0, 1, 2];
    const seedData = new Float32Array(f.data.length);
    targets.forEach((t, e) => (seedData[e * 3 + t] = f.data[e * 3 + t]!)); // output relevance = target output
    const seed = { kind: 'tensor' as const, seed: { shape: f.shape, data: seedData } };
    const got = await model.gradient(x, { seed, rules, layers: chain });
    const ref = await reference.gradient(x, { seed, rules, layers: chain });
    expectClose(got.inputGradient, ref.inputGradient, tolerance.gradient, 'LRP relevance at the input vs the reference executor');
    for (const [i, node] of graph.nodes.entries()) {
      const rOut = got.layers[node.name]!.gradient;
      const rIn = i === 0 ? got.inputGradient : got.layers[chain[i - 1]!]!.gradient;
      const z = got.layers[node.name]!.activation;
      const bias = node.inputs[2] !== undefined ? graph.initializers[node.inputs[2]]! : undefined;
      const perOut = rOut.data.length / n;
      const perIn = rIn.data.length / n;
      for (let e = 0; e < n; e++) {
        let share = 0;
        let scale = 0;
        for (let j = e * perOut; j < (e + 1) * perOut; j++) {
          scale += Math.abs(rOut.data[j]!);
          if (!bias) continue;
          const local = j - e * perOut;
          const ch = node.op === 'Conv' ? Math.floor(local / (perOut / bias.data.length)) : local;
          const zj = z.data[j]!;
          share += (bias.data[ch]! * rOut.data[j]!) / (zj + eps * (zj >= 0 ? 1 : -1));
        }
        const lhs = sum(rIn, e * perIn, (e + 1) * perIn);
        const rhs = sum(rOut, e * perOut, (e + 1) * perOut) - share;
        if (!(Math.abs(lhs - rhs) <= 1e-3 * Math.max(scale, 1e-3) + 1e-5)) {
          throw new ConformanceError(`LRP-ε conservation at ${node.name} (${node.op}), example ${e}: Σ R in = ${lhs}, Σ R out − bias share = ${rhs}`);
        }
      }
    }
  });
}

/** Conv → Relu → MaxPool(2) → Conv → Tanh → MaxPool(2) → Flatten → Gemm → Relu → Gemm. */
function deepLiftGraph(layout: Layout): Graph {
  const b = new GraphBuilder(suiteRng(layout === 'NCHW' ? 601 : 602));
  const nchw = layout === 'NCHW';
  const c1 = b.node('conv1', 'Conv', [b.input, b.weight('w1', nchw ? [4, 2, 3, 3] : [3, 3, 2, 4], 0.4), b.weight('b1', [4], 0.3)], {
    pads: [1, 1, 1, 1],
    layout,
  });
  const r1 = b.node('relu1', 'Relu', [c1]);
  const p1 = b.node('pool1', 'MaxPool', [r1], { kernel_shape: [2, 2], strides: [2, 2], layout });
  const c2 = b.node('conv2', 'Conv', [p1, b.weight('w2', nchw ? [3, 4, 3, 3] : [3, 3, 4, 3], 0.4), b.weight('b2', [3], 0.3)], {
    pads: [1, 1, 1, 1],
    layout,
  });
  const t2 = b.node('tanh2', 'Tanh', [c2]);
  const p2 = b.node('pool2', 'MaxPool', [t2], { kernel_shape: [2, 2], strides: [2, 2], layout });
  const fl = b.node('flat', 'Flatten', [p2], { axis: 1 });
  const d1 = b.node('dense1', 'Gemm', [fl, b.weight('W3', [6, 12], 0.4), b.weight('b3', [6], 0.3)], { transB: 1 });
  const r3 = b.node('relu3', 'Relu', [d1]);
  const out = b.node('dense2', 'Gemm', [r3, b.weight('W4', [3, 6], 0.5), b.weight('b4', [3], 0.3)], { transB: 1 });
  return b.build(`conformance-deeplift-${layout.toLowerCase()}`, nchw ? [2, 8, 8] : [8, 8, 2], out);
}

export async function deepLiftSummationCheck(createModel: CreateModel, tolerance: ResolvedTolerance): Promise<void> {
  for (const layout of ['NCHW', 'NHWC'] as const) {
    const graph = deepLiftGraph(layout);
    await withModels(createModel, graph, async (model, reference) => {
      const n = 3;
      const x = normals([n, ...model.inputShape], 611);
      const refs: [string, Tensor][] = [
        ['zero', { shape: x.shape, data: new Float32Array(x.data.length) }],
        ['random', normals(x.shape, 612)],
      ];
      const targets = [0, 2, 1];
      for (const mode of ['rescale', 'reveal-cancel'] as const) {
        const rules = resolveComposite(deepLiftComposite(mode), graph);
        for (const [what, x0] of refs) {
          const request = { seed: { kind: 'index' as const, indices: targets }, rules, reference: x0 };
          const got = await model.gradient(x, request);
          const ref = await reference.gradient(x, request);
          // RevealCancel divides by partial deltas Δx± that can be tiny: float32 rounding differences
          // between backends (summation order) are amplified in single multipliers (sums stay exact,
          // checked below), so its element-wise comparison allows 1e-3 of the largest multiplier.
          let big = 0;
          for (const v of ref.inputGradient.data) big = Math.max(big, Math.abs(v));
          const tol = mode === 'rescale' ? tolerance.gradient : { atol: Math.max(tolerance.gradient.atol, 1e-3 * big), rtol: tolerance.gradient.rtol };
          expectClose(got.inputGradient, ref.inputGradient, tol, `DeepLIFT ${mode} (${layout}, ${what} reference) vs the reference executor`);
          const f0 = await model.forward(x0);
          const per = x.data.length / n;
          for (let e = 0; e < n; e++) {
            let attr = 0;
            let scale = 0;
            for (let i = e * per; i < (e + 1) * per; i++) {
              const a = (x.data[i]! - x0.data[i]!) * got.inputGradient.data[i]!;
              attr += a;
              scale += Math.abs(a);
            }
            const delta = got.outputs.data[e * 3 + targets[e]!]! - f0.data[e * 3 + targets[e]!]!;
            if (!(Math.abs(attr - delta) <= 1e-4 * Math.max(scale, Math.abs(delta), 1) + 1e-5)) {
              throw new ConformanceError(`DeepLIFT ${mode} (${layout}, ${what} reference), example ${e}: Σ attributions ${attr} ≠ f(x) − f(x₀) = ${delta}`);
            }
          }
        }
      }
    });
  }
}

/** Gemm → Relu → Gemm → Relu → Gemm with weights drawn from [lo, hi). */
function guidedGraph(lo: number, seed: number): Graph {
  const b = new GraphBuilder(suiteRng(seed));
  const d1 = b.node('dense1', 'Gemm', [b.input, b.uniform('W1', [16, 5], lo, 1), b.uniform('b1', [16], lo, 0.5)], { transB: 1 });
  const r1 = b.node('relu1', 'Relu', [d1]);
  const d2 = b.node('dense2', 'Gemm', [r1, b.uniform('W2', [12, 16], lo, 1), b.uniform('b2', [12], lo, 0.5)], { transB: 1 });
  const r2 = b.node('relu2', 'Relu', [d2]);
  const out = b.node('dense3', 'Gemm', [r2, b.uniform('W3', [3, 12], lo, 1)], { transB: 1 });
  return b.build(`conformance-guided-${seed}`, [5], out);
}

export async function guidedPositiveCheck(createModel: CreateModel, tolerance: ResolvedTolerance): Promise<void> {
  const seed = { kind: 'index' as const, indices: [0, 1, 2] };
  const positive = guidedGraph(0.05, 701);
  await withModels(createModel, positive, async (model) => {
    const rng = suiteRng(702);
    const x: Tensor = { shape: [3, 5], data: Float32Array.from({ length: 15 }, () => 0.1 + rng.uniform()) };
    const rules = resolveComposite(guidedBackpropComposite(), positive);
    const guided = await model.gradient(x, { seed, rules });
    const plain = await model.gradient(x, { seed });
    expectClose(guided.inputGradient, plain.inputGradient, tolerance.gradient, 'guided backprop vs gradient with open gates and positive gradients');
  });
  const mixed = guidedGraph(-1, 703);
  await withModels(createModel, mixed, async (model, reference) => {
    const x = normals([3, 5], 704);
    const rules = resolveComposite(guidedBackpropComposite(), mixed);
    const guided = await model.gradient(x, { seed, rules });
    const ref = await reference.gradient(x, { seed, rules });
    expectClose(guided.inputGradient, ref.inputGradient, tolerance.gradient, 'guided backprop vs the reference executor');
    const plain = await model.gradient(x, { seed });
    let differs = false;
    for (let i = 0; i < plain.inputGradient.data.length; i++) differs ||= Math.abs(plain.inputGradient.data[i]! - guided.inputGradient.data[i]!) > 1e-4;
    if (!differs) throw new ConformanceError('guided backprop equals the gradient on a mixed-sign network: the rules seem ignored');
  });
}

/** Conv → BN → Relu → Conv → Add(residual) → Flatten → Gemm → BN → Gemm, in a layout. */
function canonizerGraph(layout: Layout): Graph {
  const b = new GraphBuilder(suiteRng(layout === 'NCHW' ? 801 : 802));
  const nchw = layout === 'NCHW';
  const bnParams = (p: string, c: number) => [b.weight(`${p}.s`, [c], 0.5), b.weight(`${p}.b`, [c], 0.3), b.weight(`${p}.m`, [c], 0.3), b.uniform(`${p}.v`, [c], 0.5, 2)];
  const c1 = b.node('conv1', 'Conv', [b.input, b.weight('w1', nchw ? [3, 2, 3, 3] : [3, 3, 2, 3], 0.4), b.weight('b1', [3], 0.3)], { pads: [1, 1, 1, 1], layout });
  const bn1 = b.node('bn1', 'BatchNormalization', [c1, ...bnParams('bn1', 3)], { layout });
  const r1 = b.node('relu1', 'Relu', [bn1]);
  const c2 = b.node('conv2', 'Conv', [r1, b.weight('w2', [3, 3, 3, 3], 0.4)], { pads: [1, 1, 1, 1], layout });
  const res = b.node('res', 'Add', [c2, r1]);
  const fl = b.node('flat', 'Flatten', [res], { axis: 1 });
  const d1 = b.node('dense1', 'Gemm', [fl, b.weight('W3', [5, 48], 0.3), b.weight('b3', [5], 0.3)], { transB: 1 });
  const bn2 = b.node('bn2', 'BatchNormalization', [d1, ...bnParams('bn2', 5)]);
  const out = b.node('dense2', 'Gemm', [bn2, b.weight('W4', [3, 5], 0.5)], { transB: 1 });
  return b.build(`conformance-canonizers-${layout.toLowerCase()}`, nchw ? [2, 4, 4] : [4, 4, 2], out);
}

export async function canonizersCheck(createModel: CreateModel, tolerance: ResolvedTolerance): Promise<void> {
  for (const layout of ['NCHW', 'NHWC'] as const) {
    const graph = canonizerGraph(layout);
    const canonizers = [foldBatchNorm(), splitResidualSums()];
    const canonized = applyCanonizers(graph, canonizers);
    if (canonized.nodes.some((n) => n.op === 'BatchNormalization')) throw new ConformanceError(`${layout}: foldBatchNorm left a BatchNormalization node`);
    const rules = resolveComposite(epsilonPlus(), canonized);
    await withModels(createModel, graph, async (model) => {
      const x = normals([3, ...model.inputShape], 811);
      const request = { seed: { kind: 'index' as const, indices: [0, 1, 2] }, rules, canonizers, layers: ['res/in0', 'res/in1'] };
      const got = await model.gradient(x, request);
      const folded = createReferenceModel(canonized);
      try {
        const ref = await folded.gradient(x, { ...request, canonizers: [] });
        expectClose(got.outputs, ref.outputs, tolerance.forward, `${layout} outputs with canonizers`);
        expectClose(got.inputGradient, ref.inputGradient, tolerance.gradient, `${layout} EpsilonPlus relevance on the canonized graph`);
        expectClose(got.layers['res/in1']!.gradient, ref.layers['res/in1']!.gradient, tolerance.gradient, `${layout} relevance of a residual branch`);
      } finally {
        await folded.dispose();
      }
      // The model's own function is unchanged by a request's canonizers.
      expectClose(got.outputs, await model.forward(x), tolerance.forward, `${layout} canonized outputs vs forward`);
    });
  }
}

/** The rule-axiom checks, by test id. */
export const RULE_AXIOM_CHECKS: readonly { readonly id: string; run(createModel: CreateModel, tolerance: ResolvedTolerance): Promise<void> }[] = [
  { id: LRP_CONSERVATION_TEST_ID, run: lrpConservationCheck },
  { id: DEEPLIFT_SUMMATION_TEST_ID, run: deepLiftSummationCheck },
  { id: GUIDED_POSITIVE_TEST_ID, run: guidedPositiveCheck },
  { id: CANONIZERS_TEST_ID, run: canonizersCheck },
];
