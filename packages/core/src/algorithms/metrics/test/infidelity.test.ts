import { describe, expect, it } from 'vitest';
import { infidelity, infidelityMetric } from '../faithfulness/infidelity.js';
import { METRICS } from '../registry.js';
import { AbortError, InvalidArgumentError, ShapeError } from '../../../errors.js';
import { linearModel, t } from './faith-helpers.js';

// Captum's definition (captum/metrics/_core/infidelity.py): for perturbations I_k and
// Δf_k = f(x) − f(x − I_k), with s0 = Σ_k (I_kᵀa)², s1 = Σ_k I_kᵀa·Δf_k, s2 = Σ_k Δf_k²,
//   normalize=False: INFD = (s0 − 2 s1 + s2) / K = mean_k (I_kᵀa − Δf_k)²,
//   normalize=True:  β = s1 / s0 and INFD = (β² s0 − 2β s1 + s2) / K = mean_k (β I_kᵀa − Δf_k)².
// On a linear model f(x) = wᵀx, Δf_k = wᵀI_k exactly, so every value below follows by hand.
const w = [1, -2, 3, 0.5];
const x = t([1, 4], [1, 1, 1, 1]);

/** A fixed perturbation set: I_k = 0.5 e_k, k = 0…3 (one example; the k-th call writes I_k). */
function unitPerturbations() {
  let k = 0;
  return (_x: Float32Array, _rng: unknown, out: Float32Array) => {
    out[k++ % 4] = 0.5;
  };
}

describe('infidelity (Captum infidelity)', () => {
  it('is 0 for a = w under any perturbation (Iᵀa = wᵀI = Δf)', async () => {
    const { model } = linearModel(w);
    const r = await infidelity({ model, x, attributions: t([1, 4], w) }, { nPerturbSamples: 50, noiseStd: 0.5 });
    expect(r.scores[0]).toBeLessThan(1e-10);
    expect(r.higherIsBetter).toBe(false);
  });

  it('matches the hand-computed values on a fixed perturbation set', async () => {
    const { model } = linearModel(w);
    const run = (a: number[], normalize: boolean) =>
      infidelity({ model, x, attributions: t([1, 4], a) }, { nPerturbSamples: 4, normalize, perturbFunc: unitPerturbations() });
    // a = 2w: I_kᵀa = w_k, Δf_k = 0.5 w_k → mean (0.5 w_k)² = 0.25 · (1 + 4 + 9 + 0.25) / 4 = 0.890625.
    expect((await run([2, -4, 6, 1], false)).scores[0]).toBeCloseTo(0.890625, 6);
    // normalize: β = Σ w_k · 0.5 w_k / Σ w_k² = 0.5, β I_kᵀa = Δf_k → 0.
    const nr = await run([2, -4, 6, 1], true);
    expect(nr.scores[0]).toBeCloseTo(0, 10);
    expect((nr.details!['beta'] as number[])[0]).toBeCloseTo(0.5, 10);
    // a = (2, 0, 0, 0): I_kᵀa = (1, 0, 0, 0), Δf = (0.5, −1, 1.5, 0.25):
    // (1 − 0.5)² + 1 + 2.25 + 0.0625 = 3.5625 → /4 = 0.890625;
    // normalize: β = (1 · 0.5) / 1 = 0.5 → 0 + 1 + 2.25 + 0.0625 = 3.3125 → /4 = 0.828125.
    expect((await run([2, 0, 0, 0], false)).scores[0]).toBeCloseTo(0.890625, 6);
    expect((await run([2, 0, 0, 0], true)).scores[0]).toBeCloseTo(0.828125, 6);
    // a = 0: β = 0 (Captum's safe_div), INFD = mean Δf² = 0.25 · 14.25 / 4 = 0.890625 either way.
    expect((await run([0, 0, 0, 0], true)).scores[0]).toBeCloseTo(0.890625, 6);
  });

  it('estimates E[(wᵀI)²] = σ²‖w‖² for a = 0 under the default Gaussian perturbation (statistical)', async () => {
    const { model } = linearModel(w);
    // σ = 0.1, ‖w‖² = 14.25 → 0.1425; (wᵀI)² is σ²‖w‖² χ²₁: relative sd of a mean of 4000 is √(2/4000) ≈ 2.2 %.
    const r = await infidelity({ model, x, attributions: t([1, 4], [0, 0, 0, 0]) }, { nPerturbSamples: 4000, noiseStd: 0.1, seed: 3 });
    expect(Math.abs(r.scores[0]! - 0.1425) / 0.1425).toBeLessThan(0.1);
  });

  it('is seeded, independent of perturbationsPerEval, and reports progress', async () => {
    const { model, rows } = linearModel(w);
    const input = { model, x: t([2, 4], [1, 2, 3, 4, -1, 0, 1, 2]), attributions: t([2, 4], [1, 0, 0, 1, 0, 1, 1, 0]) };
    const events: { done: number; total: number }[] = [];
    const a = await infidelity(input, { seed: 7, nPerturbSamples: 20, noiseStd: 0.2, onProgress: (p) => events.push(p) });
    const b = await infidelity(input, { seed: 7, nPerturbSamples: 20, noiseStd: 0.2, perturbationsPerEval: 3 });
    const c = await infidelity(input, { seed: 8, nPerturbSamples: 20, noiseStd: 0.2 });
    expect(b.scores).toEqual(a.scores);
    expect(c.scores).not.toEqual(a.scores);
    expect(events.at(-1)).toEqual({ done: 2, total: 2 });
    expect(rows.count).toBe(3 * (2 + 40));
    expect(METRICS['infidelity']).toBe(infidelityMetric);
    expect((await infidelityMetric.run(input, { seed: 7, nPerturbSamples: 20, noiseStd: 0.2 })).scores).toEqual(a.scores);
  });

  it('refuses bad shapes and options, and honours abort', async () => {
    const { model } = linearModel(w);
    await expect(infidelity({ model, x, attributions: t([1, 3], [0, 0, 0]) })).rejects.toThrow(ShapeError);
    await expect(infidelity({ model, x, attributions: t([1, 4], w) }, { nPerturbSamples: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(infidelity({ model, x, attributions: t([1, 4], w) }, { noiseStd: -1 })).rejects.toThrow(InvalidArgumentError);
    const ac = new AbortController();
    ac.abort();
    await expect(infidelity({ model, x, attributions: t([1, 4], w) }, { signal: ac.signal })).rejects.toThrow(AbortError);
  });
});

describe('faithfulness metrics: failures surface as typed errors', () => {
  it('a model returning NaN is a NumericError; an abort between calls stops the run', async () => {
    const { fromFunction } = await import('../../../function-model.js');
    const { NumericError } = await import('../../../errors.js');
    const { deletion } = await import('../faithfulness/pixel-flipping.js');
    const nan = fromFunction(async (x) => ({ shape: [x.shape[0]!, 1], data: new Float32Array(x.shape[0]!).fill(NaN) }), { inputShape: [4], outputShape: [1] });
    await expect(infidelity({ model: nan, x, attributions: t([1, 4], w) })).rejects.toThrow(NumericError);
    const { model, rows } = linearModel(w);
    const ac = new AbortController();
    const run = deletion({ model, x, attributions: t([1, 4], w) }, { steps: 20, perturbationsPerEval: 1, signal: ac.signal, onProgress: (p) => p.done === 3 && ac.abort() });
    await expect(run).rejects.toThrow(AbortError);
    expect(rows.count).toBe(3); // f(x) and two points, then nothing
  });
});
