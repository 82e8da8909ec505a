import { describe, expect, it } from 'vitest';
import { faithfulnessCorrelation, faithfulnessCorrelationMetric } from '../faithfulness/faithfulness-correlation.js';
import { METRICS } from '../registry.js';
// The linear models return [wᵀx, 0]: target 0 is wᵀx whatever its sign.
import { createRng } from '../../../random/prng.js';
import { AbortError, InvalidArgumentError, ShapeError } from '../../../errors.js';
import { linearModel, t } from './faith-helpers.js';

describe('faithfulness correlation (Bhatt et al.; Quantus FaithfulnessCorrelation)', () => {
  const d = 12;
  const rng = createRng(5);
  const w = Array.from({ length: d }, () => rng.normal());
  const xv = Array.from({ length: d }, () => rng.uniform());
  const x = t([1, d], xv);

  it('is exactly 1 on f = wᵀx with a = w⊙(x − b): Σ_S a_j = f(x) − f(x_S←b) for every subset', async () => {
    const { model } = linearModel(w);
    const b = 0.25;
    const a = t([1, d], w.map((wj, j) => wj * (xv[j]! - b)));
    const r = await faithfulnessCorrelation({ model, x, target: 0, attributions: a }, { nRuns: 30, subsetSize: 4, baseline: b });
    expect(r.scores[0]).toBeCloseTo(1, 5);
    // −a: exactly −1. A map unrelated to w: clearly below 1.
    expect((await faithfulnessCorrelation({ model, x, target: 0, attributions: t([1, d], Array.from(a.data, (v) => -v)) }, { nRuns: 30, subsetSize: 4, baseline: b })).scores[0]).toBeCloseTo(-1, 5);
    const rand = await faithfulnessCorrelation({ model, x, target: 0, attributions: t([1, d], Array.from({ length: d }, () => rng.normal())) }, { nRuns: 30, subsetSize: 4, baseline: b });
    expect(rand.scores[0]).toBeLessThan(0.9);
    // The default 224 ≥ the 12 features would remove everything every run (ρ undefined): subsets of
    // ⌊12/2⌋ = 6 instead, and the exact linear relation still gives ρ = 1.
    const all = await faithfulnessCorrelation({ model, x, target: 0, attributions: a }, { nRuns: 5, baseline: b });
    expect(all.details!['subsetSize']).toBe(6);
    expect(all.scores[0]).toBeCloseTo(1, 5);
  });

  it("Quantus' 'black' baseline is the example's minimum: a = w⊙(x − min x) scores exactly 1", async () => {
    const { model } = linearModel(w);
    const min = Math.min(...xv.map((v) => Math.fround(v)));
    const a = t([1, d], w.map((wj, j) => wj * (xv[j]! - min)));
    const r = await faithfulnessCorrelation({ model, x, target: 0, attributions: a }, { nRuns: 30, subsetSize: 5, baseline: 'black' });
    expect(r.scores[0]).toBeCloseTo(1, 5);
    await expect(faithfulnessCorrelation({ model, x, target: 0, attributions: a }, { baseline: 'grey' })).rejects.toThrow(InvalidArgumentError);
  });

  it('groups of a feature mask count as one feature', async () => {
    const { model } = linearModel(w);
    const a = t([1, d], w.map((wj, j) => wj * xv[j]!));
    const r = await faithfulnessCorrelation({ model, x, target: 0, attributions: a }, { nRuns: 20, subsetSize: 2, featureMask: Array.from({ length: d }, (_, j) => j >> 1) });
    expect(r.scores[0]).toBeCloseTo(1, 5);
  });

  it('is seeded, batching-independent, reports progress; typed errors and abort', async () => {
    const { model } = linearModel(w);
    const a = t([1, d], Array.from({ length: d }, (_, j) => j % 3));
    const events: { done: number; total: number }[] = [];
    const r1 = await faithfulnessCorrelation({ model, x, target: 0, attributions: a }, { seed: 4, nRuns: 40, subsetSize: 3, onProgress: (p) => events.push(p) });
    const r2 = await faithfulnessCorrelation({ model, x, target: 0, attributions: a }, { seed: 4, nRuns: 40, subsetSize: 3, perturbationsPerEval: 6 });
    const r3 = await faithfulnessCorrelation({ model, x, target: 0, attributions: a }, { seed: 5, nRuns: 40, subsetSize: 3 });
    expect(r2.scores).toEqual(r1.scores);
    expect(r3.scores).not.toEqual(r1.scores);
    expect(events.at(-1)).toEqual({ done: 2, total: 2 });
    await expect(faithfulnessCorrelation({ model, x, target: 0, attributions: t([1, 3], [1, 2, 3]) })).rejects.toThrow(ShapeError);
    await expect(faithfulnessCorrelation({ model, x, target: 0, attributions: a }, { nRuns: 1 })).rejects.toThrow(InvalidArgumentError);
    await expect(faithfulnessCorrelation({ model, x, target: 0, attributions: a }, { seed: 1.5 })).rejects.toThrow(InvalidArgumentError);
    const ac = new AbortController();
    ac.abort();
    await expect(faithfulnessCorrelation({ model, x, target: 0, attributions: a }, { signal: ac.signal })).rejects.toThrow(AbortError);
    expect(METRICS['faithfulness-correlation']).toBe(faithfulnessCorrelationMetric);
  });
});
