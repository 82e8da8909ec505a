import { describe, expect, it } from 'vitest';
import { otherClasses, randomLogit, randomLogitMetric } from '../randomisation/random-logit.js';
import { METRICS } from '../registry.js';
import { edgeExplainer } from '../../_utils/control-explainers.js';
import { createReferenceModel } from '../../../reference-model.js';
import { AbortError, InvalidArgumentError } from '../../../errors.js';
import { convGraph, gradientExplainer, images, linearGraph, t } from './randomisation-models.js';

// y = x·B + c with columns B_0 = 1…7, B_1 = 7…1 (reversed), B_2 = 1…5, 7, 6 (one swap).
const COLUMNS = [
  [1, 2, 3, 4, 5, 6, 7],
  [7, 6, 5, 4, 3, 2, 1],
  [1, 2, 3, 4, 5, 7, 6],
];

describe('random logit', () => {
  it('other classes: never the target, uniform over the rest (statistical), seeded', () => {
    const targets = new Array<number>(3000).fill(2);
    const drawn = otherClasses(targets, 4, 1);
    expect(drawn.includes(2)).toBe(false);
    // Each of the 3 other classes: 1000 expected, binomial s.d. √(3000·⅓·⅔) ≈ 25.8; allow 4 s.d.
    for (const c of [0, 1, 3]) expect(Math.abs(drawn.filter((d) => d === c).length - 1000)).toBeLessThan(104);
    expect(otherClasses(targets, 4, 1)).toEqual(drawn);
    expect(otherClasses(targets, 4, 2)).not.toEqual(drawn);
  });

  it('on a linear model: the Spearman of the gradient columns B_t and B_c (hand values −1 and 0.9643)', async () => {
    // Saliency of class k is B_k. ρ(B_0, B_1) = −1 (reversed). ρ(B_0, B_2): one swap of adjacent
    // ranks, Σd² = 2 → 1 − 6·2/(7·48) = 0.9642857. ρ(B_1, B_2) = −0.9642857.
    const model = createReferenceModel(linearGraph(COLUMNS));
    const x = t([3, 7], new Array(21).fill(0.5));
    const explain = gradientExplainer();
    const target = [0, 0, 1];
    const attributions = await explain(model, x, { target });
    const res = await randomLogit({ model, x, attributions, explain, target }, { similarity: 'spearman', seed: 4 });
    const others = res.details!['otherClasses'] as number[];
    const rho: Record<string, number> = { '0,1': -1, '0,2': 1 - 12 / 336, '1,0': -1, '1,2': -(1 - 12 / 336) };
    others.forEach((c, i) => {
      expect(c).not.toBe(target[i]);
      expect(res.scores[i]).toBeCloseTo(rho[`${target[i]},${c}`]!, 12);
    });
    expect(res.higherIsBetter).toBe(false);
    expect(METRICS['random-logit']).toBe(randomLogitMetric);
  });

  it('the edge detector scores 1 (it ignores the class); a gradient map scores lower; SSIM is the default', async () => {
    const model = createReferenceModel(convGraph());
    const x = images(3);
    const edges = edgeExplainer();
    const e = await randomLogit({ model, x, attributions: await edges(model, x, {}), explain: edges });
    expect(e.details!['similarity']).toBe('ssim');
    for (const s of e.scores) expect(s).toBeCloseTo(1, 12);
    const explain = gradientExplainer();
    const g = await randomLogit({ model, x, attributions: await explain(model, x, {}), explain });
    for (const s of g.scores) expect(s).toBeLessThan(0.9);
  });

  it('typed errors: no explain, one output, output-seed tensors, abort', async () => {
    const model = createReferenceModel(linearGraph(COLUMNS));
    const x = t([1, 7], new Array(7).fill(1));
    const explain = gradientExplainer();
    const attributions = await explain(model, x, {});
    await expect(randomLogit({ model, x, attributions })).rejects.toThrow(InvalidArgumentError);
    const one = createReferenceModel(linearGraph([COLUMNS[0]!]));
    await expect(randomLogit({ model: one, x, attributions, explain })).rejects.toThrow(/at least 2 outputs/);
    const seed = { kind: 'tensor' as const, seed: t([1, 3], [1, 0, 0]) };
    await expect(randomLogit({ model, x, attributions, explain, target: seed })).rejects.toThrow(/class-index targets/);
    // A 7-feature vector map fits the 1×7 SSIM window (the default similarity).
    await expect(randomLogit({ model, x, attributions, explain })).resolves.toBeDefined();
    const ac = new AbortController();
    ac.abort();
    await expect(randomLogit({ model, x, attributions, explain }, { signal: ac.signal })).rejects.toThrow(AbortError);
  });
});
