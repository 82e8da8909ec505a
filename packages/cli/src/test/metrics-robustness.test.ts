/**
 * sensitivity-max (core `sensitivityMax`) with saliency as the explainer, on one small conv graph
 * built on every adapter: the scores agree with the reference executor's. The perturbations come
 * from core's seeded generator, so every adapter explains the same perturbed inputs; what differs is
 * only each backend's float32 arithmetic. The graph has a ReLU, so the saliency map does change under
 * perturbation (the score is not trivially 0, which is checked).
 */
import { describe, expect, it } from 'vitest';
import { METHODS, graphFromJSON, sensitivityMax, avgSensitivity } from '@glasswing/core';
import type { Explainer, Model, Tensor } from '@glasswing/core';
import { createModel, type AdapterId } from '../model-file.js';
import { convGraphJson, expectClose } from './helpers.js';

const graph = graphFromJSON(convGraphJson());
const x: Tensor = { shape: [2, 1, 4, 4], data: Float32Array.from({ length: 32 }, (_, i) => Math.cos(i * 0.7) * 0.8) };
const saliency: Explainer = async (m, xs, o) => (await METHODS['saliency']!.run(m, xs, o)).attributions;
// A larger radius than Captum's 0.02 so that ReLU patterns change and the score is clearly non-zero.
const options = { seed: 7, perturbRadius: 0.3, nPerturbSamples: 6, perturbationsPerEval: 4 } as const;

async function scoresOn(adapter: AdapterId): Promise<{ max: number[]; avg: number[] }> {
  const model: Model = await createModel(graph, adapter);
  try {
    const target = [0, 1];
    const attributions = await saliency(model, x, { target });
    const input = { model, x, attributions, target, explain: saliency };
    const max = (await sensitivityMax(input, options)).scores;
    const avg = (await avgSensitivity(input, { seed: 7, nSamples: 6 })).scores;
    return { max: [...max], avg: [...avg] };
  } finally {
    await model.dispose();
  }
}

describe('sensitivity-max with saliency agrees across adapters', () => {
  let want: { max: number[]; avg: number[] };
  it('reference: non-zero scores', async () => {
    want = await scoresOn('reference');
    expect(want.max.every((v) => v > 1e-3)).toBe(true);
    expect(want.avg.every((v) => v > 1e-4)).toBe(true);
  });

  it.each(['tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'] as const)('%s agrees with reference (1e-4)', async (adapter) => {
    want ??= await scoresOn('reference');
    const got = await scoresOn(adapter);
    expectClose(got.max, want.max, 1e-4);
    expectClose(got.avg, want.avg, 1e-4);
  });
});
