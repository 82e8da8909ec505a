/**
 * Model internals (core `algorithms/internals`), per graph, against the reference executor on the
 * same graph with the same seed: feature visualization (a few steps, pixel and Fourier
 * parametrizations, transforms and penalties; short runs, so backends agree — over many steps
 * trajectories may part, docs/internals.md), dataset examples (top-k), TCAV (CAVs, scores,
 * p-values) and activation clustering (assignments). Each runs on the graph's cut layer, so it
 * runs on every graph of the suite.
 */
import {
  ActivationClustering,
  FeatureVisualization,
  Tcav,
  objectives,
  topActivatingExamples,
  type FeatureVisualizationOptions,
  type Model,
  type Tensor,
} from '@glasswing/core';
import type { ConformanceGraph } from '../graphs/types.js';
import { ConformanceError, expectClose, type Tolerance } from '../numeric.js';
import { suiteRng } from '../rng.js';
import { makeInput, makeTargets, type CheckOutcome, type ConformanceCheck } from './context.js';

/** Feature-visualization steps per run (short: see the module comment). */
export const FV_STEPS = 3;

function same<T>(got: T, want: T, what: string): void {
  const a = JSON.stringify(got);
  const b = JSON.stringify(want);
  if (a !== b) throw new ConformanceError(`${what}: got ${a}, the reference executor gives ${b}`);
}

function closeNumbers(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance, what: string): void {
  expectClose({ shape: [want.length], data: Float32Array.from(got) }, Array.from(want), tol, what);
}

/**
 * Feature visualization, dataset examples and attention read the model's IR graph (to canonize it,
 * for channel axes and receptive fields, to find attention nodes): skipped, with the reason, for a
 * model that exposes none.
 */
export function withoutGraph(model: Model, what: string): CheckOutcome {
  return model.graph === undefined ? { skip: `the ${model.backend} model exposes no graph, which ${what} reads` } : undefined;
}

/**
 * The two feature-visualization runs of a graph: channel objectives (linear: one gradient call a
 * step) with pixels, and layer + diversity (non-linear: activations, then a gradient call) with
 * Fourier on image-like (rank ≥ 2) inputs; 1-D inputs take pixels in a box without transforms.
 */
export function fvRuns(spec: ConformanceGraph): { name: string; options: FeatureVisualizationOptions }[] {
  const layer = spec.cut;
  const image = spec.inputShape.length >= 2;
  const transforms: FeatureVisualizationOptions['transforms'] = image ? [{ kind: 'pad', pixels: 1 }, { kind: 'jitter', pixels: 2 }] : [];
  return [
    {
      name: 'pixel, channel objectives',
      options: {
        objective: objectives.sum(objectives.batch(0, objectives.channel(layer, 0)), objectives.batch(1, objectives.scale(0.5, objectives.channel(layer, 1)))),
        batch: 2,
        steps: FV_STEPS,
        seed: 11,
        lr: 0.05,
        param: { kind: 'pixel' },
        // tabular inputs: a per-feature box
        range: image ? [0, 1] : { lo: -1, hi: Float32Array.from({ length: spec.inputShape[0]! }, (_, i) => 1 + i / 4) },
        transforms,
        penalties: image ? [{ kind: 'l2', weight: 0.01 }, { kind: 'tv', weight: 0.01 }] : [{ kind: 'l1', weight: 0.01 }],
      },
    },
    {
      name: `${image ? 'fft' : 'pixel'}, layer + diversity objective`,
      options: {
        objective: objectives.sum(objectives.layer(layer), objectives.scale(0.1, objectives.diversity(layer))),
        batch: 2,
        steps: FV_STEPS,
        seed: 12,
        param: { kind: image ? 'fft' : 'pixel' },
        transforms: image ? [...transforms, { kind: 'scale', factors: [0.9, 1.1] }, { kind: 'rotate', degrees: [-8, 8] }] : [],
        penalties: image ? [{ kind: 'blur', weight: 0.05 }] : [{ kind: 'l2', weight: 0.01 }],
      },
    },
  ];
}

export const featureVisualizationCheck: ConformanceCheck = {
  id: 'internals-feature-visualization',
  title: `FeatureVisualization (${FV_STEPS} steps; pixel and fft, transforms, penalties; linear and non-linear objectives on the cut layer) equals the reference's`,
  requires: { gradients: true, layers: true, rules: true },
  async run({ model, reference, spec, tolerance }) {
    const noGraph = withoutGraph(model, 'feature visualization');
    if (noGraph) return noGraph;
    for (const { name, options } of fvRuns(spec)) {
      const want = await new FeatureVisualization(reference).visualize(options);
      const calls: number[] = [];
      const got = await new FeatureVisualization(model).visualize({ ...options, onProgress: (p) => calls.push(p.done) });
      expectClose(got.images, want.images, tolerance.internals, `${name}: images`);
      closeNumbers(got.history, want.history, tolerance.internals, `${name}: objective history`);
      closeNumbers([got.objective], [want.objective], tolerance.internals, `${name}: final objective`);
      same(got.modelCalls, want.modelCalls, `${name}: modelCalls`);
      same(calls.length, want.modelCalls, `${name}: progress reports`);
      let moved = false;
      for (let i = 1; i < want.history.length; i++) moved ||= want.history[i] !== want.history[0];
      if (!moved) throw new ConformanceError(`${name}: the objective did not change on the reference executor (a degenerate check)`);
    }
  },
};

export const datasetExamplesCheck: ConformanceCheck = {
  id: 'internals-dataset-examples',
  title: 'topActivatingExamples (cut layer, channel 0 and 1, max and mean, streamed in batches of 4) gives the reference top-k indices, values, positions and boxes',
  requires: { layers: true },
  async run({ model, reference, spec, tolerance }) {
    const noGraph = withoutGraph(model, 'dataset examples');
    if (noGraph) return noGraph;
    const data = makeInput(spec, 11, 61);
    for (const unit of [
      { layer: spec.cut, channel: 0, reduce: 'max' as const },
      { layer: spec.cut, channel: 1, reduce: 'mean' as const },
    ]) {
      const options = { k: 4, batchSize: 4 };
      const want = await topActivatingExamples(reference, data, unit, options);
      const got = await topActivatingExamples(model, data, unit, options);
      const what = `${unit.layer} channel ${unit.channel} (${unit.reduce})`;
      same(got.examples.map((e) => [e.index, e.position, e.box]), want.examples.map((e) => [e.index, e.position, e.box]), `${what}: top-k [index, position, box]`);
      closeNumbers(got.examples.map((e) => e.value), want.examples.map((e) => e.value), tolerance.forward, `${what}: top-k values`);
      same([got.seen, got.modelCalls], [want.seen, want.modelCalls], `${what}: [seen, modelCalls]`);
    }
  },
};

/** `n` inputs shifted by `shift`·d (d a fixed direction): a concept the cut layer can separate. */
function shifted(spec: ConformanceGraph, n: number, seed: number, shift: number): Tensor {
  const x = makeInput(spec, n, seed);
  const d = suiteRng(71).normals(x.data.length / n);
  for (let i = 0; i < x.data.length; i++) x.data[i] = 0.5 * x.data[i]! + shift * d[i % d.length]!;
  return x;
}

export const tcavCheck: ConformanceCheck = {
  id: 'internals-tcav',
  title: 'TCAV (one concept, 3 random runs, cut layer, seeded) gives the reference CAVs (1e-4), scores, accuracies, magnitudes and p-values',
  requires: { gradients: true, layers: true },
  async run({ model, reference, spec, tolerance }) {
    const inputs = makeInput(spec, 6, 72);
    const options = {
      layers: [spec.cut],
      concepts: [{ name: 'shifted', examples: shifted(spec, 8, 73, 1) }],
      random: shifted(spec, 24, 74, 0),
      randomRuns: 3,
      randomSetSize: 8,
      target: makeTargets(spec, 6),
      seed: 5,
      internalBatchSize: 5,
    };
    const want = await new Tcav(reference).interpret(inputs, options);
    const got = await new Tcav(model).interpret(inputs, options);
    const cav: Tolerance = { atol: 1e-4, rtol: 1e-4 };
    want.results.forEach((w, i) => {
      const g = got.results[i]!;
      const what = `${w.concept} at ${w.layer}`;
      w.cavs.forEach((v, r) => closeNumbers(g.cavs[r]!, v, cav, `${what}: CAV of run ${r}`));
      same(g.scores, w.scores, `${what}: TCAV scores`);
      same(g.accuracies, w.accuracies, `${what}: classifier accuracies`);
      closeNumbers(g.magnitudes, w.magnitudes, tolerance.gradient, `${what}: magnitude scores`);
      closeNumbers([g.pValue, g.magnitudePValue], [w.pValue, w.magnitudePValue], tolerance.gradient, `${what}: p-values`);
    });
    want.random.forEach((w, i) => same(got.random[i]!.scores, w.scores, `random baseline at ${w.layer}: scores`));
    same(got.targets, want.targets, 'targets');
    same(got.modelCalls, want.modelCalls, 'modelCalls');
  },
};

export const activationClusteringCheck: ConformanceCheck = {
  id: 'internals-activation-clustering',
  title: 'ActivationClustering (cut layer, k by silhouette over 2…4, seeded) gives the reference k, assignments, exemplars and silhouette',
  requires: { layers: true },
  async run({ model, reference, spec, tolerance }) {
    // three planted groups of inputs
    const n = 18;
    const x = makeInput(spec, n, 81);
    const per = x.data.length / n;
    const centres = suiteRng(82).normals(3 * per, 1.5);
    for (let i = 0; i < x.data.length; i++) {
      const e = Math.floor(i / per);
      x.data[i] = 0.1 * x.data[i]! + centres[(e % 3) * per + (i % per)]!;
    }
    const options = { layer: spec.cut, kRange: [2, 4] as const, seed: 3, labels: Array.from({ length: n }, (_, i) => i % 3), internalBatchSize: 7 };
    const want = await new ActivationClustering(reference).interpret(x, options);
    const got = await new ActivationClustering(model).interpret(x, options);
    same(got.k, want.k, 'k chosen by silhouette');
    same(got.assignments, want.assignments, 'assignments');
    same(got.exemplars, want.exemplars, 'exemplars');
    same(got.purity, want.purity, 'purity');
    closeNumbers(got.silhouettes.map((s) => s.silhouette), want.silhouettes.map((s) => s.silhouette), tolerance.forward, 'silhouette per k');
    closeNumbers(got.features, want.features, tolerance.forward, 'feature rows');
  },
};

export const INTERNALS_CHECKS: readonly ConformanceCheck[] = [featureVisualizationCheck, datasetExamplesCheck, tcavCheck, activationClusteringCheck];
