/**
 * Neuron methods: NeuronGradient against central finite differences of the neuron's activation,
 * NeuronIntegratedGradients completeness, NeuronConductance as the product of its independently
 * checked factors (one step) and its total against the layer conductance of the neuron, the
 * canonizer leaves the model untouched, multi-index selectors and typed errors.
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../ir/graph.js';
import type { Model } from '../../model.js';
import { createReferenceModel, graphFromJSON } from '../../ir/index.js';
import { CapabilityError, InvalidArgumentError } from '../../errors.js';
import { NeuronGradient } from '../neuron/neuron-gradient.js';
import { NeuronIntegratedGradients } from '../neuron/neuron-integrated-gradients.js';
import { NeuronConductance } from '../neuron/neuron-conductance.js';
import { LayerGradient } from '../layer/layer-gradient.js';
import { LayerConductance } from '../layer/layer-conductance.js';
import { inputsTensor, loadFixture, loadGraphJson } from './fixtures.js';
import { nchwToNhwc, poolGraph, randTensor } from './cnn-models.js';

function withGraph(graph: Graph): Model {
  const m = createReferenceModel(graph);
  return 'graph' in m ? m : (Object.create(m, { graph: { value: graph } }) as Model);
}

const f = loadFixture('mlp_tabular');
const graph = graphFromJSON(loadGraphJson('mlp_tabular'));
const model = withGraph(graph);
const x = inputsTensor(f);
const baselines = { shape: [10], data: Float32Array.from(f.baselines.nonzero) };

async function neuronValue(m: Model, xs: { shape: readonly number[]; data: Float32Array }, layer: string, j: number): Promise<number[]> {
  const a = await m.activations(xs, [layer]);
  const t = a.layers[layer]!;
  const per = t.data.length / t.shape[0]!;
  return Array.from({ length: t.shape[0]! }, (_, i) => t.data[i * per + j]!);
}

describe('NeuronGradient', () => {
  it.each([
    ['fc2', 7],
    ['relu2', 3],
    ['fc3', 1],
  ] as const)('matches central finite differences at %s[%i]', async (layer, j) => {
    const res = await new NeuronGradient(model).attribute(x, { layer, neuron: j });
    expect(res.method).toBe('neuron-gradient');
    expect(res.targets).toEqual([-1, -1, -1, -1]);
    // float32 central differences: h balances rounding (~1e-7/h) against ReLU kinks within ±h
    const h = 2e-3;
    for (const k of [0, 4, 9]) {
      const plus = Float32Array.from(x.data);
      const minus = Float32Array.from(x.data);
      for (let i = 0; i < 4; i++) {
        plus[i * 10 + k] += h;
        minus[i * 10 + k] -= h;
      }
      const fp = await neuronValue(model, { shape: x.shape, data: plus }, layer, j);
      const fm = await neuronValue(model, { shape: x.shape, data: minus }, layer, j);
      for (let i = 0; i < 4; i++) expect(Math.abs((fp[i]! - fm[i]!) / (2 * h) - res.attributions.data[i * 10 + k]!)).toBeLessThan(1e-4);
    }
    expect(Math.max(...res.attributions.data.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('multi-index selector on a conv layer equals the flat index; both layouts agree', async () => {
    const nchw = withGraph(poolGraph('NCHW'));
    const nhwc = withGraph(poolGraph('NHWC'));
    const x0 = randTensor([2, 1, 6, 6], 4);
    const a = await new NeuronGradient(nchw).attribute(x0, { layer: 'conv2', neuron: [1, 0, 1] });
    const b = await new NeuronGradient(nchw).attribute(x0, { layer: 'conv2', neuron: 1 * 4 + 0 * 2 + 1 });
    expect(a.attributions.data).toEqual(b.attributions.data);
    const c = await new NeuronGradient(nhwc).attribute(nchwToNhwc(x0), { layer: 'conv2', neuron: [0, 1, 1] });
    // the input has one channel, so the NHWC and NCHW inputs share their data order
    const worst = Math.max(...a.attributions.data.map((v, k) => Math.abs(v - c.attributions.data[k]!)));
    expect(worst).toBeLessThan(1e-6);
  });

  it('the canonizer does not change the model', async () => {
    await new NeuronGradient(model).attribute(x, { layer: 'fc1', neuron: 0 });
    const out = await model.forward(x);
    f.outputs.float32.forEach((row, i) => row.forEach((v, k) => expect(Math.abs(out.data[i * 3 + k]! - v)).toBeLessThan(1e-6)));
  });

  it('typed errors', async () => {
    await expect(new NeuronGradient(model).attribute(x, { layer: 'fc1', neuron: 64 })).rejects.toThrow(InvalidArgumentError);
    await expect(new NeuronGradient(model).attribute(x, { layer: 'fc1', neuron: [1, 2] })).rejects.toThrow(/needs 1 indices/);
    await expect(new NeuronGradient(model).attribute(x, { layer: 'zz', neuron: 0 })).rejects.toThrow(/valid layers/);
    const noRules = Object.create(model, { capabilities: { value: { gradients: true, layers: true, rules: false } } }) as Model;
    await expect(new NeuronGradient(noRules).attribute(x, { layer: 'fc1', neuron: 0 })).rejects.toThrow(CapabilityError);
  });
});

describe('NeuronIntegratedGradients', () => {
  it('completeness: Σ attr ≈ a_j(x) − a_j(x′); chunking invariant', async () => {
    const res = await new NeuronIntegratedGradients(model).attribute(x, { layer: 'fc2', neuron: 11, baselines, steps: 256 });
    for (const d of res.delta!) expect(Math.abs(d)).toBeLessThan(1e-3);
    const ch = await new NeuronIntegratedGradients(model).attribute(x, { layer: 'fc2', neuron: 11, baselines, steps: 256, internalBatchSize: 100 });
    expect(ch.attributions.data).toEqual(res.attributions.data);
    // before any nonlinearity the neuron is linear: exact with one step
    const lin = await new NeuronIntegratedGradients(model).attribute(x, { layer: 'fc1', neuron: 5, baselines, steps: 1 });
    for (const d of lin.delta!) expect(Math.abs(d)).toBeLessThan(1e-6);
  });
});

describe('NeuronConductance', () => {
  it('one right-Riemann step = (x − x′) ⊙ ∂F/∂a_j(x) · ∂a_j/∂x(x)', async () => {
    const res = await new NeuronConductance(model).attribute(x, { layer: 'relu1', neuron: 3, target: 2, baselines, steps: 1, quadrature: 'riemann_right' });
    const lg = await new LayerGradient(model).attribute(x, { layer: 'relu1', target: 2 });
    const ng = await new NeuronGradient(model).attribute(x, { layer: 'relu1', neuron: 3 });
    for (let i = 0; i < 4; i++)
      for (let k = 0; k < 10; k++) {
        const want = (x.data[i * 10 + k]! - baselines.data[k]!) * lg.attributions.data[i * 64 + 3]! * ng.attributions.data[i * 10 + k]!;
        expect(Math.abs(res.attributions.data[i * 10 + k]! - want)).toBeLessThan(1e-7);
      }
  });

  it('summed over the inputs ≈ the layer conductance of the neuron', async () => {
    const layer = 'fc2';
    const lc = await new LayerConductance(model).attribute(x, { layer, target: 0, baselines, steps: 300 });
    for (const j of [2, 20]) {
      const nc = await new NeuronConductance(model).attribute(x, { layer, neuron: j, target: 0, baselines, steps: 300, internalBatchSize: 400 });
      for (let i = 0; i < 4; i++) {
        const total = nc.attributions.data.subarray(i * 10, i * 10 + 10).reduce((a, b) => a + b, 0);
        expect(Math.abs(total - lc.attributions.data[i * 64 + j]!)).toBeLessThan(2e-3);
      }
    }
  });
});

describe('METHODS neuron entries', () => {
  it('run with layer and neuron, need both', async () => {
    const { METHODS } = await import('../registry.js');
    for (const id of ['neuron-gradient', 'neuron-integrated-gradients', 'neuron-conductance']) {
      const res = await METHODS[id]!.run(model, x, { layer: 'fc2', neuron: 3, steps: 4, target: 1 });
      expect(res.method).toBe(id);
      expect(res.attributions.shape).toEqual([4, 10]);
      await expect(METHODS[id]!.run(model, x, { layer: 'fc2' })).rejects.toThrow(/needs a neuron/);
    }
  });
});
