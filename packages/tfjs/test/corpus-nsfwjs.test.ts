/**
 * Model-compatibility corpus: the pretrained moderation models that the `nsfwjs` npm package ships
 * (Keras MobileNetV2 224×224 and InceptionV3 299×299, tfjs LayersModels with uint8-quantized
 * weights), loaded as published. Each must predict what nsfwjs itself predicts (its own
 * tfjs-layers runtime, on the same tfjs-wasm backend) to 1e-5, have input gradients that match
 * finite differences, and run Saliency, IntegratedGradients, Grad-CAM on the last convolutional
 * block, DeepLIFT (completeness to 1e-4 of the logit change) and LRP on its logits.
 *
 * Runtime on 2 cores: about 55 s for the file (batch 1; IG with 8 / 4 steps). The two models are loaded and disposed one after the other to bound memory.
 */
import * as tf from '@tensorflow/tfjs';
import * as nsfwjs from 'nsfwjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeepLift, GradCam, IntegratedGradients, Lrp, Saliency, type Graph, type Model, type Tensor } from '@glasswing/core';
import { createTfjsModel, importLayersModel, initTfjsBackend } from '../src/index.js';
import { loadNsfwModel, NSFW_MODELS, type NsfwModelId } from './corpus/nsfwjs.js';
import { expectClose, rng } from './helpers.js';

interface Case {
  readonly id: NsfwModelId;
  readonly nsfwName: 'MobileNetV2' | 'InceptionV3';
  /** The last convolutional block (Grad-CAM's layer). */
  readonly lastConv: string;
  readonly lastConvShape: readonly number[];
  readonly igSteps: number;
  readonly igBatch: number;
}

const CASES: readonly Case[] = [
  { id: 'mobilenet_v2', nsfwName: 'MobileNetV2', lastConv: 'out_relu', lastConvShape: [7, 7, 1280], igSteps: 8, igBatch: 4 },
  // Batch 1 keeps InceptionV3's gradient within the wasm heap.
  { id: 'inception_v3', nsfwName: 'InceptionV3', lastConv: 'mixed10', lastConvShape: [8, 8, 2048], igSteps: 4, igBatch: 1 },
];

/** A deterministic 0..255 integer "photo": smooth colour ramps, a disc and pixel noise. */
function photo(size: number, seed: number): tf.Tensor3D {
  const r = rng(seed);
  const data = new Float32Array(size * size * 3);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const disc = (i - size * 0.4) ** 2 + (j - size * 0.6) ** 2 < (size * 0.2) ** 2 ? 90 : 0;
      for (let c = 0; c < 3; c++) {
        const v = 40 + (160 * (c === 0 ? i : c === 1 ? j : i + j)) / (2 * size) + disc * (c === 1 ? -1 : 1) + 30 * r();
        data[(i * size + j) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return tf.tensor3d(data, [size, size, 3]);
}

/** The graph up to the input of its final Softmax (the class logits; DeepLIFT and LRP attribute these). */
function logitsGraph(g: Graph): Graph {
  const last = g.nodes[g.nodes.length - 1]!;
  expect(last.op).toBe('Softmax');
  return { ...g, name: `${g.name}_logits`, nodes: g.nodes.slice(0, -1), outputs: [last.inputs[0]!] };
}

const sum = (t: Tensor): number => t.data.reduce((a, b) => a + b, 0);
const finiteAndNonZero = (t: Tensor): void => {
  expect(t.data.every(Number.isFinite)).toBe(true);
  expect(t.data.some((v) => v !== 0)).toBe(true);
};

describe.each(CASES)('nsfwjs $id', (c) => {
  const { size } = NSFW_MODELS[c.id];
  let graph: Graph;
  let model: Model;
  let logits: Model;
  /** The model input nsfwjs feeds for the photo (pixels / 255, as nsfwjs computes them), [1, H, W, 3]. */
  let input: Tensor;
  /** nsfwjs' own class probabilities for that photo. */
  let expected: Tensor;
  let target: number;

  beforeAll(async () => {
    await initTfjsBackend('wasm');
    graph = importLayersModel((await loadNsfwModel(c.id)).artifacts);
    const img = photo(size, 5);
    // nsfwjs' own pipeline: its bundled weights through tf.loadLayersModel, infer = predict(img / 255).
    const net = await nsfwjs.load(c.nsfwName, { size });
    const probs = net.infer(img) as tf.Tensor;
    expected = { shape: probs.shape, data: Float32Array.from(await probs.data()) };
    const normalized = tf.tidy(() => img.toFloat().div(tf.scalar(255)).reshape([1, size, size, 3]));
    input = { shape: normalized.shape, data: Float32Array.from(await normalized.data()) };
    tf.dispose([probs, normalized, img]);
    net.dispose();
    model = await createTfjsModel(graph, { backend: 'wasm' });
    logits = await createTfjsModel(logitsGraph(graph), { backend: 'wasm' });
    target = expected.data.indexOf(Math.max(...expected.data));
  }, 300_000);

  afterAll(async () => {
    await model?.dispose();
    await logits?.dispose();
  });

  it('loads as published (uint8-quantized weights, every layer imported)', () => {
    expect(graph.inputs[0]!.shape).toEqual([-1, size, size, 3]);
    expect(graph.metadata).toMatchObject({ source: 'tfjs-layers', keras_version: '2.2.4' });
    expect(model.layerNames).toContain(c.lastConv);
    if (c.id === 'mobilenet_v2') {
      expect(graph.nodes.find((n) => n.name === 'Conv1_pad')?.op).toBe('Pad');
      expect(graph.nodes.find((n) => n.name === 'Conv1_relu')).toMatchObject({ op: 'Clip', attrs: { min: 0, max: 6 } });
    }
  });

  it('predicts what nsfwjs (tfjs-layers) predicts, to 1e-5', async () => {
    const ours = await model.forward(input);
    expectClose(ours, expected, 0, 1e-5);
    expect(ours.data.indexOf(Math.max(...ours.data))).toBe(target);
  });

  it('its input gradient matches a central finite difference along the gradient direction', async () => {
    // (Also checked once by hand against tf.grad through the tfjs-layers model on tfjs-cpu: max |diff|
    // 7e-8 for gradients up to 0.04 on MobileNetV2; too slow to repeat here, 45 s.)
    const g = await logits.gradient(input, { seed: { kind: 'index', indices: [target] } });
    const norm = Math.sqrt(g.inputGradient.data.reduce((acc, v) => acc + v * v, 0));
    const eps = 1e-2; // in L2 norm over the whole image: ~3e-5 per pixel, so few kinks are crossed
    const step = (s: number): Float32Array => Float32Array.from(input.data, (x, i) => x + (s * eps * g.inputGradient.data[i]!) / norm);
    const both = await logits.forward({ shape: [2, size, size, 3], data: Float32Array.from([...step(1), ...step(-1)]) });
    const k = both.data.length / 2;
    const fd = (both.data[target]! - both.data[k + target]!) / (2 * eps);
    expect(norm).toBeGreaterThan(1e-2);
    expect(Math.abs(fd - norm)).toBeLessThan(0.03 * norm);
  });

  it('Saliency is |∂ logit / ∂ input|', async () => {
    const s = await new Saliency(logits).attribute(input, { target });
    const g = await logits.gradient(input, { seed: { kind: 'index', indices: [target] } });
    expect(s.attributions.shape).toEqual(input.shape);
    expectClose(s.attributions, { shape: input.shape, data: g.inputGradient.data.map(Math.abs) }, 1e-6, 1e-9);
    finiteAndNonZero(s.attributions);
  });

  it('IntegratedGradients (few steps): Σ attributions approaches the logit change', async () => {
    const ig = await new IntegratedGradients(logits).attribute(input, { target, steps: c.igSteps, internalBatchSize: c.igBatch });
    finiteAndNonZero(ig.attributions);
    const change = sum(ig.attributions) - ig.delta![0]!; // f(x) − f(0)
    const atZero = await logits.forward({ shape: input.shape, data: new Float32Array(input.data.length) });
    expect(change).toBeCloseTo(ig.outputs.data[target]! - atZero.data[target]!, 3);
    // A coarse quadrature on a deep ReLU network (a tight delta needs far more steps): within half the
    // change; the delta is exactly what the quadrature leaves.
    expect(Math.abs(ig.delta![0]!)).toBeLessThan(0.5 * Math.abs(change));
  });

  it('Grad-CAM on the last convolutional block', async () => {
    const layer = await new GradCam(logits).attribute(input, { target, layer: c.lastConv, relu: true, attributeToLayer: true });
    expect(layer.attributions.shape).toEqual([1, ...c.lastConvShape.slice(0, 2), 1]);
    expect(layer.attributions.data.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
    expect(Math.max(...layer.attributions.data)).toBeGreaterThan(0);
    const full = await new GradCam(logits).attribute(input, { target, layer: c.lastConv, relu: true });
    expect(full.attributions.shape).toEqual([1, size, size, 1]);
  });

  it('DeepLIFT (rescale, zero baseline) is complete: Σ attributions = logit(x) − logit(0)', async () => {
    const dl = await new DeepLift(logits).attribute(input, { target });
    finiteAndNonZero(dl.attributions);
    const atZero = await logits.forward({ shape: input.shape, data: new Float32Array(input.data.length) });
    const change = dl.outputs.data[target]! - atZero.data[target]!;
    expect(Math.abs(sum(dl.attributions) - change)).toBeLessThan(1e-4 * Math.max(1, Math.abs(change)));
    expect(Math.abs(dl.delta![0]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(change)));
  });

  it('LRP (Captum composite) gives a finite, non-trivial relevance map', async () => {
    const lrp = await new Lrp(logits).attribute(input, { target });
    expect(lrp.attributions.shape).toEqual(input.shape);
    finiteAndNonZero(lrp.attributions);
  });
});
