import { describe, expect, it } from 'vitest';
import { gini, sparseness, sparsenessMetric } from '../complexity/sparseness.js';
import { METRICS } from '../registry.js';
import { fromFunction } from '../../../function-model.js';
import { ShapeError, InvalidArgumentError } from '../../../errors.js';

const model = fromFunction(async (x) => x, { inputShape: [4], outputShape: [4] });

describe('sparseness (Gini index)', () => {
  it('matches hand-computed Gini indices', () => {
    // Uniform mass: every (2i − n − 1) term cancels → 0.
    expect(gini([1, 1, 1, 1])).toBe(0);
    // One feature holds all: sorted (0,0,0,5): (2·4 − 5)·5 / (4·5) = 3/4 = (n − 1)/n.
    expect(gini([0, 5, 0, 0])).toBeCloseTo(0.75, 12);
    // (1,2,3,4), n = 4, Σ = 10: (−3·1 − 1·2 + 1·3 + 3·4) / (4·10) = 10/40 = 0.25; signs do not matter.
    expect(gini([4, -1, 3, -2])).toBeCloseTo(0.25, 12);
    expect(gini([0, 0, 0])).toBe(0);
  });

  it('scores each example and is registered', async () => {
    const x = { shape: [2, 4], data: new Float32Array(8) };
    const attributions = { shape: [2, 4], data: Float32Array.from([1, 1, 1, 1, 0, 5, 0, 0]) };
    const r = sparseness({ model, x, attributions });
    expect(r.scores[0]).toBe(0);
    expect(r.scores[1]).toBeCloseTo(0.75, 6);
    expect(r.mean).toBeCloseTo(0.375, 6);
    expect(METRICS['sparseness']).toBe(sparsenessMetric);
    expect((await sparsenessMetric.run({ model, x, attributions })).scores).toEqual(r.scores);
  });

  it('refuses maps of the wrong shape or with NaN', () => {
    const x = { shape: [1, 4], data: new Float32Array(4) };
    expect(() => sparseness({ model, x, attributions: { shape: [1, 3], data: new Float32Array(3) } })).toThrow(ShapeError);
    expect(() => sparseness({ model, x, attributions: { shape: [1, 4], data: Float32Array.from([0, NaN, 0, 0]) } })).toThrow(InvalidArgumentError);
  });
});
