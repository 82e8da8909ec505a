/**
 * Merge, shape, normalization and identity layers, nested models, and the layers tfjs-layers lacks
 * (ZeroPadding1D, Cropping1D, UpSampling1D, Normalization, GRU reset_after, Keras 3 activations):
 * those against hand-computed references.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReferenceModel, type Tensor } from '@glasswing/core';
import { importLayersModel, initTfjsBackend, type LayersArtifacts } from '../../src/index.js';
import { expectClose, randomTensor } from '../helpers.js';
import { checkFiniteDifferences, compareLayers, compareWithTfjs, randomizeWeights, saveArtifacts } from './compare.js';

beforeAll(async () => {
  await initTfjsBackend('cpu');
});

function threeBranch(merge: (xs: tf.SymbolicTensor[]) => tf.SymbolicTensor, shape: number[] = [5]): tf.LayersModel {
  const input = tf.input({ shape });
  const a = tf.layers.dense({ units: 4, activation: 'tanh' }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
  const c = tf.layers.dense({ units: 4, activation: 'sigmoid' }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: merge([a, b, c]) });
  randomizeWeights(model, 21);
  return model;
}

describe('merge layers', () => {
  it('Add, Multiply, Average, Maximum, Minimum, Concatenate', async () => {
    await compareWithTfjs(threeBranch((xs) => tf.layers.add().apply(xs) as tf.SymbolicTensor));
    await compareWithTfjs(threeBranch((xs) => tf.layers.multiply().apply(xs) as tf.SymbolicTensor));
    await compareWithTfjs(threeBranch((xs) => tf.layers.average().apply(xs) as tf.SymbolicTensor));
    await compareWithTfjs(threeBranch((xs) => tf.layers.maximum().apply(xs) as tf.SymbolicTensor));
    await compareWithTfjs(threeBranch((xs) => tf.layers.minimum().apply(xs) as tf.SymbolicTensor));
    await compareWithTfjs(threeBranch((xs) => tf.layers.concatenate().apply(xs) as tf.SymbolicTensor));
    await compareWithTfjs(threeBranch((xs) => tf.layers.concatenate({ axis: 1 }).apply(xs.slice(0, 2)) as tf.SymbolicTensor));
  });

  it('Dot on vectors (plain and normalised) and on sequences (attention scores)', async () => {
    await compareWithTfjs(threeBranch((xs) => tf.layers.dot({ axes: 1 }).apply(xs.slice(0, 2)) as tf.SymbolicTensor));
    await compareWithTfjs(threeBranch((xs) => tf.layers.dot({ axes: -1, normalize: true }).apply(xs.slice(1)) as tf.SymbolicTensor));
    const input = tf.input({ shape: [3, 4] });
    const q = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
    const k = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
    const scores = tf.layers.dot({ axes: [2, 2] }).apply([q, k]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.softmax({ axis: -1 }).apply(scores) as tf.SymbolicTensor });
    randomizeWeights(model, 5);
    await compareWithTfjs(model);
  });
});

describe('shape, normalization and identity layers', () => {
  it('Flatten (both data formats), Reshape, Permute', async () => {
    await compareLayers([3, 4, 2], [tf.layers.flatten({}), tf.layers.dense({ units: 3 })]);
    await compareLayers([2, 3, 4], [tf.layers.flatten({ dataFormat: 'channelsFirst' }), tf.layers.dense({ units: 3 })]);
    await compareLayers([12], [tf.layers.reshape({ targetShape: [3, 4] }), tf.layers.permute({ dims: [2, 1] }), tf.layers.flatten()]);
  });

  it('LayerNormalization (last axis, trailing axes, no centre / scale), BatchNormalization, Rescaling', async () => {
    await compareLayers([3, 5], [tf.layers.layerNormalization({ epsilon: 1e-3 })]);
    await compareLayers([3, 5], [tf.layers.layerNormalization({ axis: [1, 2] })]);
    // tfjs-layers cannot run center / scale = false: the same config edited, against beta = 0 / gamma = 1.
    for (const [flag, index, value] of [['center', 1, 0], ['scale', 0, 1]] as const) {
      const ln = tf.sequential({ layers: [tf.layers.layerNormalization({ inputShape: [3, 5] })] });
      randomizeWeights(ln, 9);
      const saved = await saveArtifacts(ln);
      const topology = JSON.parse(JSON.stringify(saved.modelTopology));
      topology.config.layers[0].config[flag] = false;
      ln.setWeights(ln.getWeights().map((w, i) => (i === index ? tf.fill(w.shape, value) : w)));
      await compareWithTfjs(ln, { artifacts: { ...saved, modelTopology: topology } });
    }
    await compareLayers([4, 4, 3], [tf.layers.batchNormalization({})], { seed: 8, lo: 0.1, hi: 0.9 });
    await compareLayers([6], [tf.layers.rescaling({ scale: 1 / 127.5, offset: -1 }), tf.layers.dense({ units: 2 })], { lo: 0, hi: 255, atol: 1e-4 });
  });

  it('Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout, AlphaDropout are identities at inference', async () => {
    const { graph } = await compareLayers(
      [4, 3],
      [
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.spatialDropout1d({ rate: 0.3 }),
        tf.layers.gaussianNoise({ stddev: 1 }),
        tf.layers.gaussianDropout({ rate: 0.4 }),
        tf.layers.alphaDropout({ rate: 0.2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    );
    expect(graph.nodes.filter((n) => n.op === 'Dropout' || n.op === 'Identity')).toHaveLength(5);
  });
});

describe('nested models', () => {
  it('a Sequential and a Functional model used as layers', async () => {
    const innerSeq = tf.sequential({
      name: 'block',
      layers: [tf.layers.dense({ units: 4, inputShape: [5], activation: 'relu', name: 'inner_fc' }), tf.layers.dense({ units: 3, name: 'inner_out' })],
    });
    const outer = tf.sequential({ layers: [tf.layers.dense({ units: 5, inputShape: [6], name: 'pre' }), innerSeq, tf.layers.dense({ units: 2, name: 'head' })] });
    randomizeWeights(outer, 31);
    const { graph } = await compareWithTfjs(outer);
    expect(graph.nodes.find((n) => n.name === 'block')?.op).toBe('Identity');
    expect(graph.nodes.find((n) => n.name === 'inner_fc')).toBeDefined();

    const i = tf.input({ shape: [4] });
    const h = tf.layers.dense({ units: 3, activation: 'tanh', name: 'f_a' }).apply(i) as tf.SymbolicTensor;
    const g = tf.layers.dense({ units: 3, name: 'f_b' }).apply(i) as tf.SymbolicTensor;
    const fn = tf.model({ inputs: i, outputs: tf.layers.add({ name: 'f_sum' }).apply([h, g]) as tf.SymbolicTensor, name: 'residual' });
    const x = tf.input({ shape: [4] });
    const y = tf.layers.dense({ units: 2, name: 'f_head' }).apply(fn.apply(x) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: y });
    randomizeWeights(model, 32);
    const r = await compareWithTfjs(model);
    expect(r.graph.nodes.find((n) => n.name === 'residual')?.op).toBe('Identity');
  });
});

/** A hand-written Keras model.json with one layer on input shape `shape`, weights given. */
function keras(shape: number[], layer: { class_name: string; config: Record<string, unknown> }, weights: Record<string, Tensor> = {}, kerasVersion = '2.15.0'): LayersArtifacts {
  const specs = Object.entries(weights).map(([name, t]) => ({ name: `${String(layer.config['name'])}/${name}`, shape: [...t.shape], dtype: 'float32' }));
  const total = Object.values(weights).reduce((n, t) => n + t.data.length, 0);
  const data = new Float32Array(total);
  let o = 0;
  for (const t of Object.values(weights)) {
    data.set(t.data, o);
    o += t.data.length;
  }
  return {
    modelTopology: {
      class_name: 'Sequential',
      keras_version: kerasVersion,
      config: { name: 'm', layers: [{ class_name: 'InputLayer', config: { name: 'x', batch_input_shape: [null, ...shape] } }, layer] },
    },
    weightSpecs: specs,
    weightData: new Uint8Array(data.buffer),
  };
}

async function run(a: LayersArtifacts, x: Tensor): Promise<Tensor> {
  return createReferenceModel(importLayersModel(a)).forward(x);
}

describe('layers tfjs-layers lacks (hand references)', () => {
  const x = randomTensor([2, 5, 3], 41);
  const at = (n: number, t: number, c: number): number => x.data[(n * 5 + t) * 3 + c]!;

  it('ZeroPadding1D, Cropping1D, UpSampling1D', async () => {
    const pad = await run(keras([5, 3], { class_name: 'ZeroPadding1D', config: { name: 'p', padding: [2, 1] } }), x);
    expect(pad.shape).toEqual([2, 8, 3]);
    expect(pad.data[(0 * 8 + 2) * 3 + 1]).toBe(at(0, 0, 1));
    expect(pad.data[(1 * 8 + 6) * 3 + 2]).toBe(at(1, 4, 2));
    expect(pad.data[(1 * 8 + 7) * 3 + 2]).toBe(0);
    const crop = await run(keras([5, 3], { class_name: 'Cropping1D', config: { name: 'c', cropping: [1, 2] } }), x);
    expect(crop.shape).toEqual([2, 2, 3]);
    expect(crop.data[(1 * 2 + 1) * 3 + 0]).toBe(at(1, 2, 0));
    const up = await run(keras([5, 3], { class_name: 'UpSampling1D', config: { name: 'u', size: 3 } }), x);
    expect(up.shape).toEqual([2, 15, 3]);
    expect(up.data[(1 * 15 + 7) * 3 + 2]).toBe(at(1, 2, 2));
  });

  it('Normalization (adapted weights, config statistics, invert) and Keras 3 activations', async () => {
    const mean: Tensor = { shape: [3], data: Float32Array.of(0.5, -1, 2) };
    const variance: Tensor = { shape: [3], data: Float32Array.of(4, 0.25, 1e-16) }; // √ below Keras' 1e-7 floor
    const count: Tensor = { shape: [], data: Float32Array.of(10) };
    const norm = await run(keras([5, 3], { class_name: 'Normalization', config: { name: 'n', axis: -1 } }, { mean, variance, count }), x);
    for (const [i, v] of norm.data.entries()) {
      const c = i % 3;
      const want = (x.data[i]! - mean.data[c]!) / Math.max(Math.sqrt(variance.data[c]!), 1e-7);
      expect(Math.abs(v - want)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want)));
    }
    const inv = await run(keras([5, 3], { class_name: 'Normalization', config: { name: 'n', axis: -1, mean: [0.5, -1, 2], variance: [4, 0.25, 1], invert: true } }), x);
    expect(inv.data[4]).toBeCloseTo(x.data[4]! * 0.5 - 1, 5);
    // Keras 3's hard_sigmoid is relu6(x + 3) / 6, Keras 2's clip(0.2x + 0.5); here a serialised function object.
    const hs = (v: string) =>
      keras([5, 3], { class_name: 'Activation', config: { name: 'a', activation: { module: 'keras.activations', class_name: 'function', config: 'hard_sigmoid' } } }, {}, v);
    const y = randomTensor([2, 5, 3], 42, -5, 5);
    const k3 = await run(hs('3.3.3'), y);
    const k2 = await run(hs('2.15.0'), y);
    y.data.forEach((v, i) => {
      expect(k3.data[i]).toBeCloseTo(Math.min(1, Math.max(0, v / 6 + 0.5)), 6);
      expect(k2.data[i]).toBeCloseTo(Math.min(1, Math.max(0, 0.2 * v + 0.5)), 6);
    });
  });

  it('ReLU with threshold and negative_slope (tfjs-layers reads only max_value): the Keras backend formula', async () => {
    const y = randomTensor([2, 5, 3], 43, -3, 3);
    // keras.backend.relu: x·[x > t], clipped to [0, max] when max is set, minus slope·relu(t − x).
    const kerasRelu = (v: number, t: number, slope: number, max?: number): number => {
      let p = v > t ? v : 0;
      if (max !== undefined) p = Math.min(Math.max(p, 0), max);
      return p - slope * Math.max(t - v, 0);
    };
    for (const [t, slope, max] of [[0.5, 0.1, 2], [0, 0.2, 3], [-0.5, 0, undefined], [1, 0, undefined], [0.3, 0.25, undefined]] as const) {
      const config: Record<string, unknown> = { name: 'r', threshold: t, negative_slope: slope, max_value: max ?? null };
      // Keep the finite-difference points away from the jump at t and the kinks at 0 and max.
      y.data.forEach((v, i) => {
        for (const c of [t, 0, max ?? t]) if (Math.abs(v - c) < 0.05) y.data[i] = c + 0.2;
      });
      const a = keras([5, 3], { class_name: 'ReLU', config });
      const out = await run(a, y);
      y.data.forEach((v, i) => expect(out.data[i]).toBeCloseTo(kerasRelu(v, t, slope, max), 6));
      await checkFiniteDifferences(createReferenceModel(importLayersModel(a)), y, [2, 5, 3], 6);
    }
  });

  it('GRU with reset_after (the Keras 2 / TF2 default) against a hand-unrolled reference, with gradients', async () => {
    const [f, u, steps] = [3, 2, 5];
    const W = randomTensor([f, 3 * u], 51);
    const R = randomTensor([u, 3 * u], 52);
    const B = randomTensor([2, 3 * u], 53);
    const a = keras(
      [steps, f],
      { class_name: 'GRU', config: { name: 'gru', units: u, reset_after: true, activation: 'tanh', recurrent_activation: 'sigmoid' } },
      { kernel: W, recurrent_kernel: R, bias: B },
    );
    const sig = (v: number): number => 1 / (1 + Math.exp(-v));
    const expected = new Float32Array(2 * u);
    for (let n = 0; n < 2; n++) {
      let h = new Array<number>(u).fill(0);
      for (let t = 0; t < steps; t++) {
        const xw = Array.from({ length: 3 * u }, (_, j) => B.data[j]! + [0, 1, 2].reduce((s, i) => s + at(n, t, i) * W.data[i * 3 * u + j]!, 0));
        const hr = Array.from({ length: 3 * u }, (_, j) => B.data[3 * u + j]! + h.reduce((s, hv, i) => s + hv * R.data[i * 3 * u + j]!, 0));
        const z = h.map((_, j) => sig(xw[j]! + hr[j]!));
        const r = h.map((_, j) => sig(xw[u + j]! + hr[u + j]!));
        const hh = h.map((_, j) => Math.tanh(xw[2 * u + j]! + r[j]! * hr[2 * u + j]!));
        h = h.map((hv, j) => z[j]! * hv + (1 - z[j]!) * hh[j]!);
      }
      expected.set(h, n * u);
    }
    expectClose(await run(a, x), { shape: [2, u], data: expected }, 1e-5, 1e-6);
    await checkFiniteDifferences(createReferenceModel(importLayersModel(a)), x, [2, u], 5);
  });
});
