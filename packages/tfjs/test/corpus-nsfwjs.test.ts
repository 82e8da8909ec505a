/**
 * Model-compatibility corpus: the pretrained moderation models that the `nsfwjs` npm package ships
 * (Keras MobileNetV2 224×224 and InceptionV3 299×299, tfjs LayersModels with uint8-quantized
 * weights), loaded as published. Each must predict what nsfwjs itself predicts (its own
 * tfjs-layers runtime, on the same tfjs backend) to 1e-5.
 */
import * as tf from '@tensorflow/tfjs';
import * as nsfwjs from 'nsfwjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph, Model, Tensor } from '@glasswing/core';
import { createTfjsModel, importLayersModel, initTfjsBackend } from '../src/index.js';
import { loadNsfwModel, NSFW_MODELS, type NsfwModelId } from './corpus/nsfwjs.js';
import { expectClose, rng } from './helpers.js';

const NSFW_NAMES: Readonly<Record<NsfwModelId, 'MobileNetV2' | 'InceptionV3'>> = { mobilenet_v2: 'MobileNetV2', inception_v3: 'InceptionV3' };

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

interface Loaded {
  readonly graph: Graph;
  readonly model: Model;
  /** The model input nsfwjs feeds for `photo` (pixels / 255, as nsfwjs computes them), [1, H, W, 3]. */
  readonly input: Tensor;
  /** nsfwjs' own class probabilities for that photo. */
  readonly expected: Tensor;
}

const loaded = new Map<NsfwModelId, Loaded>();

beforeAll(async () => {
  await initTfjsBackend('wasm');
  for (const id of Object.keys(NSFW_MODELS) as NsfwModelId[]) {
    const { size } = NSFW_MODELS[id];
    const graph = importLayersModel((await loadNsfwModel(id)).artifacts);
    const img = photo(size, 5);
    // nsfwjs' own pipeline: its bundled weights through tf.loadLayersModel, infer = predict(img / 255).
    const net = await nsfwjs.load(NSFW_NAMES[id], { size });
    const probs = net.infer(img) as tf.Tensor;
    const expected: Tensor = { shape: probs.shape, data: Float32Array.from(await probs.data()) };
    const normalized = tf.tidy(() => img.toFloat().div(tf.scalar(255)).reshape([1, size, size, 3]));
    const input: Tensor = { shape: normalized.shape, data: Float32Array.from(await normalized.data()) };
    tf.dispose([probs, normalized, img]);
    net.dispose();
    loaded.set(id, { graph, model: await createTfjsModel(graph, { backend: 'wasm' }), input, expected });
  }
}, 300_000);

afterAll(async () => {
  for (const l of loaded.values()) await l.model.dispose();
});

describe.each(Object.keys(NSFW_MODELS) as NsfwModelId[])('nsfwjs %s', (id) => {
  it('loads as published (uint8-quantized weights, every layer imported)', () => {
    const { graph } = loaded.get(id)!;
    expect(graph.inputs[0]!.shape).toEqual([-1, NSFW_MODELS[id].size, NSFW_MODELS[id].size, 3]);
    expect(graph.metadata).toMatchObject({ source: 'tfjs-layers', keras_version: '2.2.4' });
    if (id === 'mobilenet_v2') {
      expect(graph.nodes.find((n) => n.name === 'Conv1_pad')?.op).toBe('Pad');
      expect(graph.nodes.find((n) => n.name === 'Conv1_relu')).toMatchObject({ op: 'Clip', attrs: { min: 0, max: 6 } });
    }
  });

  it('predicts what nsfwjs (tfjs-layers) predicts, to 1e-5', async () => {
    const { model, input, expected } = loaded.get(id)!;
    const ours = await model.forward(input);
    expectClose(ours, expected, 0, 1e-5);
    expect(ours.data.indexOf(Math.max(...ours.data))).toBe(expected.data.indexOf(Math.max(...expected.data)));
  });
});
