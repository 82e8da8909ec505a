/**
 * Gradients of imported graph models: the reference executor's input gradient (a random output
 * seed) matches central finite differences of its own forward pass; the tfjs cpu and wasm models
 * give the reference gradient; layer activations match tfjs-converter's intermediate outputs for
 * every TF node that keeps its IR node.
 */
import type * as tfc from '@tensorflow/tfjs-converter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceModel, type Graph, type Model } from '@glasswing/core';
import * as tf from '@tensorflow/tfjs-core';
import { createTfjsModel, importGraphModel, initTfjsBackend, loadGraphModelArtifacts } from '../../src/index.js';
import { BACKENDS, expectClose, randomTensor, rng } from '../helpers.js';
import { GENERATED, converterModel, converterTwin, finiteDifference, fixturePath, readFixture, type GeneratedModel } from './helpers.js';

const graphs = new Map<GeneratedModel, Graph>();
beforeAll(async () => {
  for (const name of GENERATED) graphs.set(name, importGraphModel(await loadGraphModelArtifacts(fixturePath(name))));
});

const outSize = (m: Model) => m.outputShape.reduce((a, b) => a * b, 1);

describe('input gradients vs central finite differences (reference executor)', () => {
  for (const name of GENERATED) {
    it(name, async () => {
      const model = createReferenceModel(graphs.get(name)!);
      const x = randomTensor([2, ...model.inputShape], 31);
      const seed = randomTensor([2, outSize(model)], 32);
      const g = (await model.gradient(x, { seed: { kind: 'tensor', seed } })).inputGradient;
      const r = rng(33);
      const coords = Array.from({ length: 24 }, () => Math.floor(r() * x.data.length));
      const fd = await finiteDifference(model, x, seed, coords, 1e-3);
      const scale = Math.max(...Array.from(g.data, Math.abs));
      expect(scale).toBeGreaterThan(1e-4);
      coords.forEach((c, i) => {
        expect(Math.abs(g.data[c]! - fd[i]!), `coordinate ${c}: gradient ${g.data[c]} vs finite difference ${fd[i]}`).toBeLessThan(2e-3 * scale + 2e-2 * Math.abs(fd[i]!));
      });
    });
  }
});

describe.each(BACKENDS)('tfjs-%s gradients equal the reference executor', (backend) => {
  beforeAll(async () => {
    await initTfjsBackend(backend);
  });
  for (const name of GENERATED) {
    it(name, async () => {
      const before = tf.memory().numTensors;
      const graph = graphs.get(name)!;
      const model = await createTfjsModel(graph, { backend });
      const reference = createReferenceModel(graph);
      const x = randomTensor([3, ...model.inputShape], 34);
      const seed = randomTensor([3, outSize(model)], 35);
      const layer = graph.nodes[Math.floor(graph.nodes.length / 2)]!.name;
      const request = { seed: { kind: 'tensor' as const, seed }, layers: [layer] };
      const [ours, ref] = [await model.gradient(x, request), await reference.gradient(x, request)];
      expectClose(ours.inputGradient, ref.inputGradient, 1e-4, 1e-5);
      expectClose(ours.layers[layer]!.gradient, ref.layers[layer]!.gradient, 1e-4, 1e-5);
      expectClose(ours.layers[layer]!.activation, ref.layers[layer]!.activation, 1e-5, 1e-5);
      await model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('layer activations match tfjs-converter intermediate outputs', () => {
  const converters = new Map<GeneratedModel, tfc.GraphModel>();
  beforeAll(async () => {
    await initTfjsBackend('cpu');
    for (const name of GENERATED) converters.set(name, await converterModel(readFixture(converterTwin(name))));
  });
  afterAll(() => {
    for (const m of converters.values()) m.dispose();
  });
  for (const name of GENERATED.filter((n) => n !== 'fused_batchnorm')) {
    it(name, async () => {
      const graph = graphs.get(name)!;
      const model = createReferenceModel(graph);
      const tfNames = new Set(readFixture(name).json.modelTopology.node.map((n) => n.name));
      const layers = graph.nodes.map((n) => n.name).filter((n) => tfNames.has(n));
      expect(layers.length).toBeGreaterThan(4);
      const x = randomTensor([2, ...model.inputShape], 36);
      const ours = await model.activations(x, layers);
      const conv = converters.get(name)!;
      tf.tidy(() => {
        const outs = conv.execute(tf.tensor(x.data, [...x.shape]), layers) as tf.Tensor[];
        layers.forEach((l, i) => {
          const t = outs[i]!;
          expectClose(ours.layers[l]!, { shape: t.shape, data: t.dataSync() as Float32Array }, 1e-5, 1e-5);
        });
      });
    });
  }
});
