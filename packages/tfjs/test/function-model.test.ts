/** fromTfjsFunction: gradients vs analytic and finite differences, typed errors, no leaks; cpu + wasm. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CapabilityError, ShapeError, TargetError, UnsupportedOpError, type Model, type Tensor } from '@glasswing/core';
import { fromTfjsFunction, initTfjsBackend } from '../src/index.js';
import { BACKENDS, expectClose, randomTensor } from './helpers.js';

const W1 = randomTensor([4, 5], 51);
const W2 = randomTensor([5, 3], 52);

/** y = tanh(x W1) W2, dy/dx for seed s: ((s W2ᵀ) ⊙ (1 − tanh²(x W1))) W1ᵀ, in float64. */
function analytic(x: Tensor, seed: Tensor): { y: Float64Array; g: Float64Array } {
  const n = x.shape[0]!;
  const y = new Float64Array(n * 3);
  const g = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const h = new Float64Array(5);
    for (let j = 0; j < 5; j++) {
      let z = 0;
      for (let k = 0; k < 4; k++) z += x.data[i * 4 + k]! * W1.data[k * 5 + j]!;
      h[j] = Math.tanh(z);
    }
    for (let o = 0; o < 3; o++) for (let j = 0; j < 5; j++) y[i * 3 + o] += h[j]! * W2.data[j * 3 + o]!;
    for (let j = 0; j < 5; j++) {
      let back = 0;
      for (let o = 0; o < 3; o++) back += seed.data[i * 3 + o]! * W2.data[j * 3 + o]!;
      back *= 1 - h[j]! * h[j]!;
      for (let k = 0; k < 4; k++) g[i * 4 + k] += back * W1.data[k * 5 + j]!;
    }
  }
  return { y, g };
}

describe.each(BACKENDS)('fromTfjsFunction on %s', (backend) => {
  let model: Model;
  let w1: tf.Tensor;
  let w2: tf.Tensor;
  beforeAll(async () => {
    await initTfjsBackend(backend);
    w1 = tf.tensor(W1.data, [4, 5]);
    w2 = tf.tensor(W2.data, [5, 3]);
    model = await fromTfjsFunction((x) => tf.matMul(tf.tanh(tf.matMul(x, w1)), w2), { inputShape: [4], outputShape: [3], backend });
  });

  it('reports capabilities and backend', () => {
    expect(model.capabilities).toEqual({ gradients: true, layers: false, rules: false });
    expect(model.layerNames).toEqual([]);
    expect(model.backend).toBe(`tfjs-${backend}`);
  });

  it('forward and gradient match the analytic model (index and tensor seeds)', async () => {
    const x = randomTensor([5, 4], 53);
    const indices = [0, 1, 2, 1, 0];
    const seed: Tensor = { shape: [5, 3], data: new Float32Array(15) };
    indices.forEach((t, i) => (seed.data[i * 3 + t] = 1));
    const want = analytic(x, seed);
    const y = await model.forward(x);
    expectClose(y, { shape: [5, 3], data: Float32Array.from(want.y) }, 1e-5, 1e-6);
    const g = await model.gradient(x, { seed: { kind: 'index', indices } });
    expectClose(g.outputs, y, 0, 0);
    expectClose(g.inputGradient, { shape: [5, 4], data: Float32Array.from(want.g) }, 1e-5, 1e-6);
    const s = randomTensor([5, 3], 54);
    const g2 = await model.gradient(x, { seed: { kind: 'tensor', seed: s } });
    expectClose(g2.inputGradient, { shape: [5, 4], data: Float32Array.from(analytic(x, s).g) }, 1e-5, 1e-6);
  });

  it('a conv / pool / softmax function: gradients match central finite differences', async () => {
    const w = tf.tensor4d(randomTensor([3, 3, 2, 4], 55).data, [3, 3, 2, 4]);
    const f = (x: tf.Tensor): tf.Tensor => {
      const c = tf.sigmoid(tf.conv2d(x as tf.Tensor4D, w, 1, 'same'));
      const p = tf.avgPool(c, 2, 2, 'valid');
      return tf.softmax(tf.reshape(p, [x.shape[0]!, -1]));
    };
    const m = await fromTfjsFunction(f, { inputShape: [4, 4, 2], outputShape: [16], backend });
    const x = randomTensor([1, 4, 4, 2], 56);
    const g = await m.gradient(x, { seed: { kind: 'index', indices: [5] } });
    const eps = 1e-2;
    const probes: Tensor = { shape: [64, 4, 4, 2], data: new Float32Array(64 * 32) };
    for (let i = 0; i < 32; i++) {
      probes.data.set(x.data, 2 * i * 32);
      probes.data.set(x.data, (2 * i + 1) * 32);
      probes.data[2 * i * 32 + i] += eps;
      probes.data[(2 * i + 1) * 32 + i] -= eps;
    }
    const y = await m.forward(probes);
    for (let i = 0; i < 32; i++) {
      const fd = (y.data[2 * i * 16 + 5]! - y.data[(2 * i + 1) * 16 + 5]!) / (2 * eps);
      expect(Math.abs(fd - g.inputGradient.data[i]!)).toBeLessThan(1e-4 + 2e-2 * Math.abs(fd));
    }
    w.dispose();
  });

  it('max-pool gradients go to the first maximum of a tied window (also negative maxima)', async () => {
    const m = await fromTfjsFunction((t) => tf.reshape(tf.maxPool(t as tf.Tensor4D, 2, 2, 'same'), [t.shape[0]!, -1]), {
      inputShape: [3, 4, 1],
      outputShape: [4],
      backend,
    });
    const x: Tensor = { shape: [1, 3, 4, 1], data: new Float32Array([-2, -2, 5, 1, -2, -2, 5, 5, 0, 0, 7, 7]) };
    const g = await m.gradient(x, { seed: { kind: 'tensor', seed: { shape: [1, 4], data: new Float32Array([1, 2, 3, 4]) } } });
    expect(Array.from(g.inputGradient.data)).toEqual([1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0]);
  });

  it('frees every tensor it creates', async () => {
    const x = randomTensor([300, 4], 57); // > maxBatch: chunked
    await model.gradient(x, { seed: { kind: 'index', indices: new Array(300).fill(2) } });
    const before = tf.memory().numTensors;
    await model.forward(x);
    await model.gradient(x, { seed: { kind: 'index', indices: new Array(300).fill(1) } });
    await expect(model.gradient(x, { seed: { kind: 'index', indices: new Array(300).fill(7) } })).rejects.toBeInstanceOf(TargetError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('typed errors: shapes, targets, capabilities, missing gradients', async () => {
    const x = randomTensor([2, 4], 58);
    await expect(model.forward(randomTensor([2, 5], 1))).rejects.toBeInstanceOf(ShapeError);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0] } })).rejects.toBeInstanceOf(TargetError);
    await expect(model.activations(x, ['a'])).rejects.toBeInstanceOf(CapabilityError);
    await expect(model.gradient(x, { seed: { kind: 'index', indices: [0, 0] }, layers: ['a'] })).rejects.toBeInstanceOf(CapabilityError);
    const before = tf.memory().numTensors;
    const wrong = await fromTfjsFunction((t) => tf.sum(t, 1), { inputShape: [4], outputShape: [3], backend });
    await expect(wrong.forward(x)).rejects.toBeInstanceOf(ShapeError);
    const noGrad = await fromTfjsFunction((t) => tf.cumsum(t, 1), { inputShape: [4], outputShape: [4], backend });
    await expect(noGrad.gradient(x, { seed: { kind: 'index', indices: [0, 1] } })).rejects.toBeInstanceOf(UnsupportedOpError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
