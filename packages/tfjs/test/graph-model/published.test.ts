/**
 * Model-compatibility corpus, graph models: nsfwjs' bundled MobileNetV2Mid (a published
 * tfjs-converter graph model: _FusedConv2D + Relu6, FusedDepthwiseConv2dNative, AddV2 residuals,
 * AvgPool, Squeeze, _FusedMatMul, Softmax; uint8-quantized weights), loaded as published. It
 * predicts what its own runtime predicts (nsfwjs.load + infer, i.e. tfjs-converter) to 1e-5, and
 * Saliency, integrated gradients, Grad-CAM, DeepLIFT and LRP run with default settings on it
 * (tfjs-wasm), completeness checked where it applies (IG, DeepLIFT on the logits).
 */
import * as tf from '@tensorflow/tfjs';
import * as nsfwjs from 'nsfwjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHODS, type Graph, type Model, type Tensor } from '@glasswing/core';
import { createTfjsModel, defaultMaxBatch, importGraphModel, initTfjsBackend } from '../../src/index.js';
import { expectClose, rng } from '../helpers.js';
import { loadMobileNetV2Mid } from './nsfwjs-mid.js';

const SIZE = 224;
const PREFIX = 'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/MobilenetV2';
const LOGITS = 'StatefulPartitionedCall/sequential/dense/BiasAdd';
const LAST_CONV = `${PREFIX}/Conv_1/Relu6`;

/** A deterministic 0..255 "photo": colour ramps, a disc, pixel noise. */
function photo(seed: number): tf.Tensor3D {
  const r = rng(seed);
  const data = new Float32Array(SIZE * SIZE * 3);
  for (let i = 0; i < SIZE; i++) {
    for (let j = 0; j < SIZE; j++) {
      const disc = (i - 90) ** 2 + (j - 130) ** 2 < 45 ** 2 ? 80 : 0;
      for (let c = 0; c < 3; c++) {
        const v = 30 + (180 * (c === 0 ? i : c === 1 ? j : i + j)) / (2 * SIZE) + disc * (c === 2 ? -1 : 1) + 40 * r();
        data[(i * SIZE + j) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return tf.tensor3d(data, [SIZE, SIZE, 3]);
}

let graph: Graph;
let logitsGraph: Graph;
let model: Model;
let logits: Model;
let input: Tensor;
let expected: Tensor;

beforeAll(async () => {
  await initTfjsBackend('wasm');
  const published = await loadMobileNetV2Mid();
  graph = importGraphModel(published.artifacts);
  logitsGraph = importGraphModel(published.artifacts, { outputName: LOGITS });
  // nsfwjs' own pipeline: its bundled model through tf.loadGraphModel, infer = predict(img / 255).
  const net = await nsfwjs.load('MobileNetV2Mid');
  const img = photo(7);
  const probs = net.infer(img) as tf.Tensor;
  expected = { shape: probs.shape, data: Float32Array.from(await probs.data()) };
  const normalized = tf.tidy(() => img.toFloat().div(tf.scalar(255)).reshape([1, SIZE, SIZE, 3]));
  input = { shape: normalized.shape, data: Float32Array.from(await normalized.data()) };
  tf.dispose([probs, normalized, img]);
  net.dispose();
  model = await createTfjsModel(graph, { backend: 'wasm' });
  logits = await createTfjsModel(logitsGraph, { backend: 'wasm' });
}, 300_000);

afterAll(async () => {
  await model?.dispose();
  await logits?.dispose();
});

const sum = (t: Tensor): number => t.data.reduce((a, b) => a + b, 0);
const maxOf = (t: Tensor): number => t.data.reduce((a, b) => Math.max(a, b), -Infinity);

describe('nsfwjs MobileNetV2Mid (published graph model)', () => {
  it('loads as published: every node imported, quantized weights, NHWC, TF node names as layers', () => {
    expect(defaultMaxBatch(graph)).toBe(1); // 72 MB of activations per example: gradient chunks of one
    expect(graph.inputs).toEqual([{ name: 'input', shape: [-1, SIZE, SIZE, 3] }]);
    expect(graph.metadata).toMatchObject({ source: 'tfjs-graph', converted_by: 'TensorFlow.js Converter v1.7.4r1' });
    const ops = new Set(graph.nodes.map((n) => n.op));
    expect([...ops].sort()).toEqual(['Add', 'AveragePool', 'Clip', 'Conv', 'Gemm', 'Identity', 'Mul', 'Softmax', 'Squeeze', 'Sub']);
    expect(graph.nodes.filter((n) => n.op === 'Conv' && Number(n.attrs['group']) > 1)).toHaveLength(17);
    expect(graph.nodes.find((n) => n.name === LAST_CONV)).toMatchObject({ op: 'Clip', attrs: { min: 0, max: 6 } });
  });

  it("predicts what nsfwjs' own runtime (tfjs-converter) predicts, to 1e-5", async () => {
    const ours = await model.forward(input);
    expectClose(ours, expected, 0, 1e-5);
    expect(ours.data.indexOf(maxOf(ours))).toBe(expected.data.indexOf(maxOf(expected)));
  });

  it('saliency (defaults)', async () => {
    const r = await METHODS['saliency']!.run(model, input, {});
    expect(r.attributions.shape).toEqual([1, SIZE, SIZE, 3]);
    expect(r.attributions.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(maxOf(r.attributions)).toBeGreaterThan(0);
  });

  it('integrated gradients (defaults) on the probabilities and the logits: Σ attributions = f(x) − f(0)', async () => {
    for (const m of [model, logits]) {
      const r = await METHODS['integrated-gradients']!.run(m, input, {});
      const t = r.targets[0]!;
      const fx = (await m.forward(input)).data[t]!;
      const f0 = (await m.forward({ shape: input.shape, data: new Float32Array(input.data.length) })).data[t]!;
      expect(Math.abs(sum(r.attributions) - (fx - f0))).toBeLessThan(0.05 * Math.abs(fx - f0) + 1e-3);
      expect(Math.abs(r.delta![0]!)).toBeLessThan(0.05 * Math.abs(fx - f0) + 1e-3);
    }
  }, 300_000);

  it('Grad-CAM (defaults) on the last conv layer', async () => {
    const r = await METHODS['grad-cam']!.run(model, input, { layer: LAST_CONV });
    expect(r.attributions.shape).toEqual([1, SIZE, SIZE, 1]);
    expect(r.attributions.data.every(Number.isFinite)).toBe(true);
    const atLayer = await METHODS['grad-cam']!.run(model, input, { layer: LAST_CONV, attributeToLayer: true });
    expect(atLayer.attributions.shape).toEqual([1, 7, 7, 1]);
  });

  it('DeepLIFT (defaults): complete on the logits; runs on the probabilities', async () => {
    const r = await METHODS['deeplift']!.run(logits, input, {});
    const t = r.targets[0]!;
    const fx = (await logits.forward(input)).data[t]!;
    const f0 = (await logits.forward({ shape: input.shape, data: new Float32Array(input.data.length) })).data[t]!;
    expect(Math.abs(sum(r.attributions) - (fx - f0))).toBeLessThan(1e-3 * (1 + Math.abs(fx - f0)));
    const p = await METHODS['deeplift']!.run(model, input, {});
    expect(p.attributions.data.every(Number.isFinite)).toBe(true);
  }, 300_000);

  it('LRP (defaults, captum composite)', async () => {
    const r = await METHODS['lrp']!.run(model, input, {});
    expect(r.attributions.data.every(Number.isFinite)).toBe(true);
    expect(r.delta).toBeDefined();
    expect(sum(r.attributions)).not.toBe(0);
  }, 300_000);
});
