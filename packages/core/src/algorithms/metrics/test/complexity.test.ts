import { describe, expect, it } from 'vitest';
import { attributionEntropy, entropyComplexity, entropyMetric } from '../complexity/entropy.js';
import { effectiveComplexity, effectiveComplexityMetric, effectiveCount } from '../complexity/effective-complexity.js';
import { METRICS } from '../registry.js';
import { fromFunction } from '../../../function-model.js';
import { InvalidArgumentError, ShapeError } from '../../../errors.js';

const model = fromFunction(async (x) => x, { inputShape: [4], outputShape: [4] });
const x = { shape: [2, 4], data: new Float32Array(8) };

describe('entropy (Bhatt et al. 2020; Quantus Complexity)', () => {
  it('matches hand-computed entropies', () => {
    // One feature holds everything: p = (0,0,1,0), H = 0.
    expect(attributionEntropy([0, 0, -7, 0])).toBe(0);
    // Uniform |a|: p = 1/4 each, H = ln 4; signs do not matter.
    expect(attributionEntropy([1, -1, 1, -1])).toBeCloseTo(Math.log(4), 12);
    // |a| = (1, 1, 2): p = (¼, ¼, ½), H = 2·¼·ln 4 + ½·ln 2 = 1.5 ln 2.
    expect(attributionEntropy([1, -1, 2])).toBeCloseTo(1.5 * Math.log(2), 12);
    // All zero: treated as uniform.
    expect(attributionEntropy([0, 0, 0])).toBeCloseTo(Math.log(3), 12);
  });

  it('scores each example (lower is better) and is registered', async () => {
    const attributions = { shape: [2, 4], data: Float32Array.from([0, 3, 0, 0, 1, 1, 1, 1]) };
    const r = entropyComplexity({ model, x, attributions });
    expect(r.scores[0]).toBe(0);
    expect(r.scores[1]).toBeCloseTo(Math.log(4), 6);
    expect(r.higherIsBetter).toBe(false);
    expect(METRICS['entropy']).toBe(entropyMetric);
    expect((await entropyMetric.run({ model, x, attributions })).scores).toEqual(r.scores);
    expect(() => entropyComplexity({ model, x, attributions: { shape: [2, 3], data: new Float32Array(6) } })).toThrow(ShapeError);
  });
});

describe('effective complexity (Nguyen & Martínez 2020; Quantus EffectiveComplexity)', () => {
  it('counts values above eps after dividing by the peak', () => {
    // |a| / max = (1, 1e-6, 0.5, 2e-5): above 1e-5 → 3.
    expect(effectiveCount([-2, 2e-6, 1, 4e-5], 1e-5)).toBe(3);
    // Raw threshold: 2, 1 and 4e-5 exceed 1e-5; 2e-6 does not → 3; with eps 0.5: 2 and 1 → 2.
    expect(effectiveCount([-2, 2e-6, 1, 4e-5], 0.5, false)).toBe(2);
    // Normalised with eps 0.5: |a|/2 = (1, 1e-6, 0.5, 2e-5): only 1 > 0.5 (0.5 is not above) → 1.
    expect(effectiveCount([-2, 2e-6, 1, 4e-5], 0.5)).toBe(1);
    expect(effectiveCount([0, 0], 1e-5)).toBe(0);
  });

  it('scores each example, takes its options and is registered', async () => {
    const attributions = { shape: [2, 4], data: Float32Array.from([1, 0, 0, 0, 1, 0.5, 0.25, 1e-7]) };
    const r = effectiveComplexity({ model, x, attributions });
    expect(r.scores).toEqual([1, 3]);
    expect(effectiveComplexity({ model, x, attributions }, { eps: 0.3 }).scores).toEqual([1, 2]);
    expect(METRICS['effective-complexity']).toBe(effectiveComplexityMetric);
    expect(effectiveComplexityMetric.defaults).toEqual({ eps: 1e-5, normalise: true });
    expect((await effectiveComplexityMetric.run({ model, x, attributions }, { eps: '0.3', normalise: 'true' })).scores).toEqual([1, 2]);
    expect(() => effectiveComplexity({ model, x, attributions }, { eps: -1 })).toThrow(InvalidArgumentError);
  });
});
