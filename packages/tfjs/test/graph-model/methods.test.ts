/**
 * Attribution methods on imported graph models (default settings, through core's METHODS
 * registry), on the reference executor and tfjs-cpu: Saliency = |∇|, integrated gradients and
 * DeepLIFT complete (Σ attributions = f(x) − f(0)) on the convnet's logits, Grad-CAM on a conv layer
 * equals Σ_c mean(∂F/∂A_c)·A_c computed from the model's own layer tap, LRP-ε conserves relevance
 * on the bias-free ReLU CNN.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { METHODS, createReferenceModel, type Graph, type Model, type Tensor } from '@glasswing/core';
import { createTfjsModel, importGraphModel, initTfjsBackend, loadGraphModelArtifacts } from '../../src/index.js';
import { expectClose, randomTensor } from '../helpers.js';
import { fixturePath } from './helpers.js';

let logits: Graph;
let reluCnn: Graph;
beforeAll(async () => {
  logits = importGraphModel(await loadGraphModelArtifacts(fixturePath('convnet')), { outputName: 'head/logits/BiasAdd' });
  reluCnn = importGraphModel(await loadGraphModelArtifacts(fixturePath('relu_cnn')));
  await initTfjsBackend('cpu');
});

const ADAPTERS = {
  reference: async (g: Graph) => createReferenceModel(g),
  'tfjs-cpu': async (g: Graph) => createTfjsModel(g, { backend: 'cpu' }),
} as const;

function perExample(t: Tensor, n: number): number[] {
  const per = t.data.length / n;
  return Array.from({ length: n }, (_, e) => {
    let s = 0;
    for (let j = 0; j < per; j++) s += t.data[e * per + j]!;
    return s;
  });
}

async function targetOutputs(model: Model, x: Tensor, targets: readonly number[]): Promise<number[]> {
  const y = await model.forward(x);
  const per = y.data.length / x.shape[0]!;
  return targets.map((t, e) => y.data[e * per + t]!);
}

describe.each(Object.keys(ADAPTERS) as (keyof typeof ADAPTERS)[])('methods on %s', (adapter) => {
  const make = ADAPTERS[adapter];
  const targets = [1, 3];

  it('saliency equals |input gradient|', async () => {
    const model = await make(logits);
    const x = randomTensor([2, 9, 9, 3], 51);
    const result = await METHODS['saliency']!.run(model, x, { target: targets });
    const g = (await model.gradient(x, { seed: { kind: 'index', indices: targets } })).inputGradient;
    expectClose(result.attributions, { shape: g.shape, data: g.data.map(Math.abs) }, 1e-6, 1e-7);
    await model.dispose();
  });

  it('integrated gradients (defaults): Σ attributions = f(x) − f(0)', async () => {
    const model = await make(logits);
    const x = randomTensor([2, 9, 9, 3], 52);
    const result = await METHODS['integrated-gradients']!.run(model, x, { target: targets });
    const fx = await targetOutputs(model, x, targets);
    const f0 = await targetOutputs(model, { shape: x.shape, data: new Float32Array(x.data.length) }, targets);
    const sums = perExample(result.attributions, 2);
    sums.forEach((s, e) => expect(Math.abs(s - (fx[e]! - f0[e]!))).toBeLessThan(2e-2 * Math.abs(fx[e]! - f0[e]!) + 1e-4));
    expect(result.delta!.length).toBe(2);
    await model.dispose();
  });

  it('DeepLIFT (defaults, rescale): exact completeness on the logits', async () => {
    const model = await make(logits);
    const x = randomTensor([2, 9, 9, 3], 53);
    const result = await METHODS['deeplift']!.run(model, x, { target: targets });
    const fx = await targetOutputs(model, x, targets);
    const f0 = await targetOutputs(model, { shape: x.shape, data: new Float32Array(x.data.length) }, targets);
    perExample(result.attributions, 2).forEach((s, e) => expect(Math.abs(s - (fx[e]! - f0[e]!))).toBeLessThan(1e-4 * (1 + Math.abs(fx[e]! - f0[e]!))));
    const rc = await METHODS['deeplift']!.run(model, x, { target: targets, rule: 'reveal-cancel' });
    expect(rc.attributions.data.every(Number.isFinite)).toBe(true);
    await model.dispose();
  });

  it('Grad-CAM on a conv layer equals Σ_c mean(∂F/∂A_c)·A_c from the layer tap', async () => {
    const model = await make(logits);
    const x = randomTensor([2, 9, 9, 3], 54);
    const layer = 'block2/Relu';
    const cam = await METHODS['grad-cam']!.run(model, x, { target: targets, layer, attributeToLayer: true });
    const tap = (await model.gradient(x, { seed: { kind: 'index', indices: targets }, layers: [layer] })).layers[layer]!;
    const [n, h, w, c] = tap.activation.shape as [number, number, number, number];
    const expected = new Float32Array(n * h * w);
    for (let e = 0; e < n; e++) {
      for (let ch = 0; ch < c; ch++) {
        let alpha = 0;
        for (let p = 0; p < h * w; p++) alpha += tap.gradient.data[(e * h * w + p) * c + ch]!;
        alpha /= h * w;
        for (let p = 0; p < h * w; p++) expected[e * h * w + p]! += alpha * tap.activation.data[(e * h * w + p) * c + ch]!;
      }
    }
    expectClose(cam.attributions, { shape: [n, h, w, 1], data: expected }, 1e-5, 1e-7);
    const upsampled = await METHODS['grad-cam']!.run(model, x, { target: targets, layer });
    expect(upsampled.attributions.shape).toEqual([2, 9, 9, 1]);
    await model.dispose();
  });

  it('LRP (captum composite, defaults): relevance is conserved on the bias-free ReLU CNN and finite on the convnet', async () => {
    const model = await make(reluCnn);
    const x = randomTensor([2, 8, 8, 2], 55, 0, 1);
    const result = await METHODS['lrp']!.run(model, x, { target: [0, 2] });
    const fx = await targetOutputs(model, x, [0, 2]);
    perExample(result.attributions, 2).forEach((s, e) => expect(Math.abs(s - fx[e]!)).toBeLessThan(1e-4 * (1 + Math.abs(fx[e]!))));
    await model.dispose();
    const conv = await make(logits);
    const r2 = await METHODS['lrp']!.run(conv, randomTensor([2, 9, 9, 3], 56), { target: targets });
    expect(r2.attributions.data.every(Number.isFinite)).toBe(true);
    await conv.dispose();
  });
});
