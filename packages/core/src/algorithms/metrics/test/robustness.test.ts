import { describe, expect, it } from 'vitest';
import { sensitivityMax, sensitivityMaxMetric } from '../robustness/sensitivity-max.js';
import { avgSensitivity, avgSensitivityMetric } from '../robustness/avg-sensitivity.js';
import { localLipschitz, localLipschitzMetric } from '../robustness/local-lipschitz.js';
import { METRICS } from '../registry.js';
import { linearModel } from '../../../testing/dense-relu-model.js';
import { saliencyMethod } from '../../gradient/saliency.js';
import { inputXGradientMethod } from '../../gradient/input-x-gradient.js';
import { createRng } from '../../../random/prng.js';
import { AbortError, InvalidArgumentError, ShapeError } from '../../../errors.js';
import type { Explainer, MetricInput } from '../../_utils/metric-spec.js';
import type { Perturbation } from '../../_utils/metric-reexplain.js';
import type { Tensor } from '../../../tensor.js';

/*
 * Truth: a linear model f(x) = W x. Saliency (the gradient) is the constant row w = W[t], so any
 * perturbation leaves it unchanged: every robustness score is exactly 0. Input × Gradient is w ⊙ x,
 * so Φ(x) − Φ(x + δ) = −w ⊙ δ: with a fixed, known perturbation set the scores are hand-computed.
 */
const W = [
  [1, -2, 3],
  [0.5, 0.5, -1],
];
const w = W[0]!;
const model = linearModel(W);
const saliency: Explainer = async (m, x, o) => (await saliencyMethod.run(m, x, o)).attributions;
const ixg: Explainer = async (m, x, o) => (await inputXGradientMethod.run(m, x, o)).attributions;
const x: Tensor = { shape: [2, 3], data: Float32Array.from([1, 1, 1, 2, 0, -1]) };
const target = [0, 0];

async function inputFor(explain: Explainer): Promise<MetricInput> {
  return { model, x, target, explain, attributions: await explain(model, x, { target }) };
}

/** The fixed perturbation set δ₁, δ₂, δ₃ (the same for each example; rows come sample by sample). */
const DELTAS = [
  [0.01, 0, 0],
  [0, -0.02, 0.01],
  [0.02, 0.02, 0.02],
];
function fixedPerturbation(): Perturbation {
  let row = 0;
  return (xi, out) => {
    const d = DELTAS[row++ % DELTAS.length]!;
    for (let j = 0; j < xi.length; j++) out[j] = xi[j]! + d[j]!;
  };
}
const norm2 = (v: number[]) => Math.hypot(...v);

/*
 * Captum's sensitivity_max, read line by line: perturbations x + U(−r, r) per value
 * (default_perturb_func), the explanation difference flattened per row, torch.norm(p='fro', dim=1)
 * — the 2-norm of that row — divided by the same norm of the original explanation with 0 replaced by
 * 1, then the max over the n_perturb_samples rows of each example. The expected values below follow
 * those steps by hand.
 */
describe('sensitivity-max (Captum sensitivity_max)', () => {
  it('divides by 1 where the original explanation is all zero (Captum torch.where(norm == 0, 1, norm))', async () => {
    // Φ(x) given as 0; the explainer returns w ⊙ x′, so each difference is ‖w ⊙ (x + δ)‖.
    const input = { ...(await inputFor(ixg)), attributions: { shape: [2, 3], data: new Float32Array(6) } };
    const r = await sensitivityMax(input, { nPerturbSamples: 3, perturb: fixedPerturbation() });
    // Example 0, x + δ₃ = (1.02, 1.02, 1.02) gives the largest: 1.02·√14.
    expect(r.scores[0]).toBeCloseTo(1.02 * Math.sqrt(14), 5);
  });

  it('is exactly 0 for saliency on a linear model (the gradient does not depend on x)', async () => {
    const r = await sensitivityMax(await inputFor(saliency), { seed: 3 });
    expect(r.scores).toEqual([0, 0]);
    expect(r.higherIsBetter).toBe(false);
  });

  it('matches the hand-computed max over a fixed perturbation set for Input × Gradient', async () => {
    // ‖w ⊙ δₛ‖₂ = 0.01, 0.05, 0.02·√14; the max 0.02·√14. Captum divides by ‖Φ(x)‖ = ‖w ⊙ x‖:
    // example 0, x = (1,1,1): √14 → 0.02; example 1, x = (2,0,−1): ‖(2,0,−3)‖ = √13.
    const input = await inputFor(ixg);
    const r = await sensitivityMax(input, { nPerturbSamples: 3, perturb: fixedPerturbation() });
    expect(r.scores[0]).toBeCloseTo(0.02, 6);
    expect(r.scores[1]).toBeCloseTo((0.02 * Math.sqrt(14)) / Math.sqrt(13), 6);
    expect(r.details?.['argmaxSample']).toEqual([2, 2]);
    // Without Captum's normalisation: the plain max, 0.02·√14 for both.
    const raw = await sensitivityMax(input, { nPerturbSamples: 3, perturb: fixedPerturbation(), normalise: false });
    expect(raw.scores[0]).toBeCloseTo(0.02 * Math.sqrt(14), 6);
    expect(raw.scores[1]).toBeCloseTo(0.02 * Math.sqrt(14), 6);
    // norm 'inf': max |w ⊙ δ| = 0.01, 0.04, 0.06 → 0.06, over ‖w ⊙ x‖∞ = 3 (example 0) and 3 (example 1).
    const inf = await sensitivityMax(input, { nPerturbSamples: 3, perturb: fixedPerturbation(), norm: 'inf' });
    expect(inf.scores[0]).toBeCloseTo(0.02, 6);
    expect(inf.scores[1]).toBeCloseTo(0.02, 6);
  });

  it('with the default uniform noise equals the max recomputed from the documented draws', async () => {
    // Draws: one generator seeded with `seed`, rows example-major, δ = r(2u − 1) per value in order.
    const input = await inputFor(ixg);
    const r = await sensitivityMax(input, { seed: 11, perturbRadius: 0.05, nPerturbSamples: 7 });
    const rng = createRng(11);
    const expected = [0, 1].map((i) => {
      const xi = Array.from(x.data.subarray(i * 3, i * 3 + 3));
      const denom = norm2(xi.map((v, j) => w[j]! * v));
      let best = 0;
      for (let s = 0; s < 7; s++) {
        const xp = xi.map((v) => Math.fround(v + 0.05 * (2 * rng.uniform() - 1)));
        best = Math.max(best, norm2(xp.map((v, j) => w[j]! * (v - xi[j]!))) / denom);
      }
      return best;
    });
    expect(r.scores[0]).toBeCloseTo(expected[0]!, 6);
    expect(r.scores[1]).toBeCloseTo(expected[1]!, 6);
    // Bounded by the L∞ ball: ‖w ⊙ δ‖ ≤ r‖w‖.
    expect(r.scores[0]).toBeLessThanOrEqual(0.05 + 1e-6); // r‖w‖ / ‖w ⊙ (1,1,1)‖ = r
  });

  it('is seeded and does not depend on perturbationsPerEval; reports progress; resolves argmax targets', async () => {
    const input = { ...(await inputFor(ixg)), target: undefined };
    const events: { done: number; total: number }[] = [];
    const a = await sensitivityMax(input, { seed: 5, onProgress: (p) => events.push(p) });
    const b = await sensitivityMax(input, { seed: 5, perturbationsPerEval: 3 });
    const c = await sensitivityMax(input, { seed: 6 });
    expect(b.scores).toEqual(a.scores);
    expect(c.scores).not.toEqual(a.scores);
    expect(a.details?.['targets']).toEqual([0, 1]); // W x = (2, 0) and (−1, 2): argmax 0 and 1
    expect(events.at(-1)).toEqual({ done: 2, total: 2 }); // one forward (argmax) + one explainer call
    expect(b.details?.['explainerCalls']).toBe(7); // 20 rows in chunks of 3
  });

  it('refuses a missing explainer, a wrong-shaped re-explanation, and honours abort', async () => {
    const input = await inputFor(ixg);
    await expect(sensitivityMax({ ...input, explain: undefined })).rejects.toThrow(/sensitivity-max needs the 'explain' input/);
    await expect(sensitivityMax({ ...input, explain: undefined })).rejects.toBeInstanceOf(InvalidArgumentError);
    const bad: Explainer = async (_m, xp) => ({ shape: [xp.shape[0]!, 2], data: new Float32Array(xp.shape[0]! * 2) });
    await expect(sensitivityMax({ ...input, explain: bad })).rejects.toBeInstanceOf(ShapeError);
    await expect(sensitivityMax(input, { nPerturbSamples: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(sensitivityMax(input, { norm: 'nuc' })).rejects.toBeInstanceOf(InvalidArgumentError);
    const ac = new AbortController();
    ac.abort();
    await expect(sensitivityMax(input, { signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
    // Aborted between explainer calls: stops after the first of 10 calls.
    const mid = new AbortController();
    let calls = 0;
    const counting: Explainer = async (m, xp, o) => (calls++, ixg(m, xp, o));
    const run = sensitivityMax({ ...input, explain: counting }, { perturbationsPerEval: 2, signal: mid.signal, onProgress: () => mid.abort() });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(calls).toBe(1);
  });
});

describe('avg-sensitivity (Quantus AvgSensitivity)', () => {
  it('is 0 for saliency on a linear model and the hand-computed mean for Input × Gradient', async () => {
    expect((await avgSensitivity(await inputFor(saliency))).scores).toEqual([0, 0]);
    const r = await avgSensitivity(await inputFor(ixg), { nSamples: 3, perturb: fixedPerturbation() });
    const mean = (0.01 + 0.05 + 0.02 * Math.sqrt(14)) / 3;
    expect(r.scores[0]).toBeCloseTo(mean / Math.sqrt(14), 6);
    expect(r.scores[1]).toBeCloseTo(mean / Math.sqrt(13), 6);
  });

  it('tends to its expectation under uniform noise (statistical, fixed seed)', async () => {
    // δ ~ U(−r, r)³: E‖w ⊙ δ‖² = r²/3 · Σw² = r²·14/3. With r = 0.2 the mean of ‖w⊙δ‖ lies below
    // √(E‖·‖²) (Jensen) and above E‖·‖₁/√3 = (r/2)·Σ|w|/√3 = 0.1·6/√3 (norm inequality).
    const input = await inputFor(ixg);
    const r = await avgSensitivity(input, { seed: 1, nSamples: 400 });
    const upper = (0.2 * Math.sqrt(14 / 3)) / Math.sqrt(14);
    const lower = (0.1 * 6) / Math.sqrt(3) / Math.sqrt(14);
    expect(r.scores[0]).toBeLessThan(upper);
    expect(r.scores[0]).toBeGreaterThan(lower);
  });
});

describe('local-lipschitz (Quantus LocalLipschitzEstimate)', () => {
  it('is 0 for saliency on a linear model and the hand-computed max ratio for Input × Gradient', async () => {
    expect((await localLipschitz(await inputFor(saliency))).scores).toEqual([0, 0]);
    // ‖w ⊙ δ‖ / ‖δ‖: δ₁ → 1; δ₂ → 0.05 / √0.0005 = √5; δ₃ → √14 / √3. Max √5 (inputs independent).
    const r = await localLipschitz(await inputFor(ixg), { nSamples: 3, perturb: fixedPerturbation() });
    expect(r.scores[0]).toBeCloseTo(Math.sqrt(5), 4);
    expect(r.scores[1]).toBeCloseTo(Math.sqrt(5), 4);
  });

  it('never exceeds max|wⱼ| and approaches it with many Gaussian samples; seeded', async () => {
    // ‖w ⊙ ε‖ / ‖ε‖ ≤ max|w| = 3, reached when ε points along feature 3.
    const input = await inputFor(ixg);
    const r = await localLipschitz(input, { seed: 2, nSamples: 300 });
    expect(r.scores[0]).toBeLessThanOrEqual(3 + 1e-4);
    expect(r.scores[0]).toBeGreaterThan(2.8);
    expect((await localLipschitz(input, { seed: 2, nSamples: 300, perturbationsPerEval: 64 })).scores).toEqual(r.scores);
    await expect(localLipschitz(input, { perturbStd: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

it('the robustness entries are registered and need the explainer', async () => {
  for (const e of [sensitivityMaxMetric, avgSensitivityMetric, localLipschitzMetric]) {
    expect(METRICS[e.id]).toBe(e);
    expect(e.needs.explain).toBe(true);
    expect(e.family).toBe('robustness');
  }
  expect(sensitivityMaxMetric.defaults).toEqual({ perturbRadius: 0.02, nPerturbSamples: 10, norm: 'fro', normalise: true });
  const input = await inputFor(ixg);
  expect((await sensitivityMaxMetric.run(input, { seed: 4 })).scores).toEqual((await sensitivityMax(input, { seed: 4 })).scores);
});
