/**
 * Behaviour of the rule, layer and Grad-CAM family beyond the Captum figures: DeepLIFT
 * summation-to-delta through ReLU → MaxPool (both layouts, both rules), DeepLIFT-SHAP as the mean
 * of DeepLIFT runs, Guided Grad-CAM as the product of its parts, layer-IG completeness,
 * conductance totals, chunking invariance, progress / abort and typed errors.
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../ir/graph.js';
import type { Model } from '../../model.js';
import { createReferenceModel, graphFromJSON } from '../../ir/index.js';
import { AbortError, CapabilityError, InvalidArgumentError, ShapeError } from '../../errors.js';
import { functionModel } from '../../testing/index.js';
import { DeepLift } from '../rules/deep-lift.js';
import { DeepLiftShap } from '../rules/deep-lift-shap.js';
import { GuidedBackprop } from '../rules/guided-backprop.js';
import { Deconvolution } from '../rules/deconvolution.js';
import { Lrp } from '../rules/lrp.js';
import { GradCam } from '../layer/grad-cam.js';
import { GuidedGradCam } from '../rules/guided-grad-cam.js';
import { Saliency } from '../gradient/saliency.js';
import { LayerIntegratedGradients } from '../layer/layer-integrated-gradients.js';
import { LayerConductance } from '../layer/layer-conductance.js';
import { LayerGradient } from '../layer/layer-gradient.js';
import { LayerGradientXActivation } from '../layer/layer-gradient-x-activation.js';
import { LayerActivation } from '../layer/layer-activation.js';
import { resize2d } from '../_utils/interpolate.js';
import { camGraph, nchwToNhwc, nhwcToNchw, poolGraph, randTensor } from './cnn-models.js';
import { inputsTensor, loadFixture, loadGraphJson } from './fixtures.js';

/** A reference model that exposes its graph (rule methods read model.graph). */
function withGraph(graph: Graph): Model {
  const m = createReferenceModel(graph);
  return 'graph' in m ? m : (Object.create(m, { graph: { value: graph } }) as Model);
}

function sums(t: { data: Float32Array; shape: readonly number[] }): number[] {
  const n = t.shape[0]!;
  const per = t.data.length / n;
  return Array.from({ length: n }, (_, i) => t.data.subarray(i * per, (i + 1) * per).reduce((a, b) => a + b, 0));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const mlp = loadFixture('mlp_tabular');
const mlpGraph = graphFromJSON(loadGraphJson('mlp_tabular'));
const xm = inputsTensor(mlp);

describe.each(['NCHW', 'NHWC'] as const)('DeepLIFT summation-to-delta through ReLU → MaxPool (%s)', (layout) => {
  const model = withGraph(poolGraph(layout));
  const x0 = randTensor([4, 1, 6, 6], 5);
  const b0 = randTensor([4, 1, 6, 6], 6, -0.5, 0.5);
  const x = layout === 'NCHW' ? x0 : nchwToNhwc(x0);
  const baselines = layout === 'NCHW' ? b0 : nchwToNhwc(b0);

  it.each(['rescale', 'reveal-cancel'] as const)('%s: Σ attr = f(x) − f(x′)', async (rule) => {
    const res = await new DeepLift(model).attribute(x, { baselines, target: [0, 1, 2, 0], rule });
    for (const d of res.delta!) expect(Math.abs(d)).toBeLessThan(2e-5);
    // not vacuous: the multipliers differ from plain input × gradient
    const ig = await new Saliency(model).attribute(x, { target: [0, 1, 2, 0], abs: false });
    const ixg = ig.attributions.data.map((g, k) => g * (x.data[k]! - baselines.data[k]!));
    expect(maxAbsDiff(ixg, res.attributions.data)).toBeGreaterThan(1e-4);
  });

  it('layouts agree', async () => {
    const other = withGraph(poolGraph('NCHW'));
    const a = await new DeepLift(model).attribute(x, { baselines, target: 1 });
    const b = await new DeepLift(other).attribute(x0, { baselines: b0, target: 1 });
    const aa = layout === 'NCHW' ? a.attributions : nhwcToNchw(a.attributions);
    expect(maxAbsDiff(aa.data, b.attributions.data)).toBeLessThan(1e-6);
  });
});

describe('DeepLiftShap', () => {
  const model = withGraph(mlpGraph);
  const base = randTensor([3, 10], 12, -0.5, 0.5);
  it('is the mean of DeepLift against each baseline; delta per example ≈ 0', async () => {
    const res = await new DeepLiftShap(model).attribute(xm, { baselines: base, target: 1, internalBatchSize: 5 });
    expect(res.method).toBe('deeplift-shap');
    expect(res.delta).toHaveLength(4);
    for (const d of res.delta!) expect(Math.abs(d)).toBeLessThan(1e-5);
    const want = new Float64Array(xm.data.length);
    for (let b = 0; b < 3; b++) {
      const one = await new DeepLift(model).attribute(xm, { baselines: { shape: [10], data: base.data.slice(b * 10, b * 10 + 10) }, target: 1 });
      one.attributions.data.forEach((v, k) => (want[k] += v / 3));
    }
    expect(maxAbsDiff(res.attributions.data, want)).toBeLessThan(1e-6);
  });
  it('rejects a baseline of the wrong shape', async () => {
    await expect(new DeepLiftShap(model).attribute(xm, { baselines: randTensor([3, 9], 1) })).rejects.toThrow(ShapeError);
  });
});

describe('GuidedBackprop / Deconvolution / LRP', () => {
  it('guided backprop equals the gradient where every ReLU gate and upstream gradient is positive', async () => {
    // y = relu(relu(x·w1)·w2) with positive weights and inputs: all gates open, all grads positive
    const g: Graph = {
      name: 'pos',
      inputs: [{ name: 'x', shape: [-1, 3] }],
      outputs: ['out'],
      initializers: { w1: randTensor([3, 4], 3, 0.1, 1), w2: randTensor([4, 2], 4, 0.1, 1) },
      nodes: [
        { name: 'h', op: 'MatMul', inputs: ['x', 'w1'], outputs: ['h'], attrs: {} },
        { name: 'r', op: 'Relu', inputs: ['h'], outputs: ['r'], attrs: {} },
        { name: 'o', op: 'MatMul', inputs: ['r', 'w2'], outputs: ['o'], attrs: {} },
        { name: 'out', op: 'Relu', inputs: ['o'], outputs: ['out'], attrs: {} },
      ],
    };
    const model = withGraph(g);
    const x = randTensor([2, 3], 8, 0.1, 1);
    const gb = await new GuidedBackprop(model).attribute(x, { target: 0 });
    const sal = await new Saliency(model).attribute(x, { target: 0, abs: false });
    expect(maxAbsDiff(gb.attributions.data, sal.attributions.data)).toBeLessThan(1e-7);
    const dc = await new Deconvolution(model).attribute(x, { target: 0 });
    expect(maxAbsDiff(dc.attributions.data, sal.attributions.data)).toBeLessThan(1e-7);
  });

  it('needs model.graph and rules (CapabilityError naming the capability)', async () => {
    const bare = createReferenceModel(mlpGraph);
    if (!('graph' in bare)) await expect(new GuidedBackprop(bare).attribute(xm)).rejects.toThrow(/model\.graph/);
    const noRules = Object.create(withGraph(mlpGraph), { capabilities: { value: { gradients: true, layers: true, rules: false } } }) as Model;
    await expect(new Lrp(noRules).attribute(xm)).rejects.toThrow(CapabilityError);
    await expect(new DeepLift(noRules).attribute(xm)).rejects.toThrow(/capability 'rules'/);
    const fm = functionModel((v) => v, { inputShape: [10], outputShape: [10] });
    await expect(new GuidedBackprop(fm).attribute(xm)).rejects.toThrow(/gradients/);
  });

  it('LRP rejects an unknown composite', async () => {
    await expect(new Lrp(withGraph(mlpGraph)).attribute(xm, { composite: 'nope' })).rejects.toThrow(InvalidArgumentError);
  });
});

describe.each(['NCHW', 'NHWC'] as const)('GuidedGradCam (%s)', (layout) => {
  const graph = camGraph(layout);
  const model = withGraph(graph);
  const x0 = randTensor([2, 2, 5, 5], 41);
  const x = layout === 'NCHW' ? x0 : nchwToNhwc(x0);
  it.each(['nearest', 'bilinear'] as const)('is guided backprop × the resized cam, broadcast over channels (%s)', async (interpolation) => {
    const res = await new GuidedGradCam(model).attribute(x, { layer: 'conv', target: [1, 0], interpolation, layout });
    const gb = await new GuidedBackprop(model).attribute(x, { target: [1, 0] });
    const cam = await new GradCam(model).attribute(x, { layer: 'conv', target: [1, 0], attributeToLayer: true, layout });
    const gbN = layout === 'NCHW' ? gb.attributions : nhwcToNchw(gb.attributions);
    const gotN = layout === 'NCHW' ? res.attributions : nhwcToNchw(res.attributions);
    const want = new Float32Array(gbN.data.length);
    for (let i = 0; i < 2; i++) {
      const up = resize2d(cam.attributions.data.subarray(i * 9, i * 9 + 9), 3, 3, 5, 5, interpolation);
      for (let c = 0; c < 2; c++) for (let p = 0; p < 25; p++) want[(i * 2 + c) * 25 + p] = gbN.data[(i * 2 + c) * 25 + p]! * up[p]!;
    }
    expect(maxAbsDiff(gotN.data, want)).toBeLessThan(1e-6);
    expect(Math.max(...want.map(Math.abs))).toBeGreaterThan(1e-4);
    expect(res.modelCalls).toBe(2);
  });
});

describe('layer methods on mlp_tabular', () => {
  const model = createReferenceModel(mlpGraph);
  const baselines = { shape: [10], data: Float32Array.from(mlp.baselines.nonzero) };

  it.each(['fc1', 'relu1', 'fc2'])('LayerIntegratedGradients completeness at %s', async (layer) => {
    const res = await new LayerIntegratedGradients(model).attribute(xm, { layer, baselines, target: 2, steps: 64 });
    expect(res.attributions.shape).toEqual([4, 64]);
    // ReLU kinks make the integrand discontinuous: the quadrature error shrinks like 1/steps
    for (const d of res.delta!) expect(Math.abs(d)).toBeLessThan(5e-3);
    const fine = await new LayerIntegratedGradients(model).attribute(xm, { layer, baselines, target: 2, steps: 1024 });
    for (const d of fine.delta!) expect(Math.abs(d)).toBeLessThan(3e-4);
    const coarse = await new LayerIntegratedGradients(model).attribute(xm, { layer, baselines, target: 2, steps: 4 });
    expect(Math.max(...coarse.delta!.map(Math.abs))).toBeGreaterThan(Math.max(...fine.delta!.map(Math.abs)));
    // chunking does not change the result
    const chunked = await new LayerIntegratedGradients(model).attribute(xm, { layer, baselines, target: 2, steps: 64, internalBatchSize: 7 });
    expect(maxAbsDiff(chunked.attributions.data, res.attributions.data)).toBe(0);
  });

  it('LayerIntegratedGradients after the last nonlinearity is exact (linear remainder)', async () => {
    const res = await new LayerIntegratedGradients(model).attribute(xm, { layer: 'fc2', baselines, target: 0, steps: 2 });
    const relu = await new LayerIntegratedGradients(model).attribute(xm, { layer: 'relu2', baselines, target: 0, steps: 1 });
    for (const d of relu.delta!) expect(Math.abs(d)).toBeLessThan(1e-5);
    expect(res.delta).toHaveLength(4);
  });

  it('LayerConductance totals match layer IG totals (both ≈ f(x) − f(x′))', async () => {
    const cond = await new LayerConductance(model).attribute(xm, { layer: 'relu1', baselines, target: 1, steps: 200 });
    const lig = await new LayerIntegratedGradients(model).attribute(xm, { layer: 'relu1', baselines, target: 1, steps: 200 });
    const a = sums(cond.attributions);
    const b = sums(lig.attributions);
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-3));
    for (const d of cond.delta!) expect(Math.abs(d)).toBeLessThan(1e-3);
    const chunked = await new LayerConductance(model).attribute(xm, { layer: 'relu1', baselines, target: 1, steps: 200, internalBatchSize: 9 });
    expect(maxAbsDiff(chunked.attributions.data, cond.attributions.data)).toBe(0);
  });

  it('LayerGradientXActivation = activation ⊙ LayerGradient; gradient vs finite differences through overrides', async () => {
    const g = await new LayerGradient(model).attribute(xm, { layer: 'fc2', target: 1 });
    const gxa = await new LayerGradientXActivation(model).attribute(xm, { layer: 'fc2', target: 1 });
    const act = await new LayerActivation(model).attribute(xm, { layer: 'fc2' });
    expect(gxa.method).toBe('layer-gradient-x-activation');
    expect(maxAbsDiff(gxa.attributions.data, g.attributions.data.map((v, k) => v * act.attributions.data[k]!))).toBeLessThan(1e-7);
    // FD on the layer through an override: F(a + h e_j) − F(a − h e_j)
    const a = act.attributions;
    for (const j of [0, 5, 17]) {
      const plus = Float32Array.from(a.data);
      const minus = Float32Array.from(a.data);
      const h = 1e-2;
      for (let i = 0; i < 4; i++) {
        plus[i * 64 + j] += h;
        minus[i * 64 + j] -= h;
      }
      const fp = await model.gradient(xm, { seed: { kind: 'index', indices: [1, 1, 1, 1] }, overrides: { fc2: { shape: a.shape, data: plus } } });
      const fm = await model.gradient(xm, { seed: { kind: 'index', indices: [1, 1, 1, 1] }, overrides: { fc2: { shape: a.shape, data: minus } } });
      for (let i = 0; i < 4; i++) {
        const fd = (fp.outputs.data[i * 3 + 1]! - fm.outputs.data[i * 3 + 1]!) / (2 * h);
        expect(Math.abs(fd - g.attributions.data[i * 64 + j]!)).toBeLessThan(1e-4);
      }
    }
  });

  it('unknown layer: InvalidArgumentError listing the layers; missing capability: CapabilityError', async () => {
    await expect(new LayerConductance(model).attribute(xm, { layer: 'fc9' })).rejects.toThrow(/valid layers: fc1, relu1, fc2, relu2, fc3/);
    await expect(new LayerActivation(model).attribute(xm, {} as never)).rejects.toThrow(InvalidArgumentError);
    const noLayers = Object.create(model, { capabilities: { value: { gradients: true, layers: false, rules: true } } }) as Model;
    await expect(new LayerGradient(noLayers).attribute(xm, { layer: 'fc1' })).rejects.toThrow(/capability 'layers'/);
    await expect(new LayerActivation(noLayers).attribute(xm, { layer: 'fc1' })).rejects.toThrow(CapabilityError);
  });

  it('progress and abort', async () => {
    const seen: number[] = [];
    const res = await new LayerConductance(model).attribute(xm, { layer: 'fc1', steps: 10, internalBatchSize: 8, onProgress: (p) => seen.push(p.total) });
    expect(res.modelCalls).toBe(1 + Math.ceil(44 / 8));
    expect(new Set(seen)).toEqual(new Set([res.modelCalls]));
    const ac = new AbortController();
    const run = new LayerIntegratedGradients(model).attribute(xm, {
      layer: 'fc1',
      internalBatchSize: 4,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.done === 2) ac.abort();
      },
    });
    await expect(run).rejects.toThrow(AbortError);
  });
});

describe('METHODS entries of the rule / layer family', () => {
  const model = withGraph(mlpGraph);
  const ids = ['deeplift', 'deeplift-shap', 'lrp', 'guided-backprop', 'deconvolution'];
  const layerIds = ['layer-activation', 'layer-gradient', 'layer-gradient-x-activation', 'layer-integrated-gradients', 'layer-conductance'];

  it('input methods run through METHODS with the same results as the classes', async () => {
    const { METHODS } = await import('../registry.js');
    for (const id of ids) {
      const res = await METHODS[id]!.run(model, xm, { target: 1 });
      expect(res.method).toBe(id);
      expect(res.attributions.shape).toEqual([4, 10]);
      await expect(METHODS[id]!.run(model, xm, { layer: 'fc1' })).rejects.toThrow(InvalidArgumentError);
    }
    const a = await METHODS['deeplift']!.run(model, xm, { target: 0, baselines: 0.5, rule: 'reveal-cancel' });
    const b = await new DeepLift(model).attribute(xm, { target: 0, baselines: 0.5, rule: 'reveal-cancel' });
    expect(a.attributions.data).toEqual(b.attributions.data);
    const l = await METHODS['lrp']!.run(model, xm, { target: 2, epsilon: 0.1 });
    const l2 = await new Lrp(model).attribute(xm, { target: 2, epsilon: 0.1 });
    expect(l.attributions.data).toEqual(l2.attributions.data);
  });

  it('layer methods need a layer and return the layer shape', async () => {
    const { METHODS } = await import('../registry.js');
    for (const id of layerIds) {
      expect(METHODS[id]!.requires.layers).toBe(true);
      const res = await METHODS[id]!.run(model, xm, { target: 1, layer: 'fc2', steps: 4 });
      expect(res.method).toBe(id);
      expect(res.attributions.shape).toEqual([4, 64]);
      await expect(METHODS[id]!.run(model, xm, {})).rejects.toThrow(/needs a layer \(one of: fc1, relu1/);
    }
  });

  it('grad-cam options map through', async () => {
    const { METHODS } = await import('../registry.js');
    const cam = withGraph(camGraph('NHWC'));
    const x = nchwToNhwc(randTensor([2, 2, 5, 5], 3));
    const a = await METHODS['grad-cam']!.run(cam, x, { target: 0, layer: 'conv', interpolation: 'bilinear', relu: true });
    const b = await new GradCam(cam).attribute(x, { target: 0, layer: 'conv', interpolation: 'bilinear', relu: true });
    expect(a.attributions.data).toEqual(b.attributions.data);
    const g = await METHODS['guided-grad-cam']!.run(cam, x, { target: 0, layer: 'conv' });
    expect(g.attributions.shape).toEqual([2, 5, 5, 2]);
  });
});

describe('LRP composites', () => {
  const model = withGraph(poolGraph('NCHW'));
  const x = randTensor([2, 1, 6, 6], 17);
  it.each(['captum', 'epsilon-plus', 'epsilon-gamma-box', 'epsilon-alpha2-beta1', 'epsilon-alpha-beta'])('%s runs, finite, with delta', async (composite) => {
    const res = await new Lrp(model).attribute(x, { composite, target: 0 });
    expect(res.delta).toHaveLength(2);
    expect(res.attributions.data.every(Number.isFinite)).toBe(true);
  });
  it('alpha maps to β = α − 1; gamma and epsilon change the result', async () => {
    const a2 = await new Lrp(model).attribute(x, { composite: 'epsilon-alpha2-beta1', target: 0 });
    const ab2 = await new Lrp(model).attribute(x, { composite: 'epsilon-alpha-beta', alpha: 2, target: 0 });
    const ab3 = await new Lrp(model).attribute(x, { composite: 'epsilon-alpha-beta', alpha: 3, target: 0 });
    expect(ab2.attributions.data).toEqual(a2.attributions.data);
    expect(maxAbsDiff(ab3.attributions.data, a2.attributions.data)).toBeGreaterThan(1e-6);
    const g1 = await new Lrp(model).attribute(x, { composite: 'epsilon-gamma-box', gamma: 0.1, target: 0 });
    const g2 = await new Lrp(model).attribute(x, { composite: 'epsilon-gamma-box', gamma: 2, target: 0 });
    expect(maxAbsDiff(g1.attributions.data, g2.attributions.data)).toBeGreaterThan(1e-6);
    await expect(new Lrp(model).attribute(x, { alpha: 0.5 })).rejects.toThrow(InvalidArgumentError);
  });
  it('captum ε-LRP without biases conserves relevance: Σ attr = f(x)_t (delta ≈ 0)', async () => {
    const g = poolGraph('NCHW');
    const noBias = withGraph({ ...g, initializers: { ...g.initializers, b1: { shape: [2], data: new Float32Array(2) }, fb: { shape: [3], data: new Float32Array(3) } } });
    const res = await new Lrp(noBias).attribute(x, { target: [0, 2] });
    for (const d of res.delta!) expect(Math.abs(d)).toBeLessThan(1e-5);
  });
});

describe('rule methods with a known target skip the separate forward pass (issue 15)', () => {
  const model = withGraph(poolGraph('NCHW'));
  const x = randTensor([4, 1, 6, 6], 15);
  const pred = async () => {
    const out = await model.forward(x);
    const per = out.data.length / 4;
    return Array.from({ length: 4 }, (_, i) => {
      const row = Array.from(out.data.subarray(i * per, (i + 1) * per));
      return row.indexOf(Math.max(...row));
    });
  };
  it('LRP: one gradient call per chunk, equal to the two-call path (predicted target)', async () => {
    const target = await pred();
    const seen: number[] = [];
    const known = await new Lrp(model).attribute(x, { target, internalBatchSize: 2, onProgress: (p) => seen.push(p.total) });
    const predicted = await new Lrp(model).attribute(x, { internalBatchSize: 2 });
    expect(known.modelCalls).toBe(2);
    expect(predicted.modelCalls).toBe(4);
    expect(new Set(seen)).toEqual(new Set([2]));
    const scale = Math.max(...predicted.attributions.data.map(Math.abs));
    expect(scale).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(known.attributions.data, predicted.attributions.data)).toBeLessThan(1e-6 * scale);
    expect(maxAbsDiff(known.delta!, predicted.delta!)).toBeLessThan(1e-5 * scale);
    expect(maxAbsDiff(known.outputs!.data, predicted.outputs!.data)).toBe(0);
  });
  it('DeepLIFT: forwards one reference row for a shared baseline, every row for per-example ones; same results', async () => {
    const target = await pred();
    for (const [baselines, refCalls] of [[0.25, 1], [randTensor([4, 1, 6, 6], 16, -0.5, 0.5), 2]] as const) {
      const seen: number[] = [];
      const known = await new DeepLift(model).attribute(x, { baselines, target, internalBatchSize: 2, onProgress: (p) => seen.push(p.total) });
      const predicted = await new DeepLift(model).attribute(x, { baselines, internalBatchSize: 2 });
      expect(known.modelCalls).toBe(refCalls + 2);
      expect(predicted.modelCalls).toBe(4 + 2);
      expect(new Set(seen)).toEqual(new Set([refCalls + 2]));
      const scale = Math.max(...predicted.attributions.data.map(Math.abs));
      expect(scale).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(known.attributions.data, predicted.attributions.data)).toBe(0);
      expect(maxAbsDiff(known.delta!, predicted.delta!)).toBeLessThan(1e-6);
      expect(maxAbsDiff(known.outputs!.data, predicted.outputs!.data)).toBe(0);
    }
  });
});
