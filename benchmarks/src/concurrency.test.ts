/**
 * Concurrency and disposal (issue 16), per adapter (reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web, gpujs-cpu) on
 * mlp_tabular: 32 simultaneous METHODS calls (mixed methods and targets) give bit-identical
 * results to the same calls run one after another; a model disposed while calls are in flight
 * makes each call finish or reject with a typed GlasswingError (never a crash or a hang), and a
 * call after dispose rejects with InvalidArgumentError; a call aborted from its own progress report
 * rejects with AbortError after no further model call, and the model then gives the un-aborted result.
 */
import { AbortError, GlasswingError, InvalidArgumentError, METHODS, type AttributionResult, type Graph, type MethodOptions, type Model, type Tensor, tensor } from '@glasswing/core';
import { createGpujsModel } from '@glasswing/gpujs';
import { createOnnxModel } from '@glasswing/onnx';
import { createReferenceModel } from '@glasswing/core';
import { createTfjsModel } from '@glasswing/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGraph } from './models.js';

const FACTORIES: Record<string, (g: Graph) => Promise<Model>> = {
  reference: async (g) => createReferenceModel(g),
  'tfjs-cpu': (g) => createTfjsModel(g, { backend: 'cpu' }),
  'tfjs-wasm': (g) => createTfjsModel(g, { backend: 'wasm' }),
  'onnx-node': (g) => createOnnxModel(g, { runtime: 'onnx-node' }),
  'onnx-web': (g) => createOnnxModel(g, { runtime: 'onnx-web' }),
  'gpujs-cpu': (g) => createGpujsModel(g, { mode: 'cpu' }),
};

const MIX: readonly [string, MethodOptions][] = [
  ['saliency', {}],
  ['integrated-gradients', { steps: 6 }],
  ['deeplift', {}],
  ['lrp', { epsilon: 0.01 }],
  ['feature-ablation', {}],
  ['kernel-shap', { samples: 24, seed: 3 }],
  ['smoothgrad', { samples: 4, stdev: 0.2, seed: 5 }],
  ['layer-gradient-x-activation', { layer: 'fc2' }],
];

/** The i-th of the 32 calls: method MIX[i % 8], target i % 3, its own input. */
function call(i: number): { id: string; x: Tensor; options: MethodOptions } {
  const [id, o] = MIX[i % MIX.length]!;
  const x = tensor(Float32Array.from({ length: 3 * 10 }, (_, k) => Math.cos(0.7 * k + 0.3 * i)), [3, 10]);
  return { id, x, options: { ...o, target: i % 3, internalBatchSize: 2 } };
}

let graph: Graph;
beforeAll(async () => {
  graph = await loadGraph('mlp_tabular');
});

describe.each(Object.keys(FACTORIES))('%s', (adapter) => {
  it('32 simultaneous calls equal the same calls run one after another (bit for bit)', async () => {
    const model = await FACTORIES[adapter]!(graph);
    try {
      const sequential: AttributionResult[] = [];
      for (let i = 0; i < 32; i++) {
        const { id, x, options } = call(i);
        sequential.push(await METHODS[id]!.run(model, x, options));
      }
      const tensorsBefore = adapter.startsWith('tfjs') ? tf.memory().numTensors : 0;
      const concurrent = await Promise.all(
        Array.from({ length: 32 }, (_, i) => {
          const { id, x, options } = call(i);
          return METHODS[id]!.run(model, x, options);
        }),
      );
      for (let i = 0; i < 32; i++) {
        expect(concurrent[i]!.attributions.shape, `call ${i}`).toEqual(sequential[i]!.attributions.shape);
        expect(Array.from(concurrent[i]!.attributions.data), `call ${i} (${call(i).id})`).toEqual(Array.from(sequential[i]!.attributions.data));
      }
      if (adapter.startsWith('tfjs')) expect(tf.memory().numTensors).toBe(tensorsBefore);
    } finally {
      await model.dispose();
    }
  });

  it('dispose while calls are in flight: each call finishes or fails with a typed error; later calls are refused', async () => {
    const model = await FACTORIES[adapter]!(graph);
    // Disposed from inside call 0's first progress report: every call is then in flight (none has finished).
    let disposing: Promise<void> | undefined;
    const inFlight = Array.from({ length: 16 }, (_, i) => {
      const { id, x, options } = call(i);
      const onProgress = i === 0 ? () => void (disposing ??= Promise.resolve(model.dispose())) : undefined;
      return METHODS[id]!.run(model, x, { ...options, onProgress });
    });
    const settled = await Promise.allSettled(inFlight);
    await disposing;
    expect(disposing).toBeDefined();
    for (const [i, s] of settled.entries()) {
      if (s.status === 'rejected') expect(s.reason, `call ${i}: ${String(s.reason)}`).toBeInstanceOf(GlasswingError);
      else expect(s.value.attributions.data.every(Number.isFinite), `call ${i}`).toBe(true);
    }
    // Call 0 still had model calls to make when the model went away.
    expect(settled[0]!.status).toBe('rejected');
    const { id, x, options } = call(0);
    await expect(METHODS[id]!.run(model, x, options)).rejects.toBeInstanceOf(InvalidArgumentError);
    // dispose twice is harmless
    await model.dispose();
  });

  it('aborted mid-run: AbortError with no further model call, then the model gives the un-aborted result', async () => {
    const model = await FACTORIES[adapter]!(graph);
    try {
      for (let i = 0; i < MIX.length; i++) {
        const { id, x, options } = call(i);
        const before = await METHODS[id]!.run(model, x, options);
        const controller = new AbortController();
        let last = 0;
        const run = METHODS[id]!.run(model, x, {
          ...options,
          signal: controller.signal,
          onProgress: (p) => {
            last = p.done;
            if (p.done === 1) controller.abort();
          },
        });
        await expect(run, id).rejects.toBeInstanceOf(AbortError);
        expect(last, id).toBe(1);
        const after = await METHODS[id]!.run(model, x, options);
        expect(Array.from(after.attributions.data), id).toEqual(Array.from(before.attributions.data));
      }
    } finally {
      await model.dispose();
    }
  });
});
