/**
 * The bundled transformer (transformer/, made by scripts/train-transformer.mjs) is the model the
 * attention methods are tested on: check the committed samples are the generator's, the model is
 * right on fresh sequences (a seed never used in training), and its attention nodes are found.
 * The TensorFlow.js LayersModel (transformer/tfjs/) holds the same weights: imported by
 * @glasswing/tfjs and loaded by tfjs-layers itself, it computes what the ONNX file computes in
 * ONNX Runtime.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { argmaxRows, createReferenceModel, findAttentionNodes, graphFromJSON } from '@glasswing/core';
import { fromOnnx } from '@glasswing/onnx';
import { importLayersModel, loadLayersArtifacts } from '@glasswing/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEQ, VOCAB, makeDataset, prng, tokensToOneHot } from '../scripts/transformer-data.mjs';

const DIR = new URL('../transformer/', import.meta.url);
const META = JSON.parse(readFileSync(new URL('meta.json', DIR), 'utf8'));
const graph = graphFromJSON(JSON.parse(readFileSync(new URL('model.graph.json', DIR), 'utf8')));

describe('bundled transformer', () => {
  it('meta.json holds the generator samples and vocabulary', () => {
    const s = makeDataset(32, 5);
    expect(META.samples.tokens).toEqual(s.tokens);
    expect(META.samples.markers).toEqual(s.markers);
    expect(META.vocab).toEqual(VOCAB);
    // Exactly one marker per sequence, at the recorded position; its identity is the label.
    s.tokens.forEach((row, i) => {
      expect(row.filter((t) => t === 1 || t === 2)).toEqual([1 + s.labels[i]]);
      expect(row[s.markers[i]]).toBe(1 + s.labels[i]);
    });
  });

  it('classifies fresh sequences (seed 9) by their marker', async () => {
    const d = makeDataset(200, 9);
    const model = createReferenceModel(graph);
    const out = await model.forward({ shape: [200, SEQ, VOCAB.length], data: tokensToOneHot(d.tokens) });
    const pred = argmaxRows(out);
    expect(pred.filter((p, i) => p === d.labels[i]).length).toBeGreaterThanOrEqual(196);
  });

  it('has four attention Softmaxes in two layers, named in meta.json', () => {
    expect(findAttentionNodes(graph).map((n) => `${n.name}@${n.layer}`)).toEqual(META.attentionNodes.map((n, i) => `${n}@${i < 2 ? 0 : 1}`));
  });
});

describe('bundled transformer as a TensorFlow.js LayersModel (transformer/tfjs)', () => {
  const TFJS = fileURLToPath(new URL('tfjs/model.json', DIR));
  const d = makeDataset(64, 11);
  const onehot = { shape: [64, SEQ, VOCAB.length], data: tokensToOneHot(d.tokens) };
  // Off the one-hot corner too (interpolation paths and baselines feed such inputs): seeded uniform.
  const rand = prng(13);
  const dense = { shape: [16, SEQ, VOCAB.length], data: Float32Array.from({ length: 16 * SEQ * VOCAB.length }, () => rand()) };
  let ort;
  let artifacts;
  beforeAll(async () => {
    ort = await fromOnnx(new Uint8Array(readFileSync(new URL('model.onnx', DIR))), { runtime: 'onnx-node' });
    artifacts = await loadLayersArtifacts(TFJS);
  });
  afterAll(async () => ort?.dispose());

  const close = (a, b) => {
    expect(a.shape).toEqual(b.shape);
    const worst = Array.from(a.data).reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i])), 0);
    expect(worst).toBeLessThan(1e-5);
  };

  it('imported by @glasswing/tfjs, predicts what the ONNX file predicts in ONNX Runtime', async () => {
    const model = createReferenceModel(importLayersModel(artifacts));
    for (const x of [onehot, dense]) close(await model.forward(x), await ort.forward(x));
    const pred = argmaxRows(await model.forward(onehot));
    expect(pred.filter((p, i) => p === d.labels[i]).length).toBeGreaterThanOrEqual(62);
  });

  it('loaded by tfjs-layers (tf.loadLayersModel), predicts what the ONNX file predicts in ONNX Runtime', async () => {
    await tf.setBackend('cpu');
    const keras = await tfl.loadLayersModel({ load: async () => artifacts });
    expect(keras.layers.map((l) => l.getClassName())).not.toContain('Lambda');
    for (const x of [onehot, dense]) {
      const y = tf.tidy(() => keras.predict(tf.tensor(x.data, x.shape)));
      const got = { shape: y.shape, data: await y.data() };
      y.dispose();
      close(got, await ort.forward(x));
    }
    keras.dispose();
  });

  it('has the four attention Softmaxes of the ONNX file, same names and layers', () => {
    const g = importLayersModel(artifacts);
    expect(findAttentionNodes(g).map((n) => `${n.name}@${n.layer}:${n.heads}x${n.queries}x${n.keys}`)).toEqual(META.attentionNodes.map((n, i) => `${n}@${i < 2 ? 0 : 1}:1x10x10`));
  });
});
