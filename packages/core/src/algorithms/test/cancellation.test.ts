/**
 * Cancellation (issue 16): every METHODS entry, aborted at seeded random points of its call plan,
 * rejects with AbortError having made at most one more model call, and leaves the model usable
 * (the next run equals an un-aborted run, bit for bit, with monotone progress ending at done ===
 * total). An abort() fired by a timer reaches a run on the synchronous reference executor (the
 * ModelCaller yields to the event loop between calls when given a signal); latency figures per
 * adapter are measured by `pnpm --filter @glasswing/benchmarks cancellation` (docs/reliability.md).
 */
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../errors.js';
import { createReferenceModel } from '../../ir/index.js';
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { createRng } from '../../random/prng.js';
import { METHODS } from '../registry.js';
import type { MethodOptions, MethodSpec } from '../_utils/method-spec.js';
import type { Progress } from '../_utils/types.js';
import { camGraph, randTensor } from './cnn-models.js';

const model: Model = createReferenceModel(camGraph('NHWC'));
const N = 4;
const x: Tensor = randTensor([N, 5, 5, 2], 5);

function options(spec: MethodSpec): MethodOptions {
  const all: MethodOptions = {
    target: 1,
    steps: 6,
    samples: 6,
    stdev: 0.1,
    seed: 3,
    layer: 'conv',
    neuron: 1,
    window: [2, 2, 1],
    strides: [2, 2, 1],
    featureMask: Float32Array.from({ length: 50 }, (_, i) => Math.floor(i / 10) % 4),
    perturbationsPerEval: 2,
  };
  const picked: Record<string, unknown> = { internalBatchSize: 1 };
  for (const k of spec.options) if (k in all) picked[k] = all[k as keyof MethodOptions];
  return picked as MethodOptions;
}

function expectMonotone(seen: readonly Progress[], what: string): void {
  expect(seen.length, what).toBeGreaterThan(1);
  for (let i = 1; i < seen.length; i++) {
    expect(seen[i]!.done, `${what}: done at ${i}`).toBeGreaterThan(seen[i - 1]!.done);
    expect(seen[i]!.total, `${what}: total at ${i}`).toBe(seen[0]!.total);
  }
  expect(seen.at(-1)!.done, `${what}: ends at total`).toBe(seen.at(-1)!.total);
}

describe.each(Object.keys(METHODS))('%s', (id) => {
  it('aborted at random points: AbortError within one model call; the model stays usable', async () => {
    const spec = METHODS[id]!;
    const o = options(spec);
    const seen: Progress[] = [];
    const before = await spec.run(model, x, { ...o, onProgress: (p) => seen.push(p) });
    expectMonotone(seen, `${id} (first run)`);
    const total = seen.at(-1)!.total;
    const rng = createRng(id.length * 7919);
    for (let k = 0; k < 3; k++) {
      const at = 1 + rng.int(total - 1); // abort inside the progress report of call `at` (< total)
      const controller = new AbortController();
      let last = 0;
      const run = spec.run(model, x, {
        ...o,
        signal: controller.signal,
        onProgress: (p) => {
          last = p.done;
          if (p.done === at) controller.abort();
        },
      });
      await expect(run, `${id}: abort at ${at}/${total}`).rejects.toBeInstanceOf(AbortError);
      expect(last, `${id}: calls after the abort`).toBe(at);
    }
    const again: Progress[] = [];
    const after = await spec.run(model, x, { ...o, onProgress: (p) => again.push(p) });
    expectMonotone(again, `${id} (after aborts)`);
    expect(Array.from(after.attributions.data)).toEqual(Array.from(before.attributions.data));
  });
});

describe('an abort() from a timer reaches a run on the synchronous reference executor', () => {
  it('integrated gradients with 4,000 one-row calls stops long before its end', async () => {
    const spec = METHODS['integrated-gradients']!;
    const o: MethodOptions = { target: 0, steps: 1000, internalBatchSize: 1 };
    const full = await spec.run(model, x, o);
    expect(full.modelCalls).toBeGreaterThanOrEqual(4000);
    const controller = new AbortController();
    const seen: Progress[] = [];
    setTimeout(() => controller.abort(), 5);
    await expect(spec.run(model, x, { ...o, signal: controller.signal, onProgress: (p) => seen.push(p) })).rejects.toBeInstanceOf(AbortError);
    // Without yielding, the timer could only fire after the last call: every call would have been made.
    expect(seen.at(-1)?.done ?? 0).toBeLessThan(seen[0]?.total ?? 0);
  });
});
