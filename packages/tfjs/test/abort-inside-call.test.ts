/**
 * Abort inside one model call on tfjs-cpu (issue 16): with a signal, core's GraphModel runs each
 * graph node in its own tf.tidy and yields to the event loop between nodes, so a 20 ms abort of a
 * call that takes hundreds of ms rejects with AbortError after a small part of its work (counted
 * in tensors created, not wall time). No tensor leaks — after the aborted call, after a finished
 * one, with rule-modified VJPs and with a weight computed by a node — and the model stays usable
 * (the next call equals an un-aborted one bit for bit).
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, epsilon, rescale, type Graph, type GradientRequest, type Model } from '@glasswing/core';
import { abortInsideCall, deepMlpGraph, sameGradientBits } from '@glasswing/core/testing';
import { createTfjsModel } from '../src/index.js';
import { randomTensor } from './helpers.js';

/** Tensors created so far (tfjs numbers tensors consecutively). */
function tensorsCreated(): number {
  const t = tf.scalar(0);
  const id = t.id;
  t.dispose();
  return id;
}

const graph = deepMlpGraph({ depth: 24, width: 192 });
const x = randomTensor([16, 192], 7);
const seed = { kind: 'index', indices: Array.from({ length: 16 }, (_, i) => i % 4) } as const;
const requests: Record<string, Omit<GradientRequest, 'signal'>> = {
  'plain VJP': { seed },
  'rule-modified VJP (ε on Gemm, Rescale on Relu with a reference), layer taps': {
    seed,
    rules: Object.fromEntries(graph.nodes.map((n) => [n.name, n.op === 'Gemm' ? epsilon(1e-6) : rescale()])),
    reference: { shape: [16, 192], data: new Float32Array(16 * 192) },
    layers: ['dense3', 'relu20'],
  },
};

describe('abort inside one model call (tfjs-cpu)', () => {
  let model: Model;
  beforeAll(async () => {
    model = await createTfjsModel(graph, { backend: 'cpu', maxBatch: 32 });
  });
  afterAll(() => model.dispose());

  for (const [name, request] of Object.entries(requests)) {
    it(`${name}: a 20 ms abort rejects long before the call's work is done; no tensor leaks; same bits after`, async () => {
      await model.gradient(x, request); // warm-up: weight caches
      const before = tf.memory().numTensors;
      const r = await abortInsideCall(model, x, request, tensorsCreated, 20);
      expect(r.error).toBeInstanceOf(AbortError);
      expect(r.fullWork).toBeGreaterThan(100);
      expect(r.abortedWork).toBeLessThan(r.fullWork / 2);
      expect(sameGradientBits(r.withSignal, r.plain)).toBe(true);
      expect(sameGradientBits(r.after, r.plain)).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('forward and activations: aborted inside the call without leaks; same values when not aborted', async () => {
    const out = await model.forward(x);
    const ok = new AbortController().signal;
    expect(await model.forward(x, { signal: ok })).toEqual(out);
    expect(await model.activations(x, ['relu5'], { signal: ok })).toEqual(await model.activations(x, ['relu5']));
    const before = tf.memory().numTensors;
    for (const call of [(s: AbortSignal) => model.forward(x, { signal: s }), (s: AbortSignal) => model.activations(x, ['relu5'], { signal: s })]) {
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(), 1);
      await expect(call(ctrl.signal)).rejects.toBeInstanceOf(AbortError);
      clearTimeout(timer);
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(await model.forward(x)).toEqual(out);
  });
});

describe('a weight computed by a node, used after a step boundary (tfjs-cpu)', () => {
  it('is not kept in the transposed-weight cache: no tensor leaks with a signal', async () => {
    // y = x · Relu(W)ᵀ: Gemm's B is a node output from the previous step (not a persistent weight).
    const w = randomTensor([3, 5], 3);
    const g: Graph = {
      name: 'computed-weight',
      inputs: [{ name: 'x', shape: [-1, 5] }],
      outputs: ['y'],
      initializers: { w },
      nodes: [
        { name: 'relu_w', op: 'Relu', inputs: ['w'], outputs: ['rw'], attrs: {} },
        { name: 'dense', op: 'Gemm', inputs: ['x', 'rw'], outputs: ['y'], attrs: { transB: 1 } },
      ],
    };
    const m = await createTfjsModel(g, { backend: 'cpu' });
    const xs = randomTensor([2, 5], 4);
    const request = { seed: { kind: 'index', indices: [0, 2] } } as const;
    const plain = await m.gradient(xs, request);
    const before = tf.memory().numTensors;
    const withSignal = await m.gradient(xs, { ...request, signal: new AbortController().signal });
    expect(await m.forward(xs, { signal: new AbortController().signal })).toEqual(plain.outputs);
    expect(tf.memory().numTensors).toBe(before);
    expect(sameGradientBits(withSignal, plain)).toBe(true);
    m.dispose();
  });
});
