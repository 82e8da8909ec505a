/**
 * Shapley values: exact efficiency on tiny_additive, sampling convergence to the exact values
 * (documented error at a given budget) with exact efficiency, determinism, linear-model identities.
 */
import { describe, expect, it } from 'vitest';
import { linearModel, spyModel } from '../../testing/index.js';
import { tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import { ShapleyValues } from './shapley-values.js';
import { ShapleyValueSampling, samplingPermutation } from './shapley-value-sampling.js';
import { createRng } from '../../random/prng.js';
import { analyticModel, baselineTensor, inputsTensor, loadFixture, row } from '../test/fixtures.js';

interface SamplingCheck {
  method: string;
  baseline: 'zeros' | 'nonzero';
  input_index: number;
  target: number;
  converges_to_exact_shapley: number[];
  efficiency_sum_should_equal: number;
}

const f = loadFixture('tiny_additive');
const model = analyticModel(f);
const x = inputsTensor(f);
const checks = (f.stochastic_checks as unknown as SamplingCheck[]).filter((c) => c.method === 'ShapleyValueSampling');

describe.each(['zeros', 'nonzero'] as const)('tiny_additive, %s baseline', (baseline) => {
  const cs = checks.filter((c) => c.baseline === baseline).sort((a, b) => a.input_index - b.input_index);
  const target = cs.map((c) => c.target);
  const baselines = baselineTensor(f, baseline);

  it('exact Shapley values are efficient: Σφ = f(x) − f(baseline) to 1e-6', async () => {
    expect(cs.length).toBe(4);
    const res = await new ShapleyValues(model).attribute(x, { target, baselines });
    expect(res.modelCalls).toBe(2); // the inputs, then all 2^6 · 4 coalition rows in one call
    for (const c of cs) {
      const sum = row(res.attributions, c.input_index).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - c.efficiency_sum_should_equal), `input ${c.input_index}`).toBeLessThan(1e-6);
      c.converges_to_exact_shapley.forEach((want, j) => expect(Math.abs(row(res.attributions, c.input_index)[j]! - want)).toBeLessThan(2e-7));
    }
  });

  it('Shapley value sampling: exactly efficient for any budget, converges to the exact values', async () => {
    // Documented error, max |φ̂ − φ| over the 4 inputs × 6 features (antithetic, seeds 0–2,
    // both baselines): 3.6e-3–5.8e-3 at 50 permutations, 1.4e-3–3.1e-3 at 300 (Captum's sanity
    // run at 300: up to 5.1e-3), 0.8e-3–2.0e-3 at 1,000, 0.3e-3–1.1e-3 at 5,000 (≈ 1/√n).
    // Without antithetic pairs the errors are ≈1.5–2× larger. Bounds below: seed 0.
    for (const [nSamples, bound] of [
      [1, Infinity],
      [50, 7e-3],
      [300, 4e-3],
      [1000, 1.5e-3],
    ] as const) {
      const res = await new ShapleyValueSampling(model).attribute(x, { target, baselines, nSamples, seed: 0 });
      let maxErr = 0;
      for (const c of cs) {
        const got = row(res.attributions, c.input_index);
        const sum = got.reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - c.efficiency_sum_should_equal), `n=${nSamples} input ${c.input_index}`).toBeLessThan(1e-6);
        got.forEach((g, j) => (maxErr = Math.max(maxErr, Math.abs(g - c.converges_to_exact_shapley[j]!))));
      }
      expect(maxErr, `nSamples ${nSamples}`).toBeLessThanOrEqual(bound);
    }
  });
});

describe('Shapley sampling determinism', () => {
  const target = [0, 1, 1, 0];
  it('same seed ⇒ bit-identical, for any batching; another seed differs', async () => {
    const a = await new ShapleyValueSampling(model).attribute(x, { target, nSamples: 7, seed: 3 });
    const b = await new ShapleyValueSampling(model).attribute(x, { target, nSamples: 7, seed: 3, maxRowsPerCall: 5 });
    const c = await new ShapleyValueSampling(model).attribute(x, { target, nSamples: 7, seed: 3, perturbationsPerEval: 1 });
    const d = await new ShapleyValueSampling(model).attribute(x, { target, nSamples: 7, seed: 4 });
    expect(b.attributions.data).toEqual(a.attributions.data);
    expect(c.attributions.data).toEqual(a.attributions.data);
    expect(d.attributions.data).not.toEqual(a.attributions.data);
    expect(c.modelCalls).toBe(1 + 1 + 7 * 6);
  });

  it('antithetic pairs: permutation 2k + 1 is the reverse of 2k; permutations are valid', () => {
    const root = createRng(5);
    const p0 = samplingPermutation(root, 0, 6, true);
    const p1 = samplingPermutation(root, 1, 6, true);
    expect(Array.from(p1)).toEqual(Array.from(p0).reverse());
    expect([...p0].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(samplingPermutation(root, 0, 6, false))).toEqual(Array.from(p0));
  });
});

describe('linear model: every Shapley estimate is w ⊙ (x − baseline)', () => {
  const w = [0.5, -2, 1.25, 3];
  const lin = linearModel([w], [0.75]);
  const xl = tensor([1, 2, -1, 0.5, -3, 0.25, 2, 1], [2, 4]);
  const base = tensor([0.5, 0, 1, -1], [4]);
  const want = [0, 1].map((i) => w.map((wj, j) => wj * (xl.data[i * 4 + j]! - base.data[j]!)));

  it('exact and sampled', async () => {
    const exact = await new ShapleyValues(lin).attribute(xl, { target: 0, baselines: base });
    const sampled = await new ShapleyValueSampling(lin).attribute(xl, { target: 0, baselines: base, nSamples: 3, seed: 9 });
    for (const res of [exact, sampled]) {
      [0, 1].forEach((i) => row(res.attributions, i).forEach((g, j) => expect(g).toBeCloseTo(want[i]![j]!, 6)));
    }
  });

  it('groups: a group gets the sum of its members', async () => {
    const res = await new ShapleyValues(lin).attribute(xl, { target: 0, baselines: base, featureMask: [0, 1, 1, 0] });
    [0, 1].forEach((i) => {
      const g0 = want[i]![0]! + want[i]![3]!;
      const g1 = want[i]![1]! + want[i]![2]!;
      expect(row(res.attributions, i).map((v) => Number(v.toFixed(5)))).toEqual([g0, g1, g1, g0].map((v) => Number(v.toFixed(5))));
    });
  });
});

describe('exact Shapley limits', () => {
  it('more than 20 features/groups is an InvalidArgumentError before any model call', async () => {
    const big = spyModel(linearModel([Array.from({ length: 21 }, () => 1)]));
    const xb = tensor(new Float32Array(21), [1, 21]);
    await expect(new ShapleyValues(big.model).attribute(xb, { target: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(new ShapleyValues(big.model).attribute(xb, { target: 0 })).rejects.toThrow(/21 features\/groups exceeds the limit of 20/);
    expect(big.calls).toEqual([]);
    // grouping brings it under the limit
    const res = await new ShapleyValues(big.model).attribute(xb, { target: 0, featureMask: Array.from({ length: 21 }, (_, j) => j % 3) });
    expect(res.attributions.shape).toEqual([1, 21]);
  });
});
