import { describe, expect, it } from 'vitest';
import {
  modelParameterRandomisation,
  modelParameterRandomisationMetric,
  randomisableLayers,
  randomisedGraph,
  randomWeights,
} from '../randomisation/model-parameter-randomisation.js';
import { METRICS } from '../registry.js';
import { spearman } from '../../_utils/map-similarity.js';
import { edgeExplainer } from '../../_utils/control-explainers.js';
import { createReferenceModel } from '../../../reference-model.js';
import { fromFunction } from '../../../function-model.js';
import { createRng } from '../../../random/prng.js';
import { AbortError, CapabilityError, InvalidArgumentError, UnknownLayerError } from '../../../errors.js';
import type { Graph } from '../../../ir/graph.js';
import type { Explainer } from '../../_utils/metric-spec.js';
import { convGraph, countingRebuild, gradientExplainer, images, linearGraph, t } from './randomisation-models.js';

const COLUMNS = [
  [1, 2, 3, 4, 5, 6, 7],
  [7, 6, 5, 4, 3, 2, 1],
  [1, 2, 3, 4, 5, 7, 6],
];

describe('model-parameter randomisation: which layers, which weights', () => {
  it('lists the weight layers in graph order with their weight and bias initializers', () => {
    const layers = randomisableLayers(convGraph());
    expect(layers.map((l) => [l.name, l.weight, l.bias])).toEqual([
      ['conv1', 'conv1.w', 'conv1.b'],
      ['conv2', 'conv2.w', 'conv2.b'],
      ['fc1', 'fc1.w', 'fc1.b'],
      ['out', 'out.w', 'out.b'],
    ]);
    // A MatMul whose constant operand is input 0 counts (no bias); a MatMul of two data tensors and
    // a BatchNormalization do not.
    const g: Graph = {
      name: 'm',
      inputs: [{ name: 'x', shape: [-1, 2, 2] }],
      outputs: ['z'],
      nodes: [
        { name: 'left', op: 'MatMul', inputs: ['W', 'x'], outputs: ['y'], attrs: {} },
        { name: 'self', op: 'MatMul', inputs: ['y', 'y'], outputs: ['z0'], attrs: {} },
        { name: 'bn', op: 'BatchNormalization', inputs: ['z0', 's', 'b', 'm', 'v'], outputs: ['z'], attrs: {} },
      ],
      initializers: { W: t([2, 2], [1, 2, 3, 4]), s: t([2], [1, 1]), b: t([2], [0, 0]), m: t([2], [0, 0]), v: t([2], [1, 1]) },
    };
    expect(randomisableLayers(g)).toEqual([{ name: 'left', op: 'MatMul', index: 0, weight: 'W' }]);
  });

  it("'normal' draws N(0, σ²) with the layer's own σ; 'glorot' draws U(−l, l), l = √(6/(fan_in+fan_out)) (statistical)", () => {
    const g = convGraph(8, 8, 5);
    const fc1 = randomisableLayers(g).find((l) => l.name === 'fc1')!;
    const w = g.initializers['fc1.w']!.data; // 256×8 values, drawn with std 0.1
    const sd = (v: ArrayLike<number>) => {
      const m = Array.from(v).reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(Array.from(v).reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    };
    const r = randomWeights(g, fc1, 'normal', createRng(3)).data;
    // 2048 draws: the sample std is within 5% of σ (its relative s.e. is 1/√(2·2048) ≈ 1.6%).
    expect(Math.abs(sd(r) / sd(w) - 1)).toBeLessThan(0.05);
    expect(Array.from(r)).not.toEqual(Array.from(w));
    // conv2 HWIO [3, 3, 4, 4]: fan_in = 3·3·4, fan_out = 3·3·4 → l = √(6/72).
    const conv2 = randomisableLayers(g).find((l) => l.name === 'conv2')!;
    const glT = randomWeights(g, conv2, 'glorot', createRng(4));
    const gl = glT.data;
    const l = Math.sqrt(6 / 72);
    expect(Math.max(...Array.from(gl, Math.abs))).toBeLessThanOrEqual(l);
    // 144 uniform draws: std l/√3, relative s.e. ≈ 0.9/√144 ≈ 7%: allow 25%.
    expect(Math.abs(sd(gl) / (l / Math.sqrt(3)) - 1)).toBeLessThan(0.25);
    // The randomised graph: new weights, zero bias, everything else shared.
    const rg = randomisedGraph(g, [conv2], [glT]);
    expect(rg.initializers['conv2.w']).toBe(glT);
    expect(Array.from(rg.initializers['conv2.b']!.data)).toEqual([0, 0, 0, 0]);
    expect(rg.initializers['conv1.w']).toBe(g.initializers['conv1.w']);
    expect(g.initializers['conv2.b']!.data.some((v) => v !== 0)).toBe(true);
  });
});

describe('model-parameter randomisation: the metric', () => {
  it('on a linear model the saliency of target t is column t of B, so the curve is Spearman(|B_t|, |R_t|)', async () => {
    // y = x·B + c: d y_t / d x = B[:, t] whatever x. After re-initialising B to R (layer 0 of
    // createRng(seed).derive(0)), the map is R[:, t] — for the ORIGINAL target, not R's argmax.
    const g = linearGraph(COLUMNS);
    const model = createReferenceModel(g);
    const x = t([2, 7], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]); // argmax: class 1 (7 > …), class 0/2 tie → 2 (7)
    const explain = gradientExplainer();
    const seen: unknown[] = [];
    const spy: Explainer = async (m, xx, o) => {
      seen.push(o.target);
      return explain(m, xx, o);
    };
    const attributions = await explain(model, x, {});
    const r = randomWeights(g, randomisableLayers(g)[0]!, 'normal', createRng(11).derive(0));
    const res = await modelParameterRandomisation({ model, x, attributions, explain: spy, rebuild: async (gg) => createReferenceModel(gg) }, { seed: 11 });
    const out = Array.from(await model.forward(x).then((o) => o.data));
    const targets = [0, 1].map((i) => (out.slice(3 * i, 3 * i + 3).indexOf(Math.max(...out.slice(3 * i, 3 * i + 3)))));
    expect(seen).toEqual([targets]);
    const col = (j: number) => Array.from({ length: 7 }, (_, i) => Math.abs(r.data[i * 3 + j]!));
    targets.forEach((tt, i) => {
      const expected = spearman(COLUMNS[tt]!.map(Math.abs), col(tt));
      expect(res.scores[i]).toBeCloseTo(expected, 6);
      expect(res.curves![0]!.y[i]).toEqual([res.scores[i]]);
    });
    expect(res.higherIsBetter).toBe(false);
    expect(res.curves![0]!.xNames).toEqual(['fc']);
    expect(res.details).toMatchObject({ layers: ['fc'], mode: 'cascading', similarity: 'spearman', abs: true });
  });

  it('cascading goes top-down and accumulates; independent randomises one layer; the edge detector never changes', async () => {
    const g = convGraph();
    const model = createReferenceModel(g);
    const x = images(3);
    const explain = gradientExplainer();
    const attributions = await explain(model, x, {});
    const c = countingRebuild();
    const casc = await modelParameterRandomisation({ model, x, attributions, explain, rebuild: c.rebuild }, { seed: 5 });
    expect(casc.curves![0]!.xNames).toEqual(['out', 'fc1', 'conv2', 'conv1']);
    expect(c.built.length).toBe(4);
    expect(c.disposed()).toBe(4);
    // Step s of the cascade replaced exactly the top s layers' weights.
    const changed = (gg: Graph) => ['conv1.w', 'conv2.w', 'fc1.w', 'out.w'].filter((k) => gg.initializers[k] !== g.initializers[k]);
    expect(c.built.map(changed)).toEqual([['out.w'], ['fc1.w', 'out.w'], ['conv2.w', 'fc1.w', 'out.w'], ['conv1.w', 'conv2.w', 'fc1.w', 'out.w']]);
    // `layers` picks a subset, still top first; the weights of a layer do not depend on the subset.
    const sub = countingRebuild();
    const some = await modelParameterRandomisation({ model, x, attributions, explain, rebuild: sub.rebuild }, { seed: 5, layers: 'conv1, out' });
    expect(some.curves![0]!.xNames).toEqual(['out', 'conv1']);
    expect(sub.built.map(changed)).toEqual([['out.w'], ['conv1.w', 'out.w']]);
    expect(sub.built[0]!.initializers['out.w']).toEqual(c.built[0]!.initializers['out.w']);
    await expect(modelParameterRandomisation({ model, x, attributions, explain, rebuild: sub.rebuild }, { layers: ['relu1'] })).rejects.toThrow(UnknownLayerError);
    const ind = countingRebuild();
    const indep = await modelParameterRandomisation({ model, x, attributions, explain, rebuild: ind.rebuild }, { seed: 5, mode: 'independent' });
    expect(ind.built.map(changed)).toEqual([['out.w'], ['fc1.w'], ['conv2.w'], ['conv1.w']]);
    // The first step is the same model in both modes (same seed → same weights for a layer).
    expect(indep.curves![0]!.y.map((row) => row[0])).toEqual(casc.curves![0]!.y.map((row) => row[0]));
    expect(ind.built[0]!.initializers['out.w']).toEqual(c.built[0]!.initializers['out.w']);
    // Gradient maps lose their ranking once every layer is random: the fully random network's
    // |gradient| correlates weakly with the trained one's.
    for (const row of casc.curves![0]!.y) expect(row[3]!).toBeLessThan(0.5);
    // The edge detector ignores the model: similarity 1 at every step, in every measure.
    const edges = edgeExplainer();
    const edgeMaps = await edges(model, x, {});
    for (const similarity of ['spearman', 'ssim', 'pearson'] as const) {
      const e = await modelParameterRandomisation({ model, x, attributions: edgeMaps, explain: edges, rebuild: async (gg) => createReferenceModel(gg) }, { seed: 5, similarity });
      for (const row of e.curves![0]!.y) for (const v of row) expect(v).toBeCloseTo(1, 12);
      expect(e.mean).toBeCloseTo(1, 12);
    }
  });

  it('is bit-reproducible with a seed and changes with it; reports progress', async () => {
    const g = convGraph();
    const model = createReferenceModel(g);
    const x = images(2);
    const explain = gradientExplainer();
    const attributions = await explain(model, x, {});
    const input = { model, x, attributions, explain, rebuild: async (gg: Graph) => createReferenceModel(gg) };
    const progress: { done: number; total: number }[] = [];
    const a = await modelParameterRandomisation(input, { seed: 9, onProgress: (p) => progress.push(p) });
    const b = await modelParameterRandomisation(input, { seed: 9 });
    const c = await modelParameterRandomisation(input, { seed: 10 });
    expect(a.scores).toEqual(b.scores);
    expect(a.scores).not.toEqual(c.scores);
    // One forward pass (the argmax target) and one re-explanation per layer.
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.every((p) => p.total === 5)).toBe(true);
    // Through METRICS, with the CLI's string options.
    expect(METRICS['model-parameter-randomisation']).toBe(modelParameterRandomisationMetric);
    const viaSpec = await modelParameterRandomisationMetric.run(input, { seed: 9, abs: 'true', similarity: 'spearman' });
    expect(viaSpec.scores).toEqual(a.scores);
  });

  it('typed errors: no graph, no rebuild, no explain, bad options, abort', async () => {
    const g = convGraph();
    const model = createReferenceModel(g);
    const x = images(1);
    const explain = gradientExplainer();
    const attributions = await explain(model, x, {});
    const rebuild = async (gg: Graph) => createReferenceModel(gg);
    const opaque = fromFunction(async (v) => v, { inputShape: [8, 8, 1], outputShape: [8, 8, 1] });
    await expect(modelParameterRandomisation({ model: opaque, x, attributions, explain, rebuild })).rejects.toThrow(CapabilityError);
    await expect(modelParameterRandomisation({ model, x, attributions, explain })).rejects.toThrow(InvalidArgumentError);
    await expect(modelParameterRandomisation({ model, x, attributions, rebuild })).rejects.toThrow(InvalidArgumentError);
    await expect(modelParameterRandomisation({ model, x, attributions, explain, rebuild }, { mode: 'sideways' as never })).rejects.toThrow(/mode must be one of/);
    await expect(modelParameterRandomisation({ model, x, attributions, explain, rebuild }, { similarity: 'hog' as never })).rejects.toThrow(/similarity must be one of/);
    const noWeights: Graph = { ...g, nodes: [{ name: 'r', op: 'Relu', inputs: ['x'], outputs: ['out'], attrs: {} }], initializers: {} };
    const reluModel = createReferenceModel(noWeights);
    await expect(modelParameterRandomisation({ model: reluModel, x, attributions: x, explain, rebuild })).rejects.toThrow(/no layer with weight initializers/);
    const ac = new AbortController();
    ac.abort();
    await expect(modelParameterRandomisation({ model, x, attributions, explain, rebuild }, { signal: ac.signal })).rejects.toThrow(AbortError);
    // Aborted during the first re-explanation: the next step does not start, and the model built is disposed.
    const ac2 = new AbortController();
    const c = countingRebuild();
    const aborting: Explainer = async (m, xx, o) => {
      ac2.abort();
      return explain(m, xx, o);
    };
    await expect(modelParameterRandomisation({ model, x, attributions, explain: aborting, rebuild: c.rebuild }, { signal: ac2.signal })).rejects.toThrow(AbortError);
    expect(c.built.length).toBe(c.disposed());
  });
});
