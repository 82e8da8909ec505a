/**
 * Progress totals are planned exactly: for every METHODS entry, with internalBatchSize < N (so
 * every pass is chunked, the predicted-class forward pass included), the reported `total` never
 * changes and `done` ends at `total` = modelCalls.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceModel } from '../../ir/index.js';
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { METHODS } from '../registry.js';
import type { MethodOptions, MethodSpec } from '../_utils/method-spec.js';
import type { Progress } from '../_utils/types.js';
import { Saliency } from '../gradient/saliency.js';
import { InputXGradient } from '../gradient/input-x-gradient.js';
import { camGraph, randTensor } from './cnn-models.js';

// x [N, 5, 5, 2] → conv (3 channels, 3×3 map) → relu → gap → flat → fc (2 logits).
const model: Model = createReferenceModel(camGraph('NHWC'));
const N = 5;
const x: Tensor = randTensor([N, 5, 5, 2], 11);

/** Small settings for every option a method reads (the model is tiny; only the call plan matters here). */
function smallOptions(spec: MethodSpec, target: MethodOptions['target']): MethodOptions {
  const all: MethodOptions = {
    target,
    steps: 3,
    samples: 3,
    stdev: 0.1,
    seed: 1,
    layer: 'conv',
    neuron: 0,
    window: [2, 2, 1],
    strides: [2, 2, 1],
    // four groups (the row index mod 4), so exact Shapley values stay cheap
    featureMask: Float32Array.from({ length: 50 }, (_, i) => Math.floor(i / 10) % 4),
    perturbationsPerEval: 3,
  };
  const picked: Record<string, unknown> = { internalBatchSize: 2 };
  for (const k of spec.options) if (k in all) picked[k] = all[k as keyof MethodOptions];
  return picked as MethodOptions;
}

async function progressOf(run: (onProgress: (p: Progress) => void) => Promise<{ modelCalls: number }>) {
  const seen: Progress[] = [];
  const res = await run((p) => seen.push(p));
  return { seen, modelCalls: res.modelCalls };
}

function expectSteadyProgress(seen: readonly Progress[], modelCalls: number, what: string): void {
  expect(seen.length, what).toBeGreaterThan(0);
  const total = seen[0]!.total;
  expect(
    seen.map((p) => p.total),
    `${what}: total changed`,
  ).toEqual(seen.map(() => total));
  expect(
    seen.map((p) => p.done),
    `${what}: done`,
  ).toEqual(seen.map((_, i) => i + 1));
  expect(seen.at(-1)!.done, `${what}: ends at total`).toBe(total);
  expect(modelCalls, `${what}: modelCalls`).toBe(total);
}

describe('progress totals with internalBatchSize < N', () => {
  it('the predicted-class forward pass is planned chunk by chunk (Saliency, InputXGradient: 3 + 3, not 1 + 3)', async () => {
    for (const m of [new Saliency(model), new InputXGradient(model)]) {
      const { seen, modelCalls } = await progressOf((onProgress) => m.attribute(x, { internalBatchSize: 2, onProgress }));
      expect(seen[0]!.total).toBe(6);
      expectSteadyProgress(seen, modelCalls, m.id);
      const given = await progressOf((onProgress) => m.attribute(x, { target: 1, internalBatchSize: 2, onProgress }));
      expect(given.seen[0]!.total).toBe(3);
      expectSteadyProgress(given.seen, given.modelCalls, `${m.id} (target given)`);
    }
  });

  describe.each(Object.keys(METHODS))('%s', (id) => {
    const spec = METHODS[id]!;
    it.each([
      ['predicted class', undefined],
      ['given target', 1],
    ] as const)('%s: total is fixed, done ends at total = modelCalls', async (_label, target) => {
      if (target !== undefined && !spec.options.includes('target')) return;
      const { seen, modelCalls } = await progressOf((onProgress) => spec.run(model, x, { ...smallOptions(spec, target), onProgress }));
      expect(modelCalls).toBeGreaterThan(1);
      expectSteadyProgress(seen, modelCalls, id);
    });
  });
});
