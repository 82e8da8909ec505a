import { describe, expect, it } from 'vitest';
import { monotonicity, monotonicityMetric } from '../faithfulness/monotonicity.js';
import { monotonicityCorrelation, monotonicityCorrelationMetric } from '../faithfulness/monotonicity-correlation.js';
import { METRICS } from '../registry.js';
import { createRng } from '../../../random/prng.js';
import { AbortError, InvalidArgumentError, ShapeError } from '../../../errors.js';
import { linearModel, t } from './faith-helpers.js';

const x = t([1, 4], [1, 1, 1, 1]);

describe('monotonicity (Arya et al.; Quantus Monotonicity)', () => {
  it('inserting least relevant first: the hand-computed output sequences decide 1 / 0', async () => {
    // w = (4, 1, −2, 3), baseline 0, a = w. |a| ascending: 1 (1), 2 (−2), 3 (3), 0 (4):
    // outputs 1, 1 − 2 = −1, 2, 6 → a decrease → 0.
    const { model } = linearModel([4, 1, -2, 3]);
    const abs = await monotonicity({ model, x, attributions: t([1, 4], [4, 1, -2, 3]) });
    expect(abs.curves![0]!.y[0]).toEqual([1, -1, 2, 6]);
    expect(abs.scores).toEqual([0]);
    // Signed ascending: 2 (−2), 1, 3, 0: outputs −2, −1, 2, 6 → never decreases → 1.
    expect((await monotonicity({ model, x, attributions: t([1, 4], [4, 1, -2, 3]) }, { absolute: false })).scores).toEqual([1]);
    // Two features a step: {1, 2} then {3, 0}: −1, 6 → 1.
    const two = await monotonicity({ model, x, attributions: t([1, 4], [4, 1, -2, 3]) }, { featuresInStep: 2 });
    expect(two.curves![0]!.y[0]).toEqual([-1, 6]);
    expect(two.scores).toEqual([1]);
    // Positive weights: every insertion adds w_j > 0, so any map is monotonic.
    const pos = linearModel([4, 1, 2, 3]).model;
    expect((await monotonicity({ model: pos, x, attributions: t([1, 4], [0, 9, -3, 1]) })).scores).toEqual([1]);
  });

  it('progress, errors, abort, registry', async () => {
    const { model } = linearModel([4, 1, -2, 3]);
    const events: { done: number; total: number }[] = [];
    await monotonicity({ model, x, attributions: t([1, 4], [1, 2, 3, 4]) }, { perturbationsPerEval: 1, onProgress: (p) => events.push(p) });
    expect(events.at(-1)).toEqual({ done: 5, total: 5 });
    await expect(monotonicity({ model, x, attributions: t([2, 4], Array(8).fill(0)) })).rejects.toThrow(ShapeError);
    await expect(monotonicity({ model, x, attributions: t([1, 4], [1, 2, 3, 4]) }, { featuresInStep: 0 })).rejects.toThrow(InvalidArgumentError);
    const ac = new AbortController();
    ac.abort();
    await expect(monotonicity({ model, x, attributions: t([1, 4], [1, 2, 3, 4]) }, { signal: ac.signal })).rejects.toThrow(AbortError);
    expect(METRICS['monotonicity']).toBe(monotonicityMetric);
  });
});

describe('monotonicity correlation (Nguyen & Martínez; Quantus MonotonicityCorrelation)', () => {
  it('is exactly 1 with a fixed baseline and a = w⊙(x − b): v_j = (w_j (x_j − b))² ranks as |a_j|', async () => {
    const w = [4, 1, -2, 3, 0.5];
    const xv = [0.3, 0.9, 0.1, 0.6, 0.8];
    const { model } = linearModel(w);
    const a = t([1, 5], w.map((wj, j) => wj * xv[j]!));
    const r = await monotonicityCorrelation({ model, x: t([1, 5], xv), attributions: a }, { baseline: 0, nSamples: 2 });
    expect(r.scores[0]).toBeCloseTo(1, 12);
    // Reversed importance (a_j = 1 / |w_j x_j|) ranks exactly the other way: ρ = −1.
    const rev = await monotonicityCorrelation({ model, x: t([1, 5], xv), attributions: t([1, 5], w.map((wj, j) => 1 / Math.abs(wj * xv[j]!))) }, { baseline: '0', nSamples: 2 });
    expect(rev.scores[0]).toBeCloseTo(-1, 12);
  });

  it('with uniform replacement tracks E[(w_j (u − x_j))²] (statistical, seeded)', async () => {
    // u ~ U[0, 1] (Quantus' default range): E[(u − x)²] = ((1 − x)³ + x³) / 3.
    const rng = createRng(9);
    const d = 8;
    const w = Array.from({ length: d }, (_, j) => 2 ** j);
    const xv = Array.from({ length: d }, () => rng.uniform());
    const ev = (v: number) => ((1 - v) ** 3 + v ** 3) / 3;
    const a = t([1, d], w.map((wj, j) => Math.abs(wj) * Math.sqrt(ev(xv[j]!))));
    const { model } = linearModel(w);
    const r1 = await monotonicityCorrelation({ model, x: t([1, d], xv), attributions: a }, { nSamples: 400, seed: 1 });
    expect(r1.scores[0]).toBeGreaterThan(0.9);
    const events: { done: number; total: number }[] = [];
    const r2 = await monotonicityCorrelation({ model, x: t([1, d], xv), attributions: a }, { nSamples: 400, seed: 1, perturbationsPerEval: 7, onProgress: (p) => events.push(p) });
    expect(r2.scores).toEqual(r1.scores);
    expect(events.at(-1)).toEqual({ done: 1 + Math.ceil((d * 400) / 7), total: 1 + Math.ceil((d * 400) / 7) });
    const r3 = await monotonicityCorrelation({ model, x: t([1, d], xv), attributions: a }, { nSamples: 400, seed: 2 });
    expect(r3.details!['variances']).not.toEqual(r1.details!['variances']);
  });

  it('errors, abort, registry', async () => {
    const { model } = linearModel([1, 2, 3, 4]);
    await expect(monotonicityCorrelation({ model, x, attributions: t([1, 4], [1, 2, 3, 4]) }, { nSamples: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(monotonicityCorrelation({ model, x, attributions: t([1, 4], [1, 2, 3, 4]) }, { baseline: 'grey' })).rejects.toThrow(InvalidArgumentError);
    await expect(monotonicityCorrelation({ model, x, attributions: t([1, 4], [1, 2, 3, 4]) }, { uniformLow: 1, uniformHigh: 0 })).rejects.toThrow(InvalidArgumentError);
    const ac = new AbortController();
    ac.abort();
    await expect(monotonicityCorrelation({ model, x, attributions: t([1, 4], [1, 2, 3, 4]) }, { signal: ac.signal })).rejects.toThrow(AbortError);
    expect(METRICS['monotonicity-correlation']).toBe(monotonicityCorrelationMetric);
  });
});

describe('rank helpers', () => {
  it('average ranks for ties; Spearman = Pearson of ranks; constant side → 0', async () => {
    const { averageRanks, spearman, pearson } = await import('../../_utils/metric-forward.js');
    expect(Array.from(averageRanks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
    expect(spearman([1, 2, 2, 3], [10, 30, 30, 40])).toBeCloseTo(1, 12);
    // Ranks (1, 2, 3) vs (3, 1, 2): Pearson = (−1·1 + 0 + 1·0) / 2 = −0.5.
    expect(spearman([1, 2, 3], [9, 1, 5])).toBeCloseTo(-0.5, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBe(0);
  });
});
