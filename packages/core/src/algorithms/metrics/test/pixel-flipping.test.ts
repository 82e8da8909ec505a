import { describe, expect, it } from 'vitest';
import { deletion, insertion, morfLerf, pixelFlippingBlur, deletionMetric, insertionMetric, morfLerfMetric } from '../faithfulness/pixel-flipping.js';
import { METRICS } from '../registry.js';
import { AbortError, InvalidArgumentError, ShapeError } from '../../../errors.js';
import { linearModel, t } from './faith-helpers.js';

// f(x) = wᵀx with w = (4, 1, −2, 3), x = 1, baseline 0: removing feature j lowers f by w_j.
// a = w⊙x = w ranks MoRF (signed, descending) as 0 (4), 3 (3), 1 (1), 2 (−2); LeRF the reverse.
const w = [4, 1, -2, 3];
const x = t([1, 4], [1, 1, 1, 1]);
const a = t([1, 4], w);

describe('pixel flipping: deletion / insertion curves', () => {
  it('deletion with 4 steps: curve 6, 2, −1, −2, 0 and its trapezoid AUC 0.5', async () => {
    const { model } = linearModel(w);
    const r = await deletion({ model, x, attributions: a }, { steps: 4 });
    expect(r.curves![0]!.x).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(r.curves![0]!.y[0]).toEqual([6, 2, -1, -2, 0]);
    expect(r.curves![0]!.xLabel).toBe('fraction of features removed');
    // 0.25 · ((6+2)/2 + (2−1)/2 + (−1−2)/2 + (−2+0)/2) = 0.25 · 2 = 0.5.
    expect(r.scores[0]).toBeCloseTo(0.5, 12);
    expect(r.higherIsBetter).toBe(false);
  });

  it('more steps than features: point k removes ⌊k·F/steps⌋ features', async () => {
    const { model } = linearModel(w);
    const r = await deletion({ model, x, attributions: a }, { steps: 8 });
    expect(r.curves![0]!.y[0]).toEqual([6, 6, 2, 2, -1, -1, -2, -2, 0]);
    // (1/8) · (6 + 4 + 2 + 0.5 − 1 − 1.5 − 2 − 1) = 7/8.
    expect(r.scores[0]).toBeCloseTo(0.875, 12);
  });

  it('insertion and the LeRF − MoRF area match the hand-computed curves', async () => {
    const { model } = linearModel(w);
    // Insertion MoRF from 0: 0, 4, 7, 8, 6 → 0.25 · (2 + 5.5 + 7.5 + 7) = 5.5.
    const ins = await insertion({ model, x, attributions: a }, { steps: 4 });
    expect(ins.curves![0]!.y[0]).toEqual([0, 4, 7, 8, 6]);
    expect(ins.scores[0]).toBeCloseTo(5.5, 12);
    // LeRF deletion (order 2, 1, 3, 0): 6, 8, 7, 4, 0 → 0.25 · (7 + 7.5 + 5.5 + 2) = 5.5; minus MoRF 0.5 = 5.
    const ml = await morfLerf({ model, x, attributions: a }, { steps: 4 });
    expect(ml.curves![1]!.y[0]).toEqual([6, 8, 7, 4, 0]);
    expect(ml.scores[0]).toBeCloseTo(5, 12);
  });

  it('groups of a feature mask, |attribution| ranking, a baseline value and softmax', async () => {
    const { model } = linearModel(w);
    // Groups {0,1} (sum 5) and {2,3} (sum 1): 6, 6 − 5 = 1, 0 → 0.5 · (3.5 + 0.5) = 2.
    const g = await deletion({ model, x, attributions: a }, { steps: 2, featureMask: [0, 0, 1, 1] });
    expect(g.curves![0]!.y[0]).toEqual([6, 1, 0]);
    expect(g.scores[0]).toBeCloseTo(2, 12);
    // |a|: order 0, 3, 2, 1 → 6, 2, −1, 1, 0 → 0.25 · (4 + 0.5 + 0 + 0.5) = 1.25.
    expect((await deletion({ model, x, attributions: a }, { steps: 4, absolute: true })).scores[0]).toBeCloseTo(1.25, 12);
    // Baseline 1 = x: nothing changes, the curve is flat at 6, AUC 6.
    expect((await deletion({ model, x, attributions: a }, { steps: 4, baseline: 1 })).scores[0]).toBeCloseTo(6, 12);
    // Softmax of [wᵀx, 0]: y = 1 / (1 + e^(−wᵀx)) at each point.
    const s = await deletion({ model, x, attributions: a }, { steps: 4, softmax: true });
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    [6, 2, -1, -2, 0].forEach((v, k) => expect(s.curves![0]!.y[0]![k]).toBeCloseTo(sig(v), 6));
  });

  it('insertion from a blur: a constant image blurs to itself', async () => {
    const img = t([1, 3, 3, 1], Array(9).fill(0.7));
    expect(Array.from(pixelFlippingBlur(img, [3, 3, 1], 2))).toEqual(Array(9).fill(0).map(() => expect.closeTo(0.7, 6)));
    const { model } = linearModel(Array(9).fill(1), [3, 3, 1]);
    const r = await insertion({ model, x: img, attributions: t([1, 3, 3, 1], [...Array(9).keys()]) }, { steps: 3, insertionStart: 'blur', blurSigma: 1 });
    expect(r.curves![0]!.y[0]!.every((v) => Math.abs(v - 6.3) < 1e-5)).toBe(true);
  });

  it('is batched, per example, reports progress, refuses bad input and honours abort', async () => {
    const { model, rows } = linearModel(w);
    const x2 = t([2, 4], [1, 1, 1, 1, 1, 1, 1, 1]);
    const a2 = t([2, 4], [...w, ...w.map((v) => -v)]);
    const events: { done: number; total: number }[] = [];
    const r = await deletion({ model, x: x2, attributions: a2 }, { steps: 4, perturbationsPerEval: 2, onProgress: (p) => events.push(p) });
    // Example 2 ranks in LeRF order: its MoRF deletion is example 1's LeRF curve (AUC 5.5).
    expect(r.scores).toEqual([expect.closeTo(0.5, 12), expect.closeTo(5.5, 12)]);
    expect(events.at(-1)).toEqual({ done: 4, total: 4 }); // f(x) + ⌈5 points / 2 per call⌉
    expect(rows.count).toBe(2 + 10);
    await expect(deletion({ model, x, attributions: t([1, 2], [0, 0]) })).rejects.toThrow(ShapeError);
    await expect(deletion({ model, x, attributions: a }, { steps: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(insertion({ model, x, attributions: a }, { insertionStart: 'noise' as 'blur' })).rejects.toThrow(InvalidArgumentError);
    const ac = new AbortController();
    ac.abort();
    await expect(morfLerf({ model, x, attributions: a }, { signal: ac.signal })).rejects.toThrow(AbortError);
    expect([METRICS['deletion'], METRICS['insertion'], METRICS['morf-lerf']]).toEqual([deletionMetric, insertionMetric, morfLerfMetric]);
  });
});

describe('METRICS entries take the CLI form of their options (strings)', () => {
  it("run with every default given as a string gives the typed defaults' result", async () => {
    const { model } = linearModel(w);
    const typed = await deletionMetric.run({ model, x, attributions: a }, { steps: 4, softmax: true, baseline: 0.5 });
    const strings = await deletionMetric.run({ model, x, attributions: a }, { steps: '4', softmax: 'true', baseline: '0.5' });
    expect(strings.scores).toEqual(typed.scores);
    await expect(deletionMetric.run({ model, x, attributions: a }, { softmax: 'yes' })).rejects.toThrow(InvalidArgumentError);
  });
});
