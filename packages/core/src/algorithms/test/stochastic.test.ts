/**
 * SmoothGrad and GradientSHAP against the fixtures' `stochastic_checks` (expected values from
 * a float64 Monte-Carlo / a 20001-point IG integral, with per-sample spreads), plus seeding,
 * partition-independence and degenerate-noise identities.
 *
 * Statistical criterion (the fixtures' 'how_to_check'): with N samples,
 *   SmoothGrad:   |est − E| ≤ 4·sqrt(σ²/N + se²) + floor
 *   GradientSHAP: |est − E| ≤ 4·σ/√N + floor
 * where floor = 1e-6·|E| + 1e-9 covers float32 rounding where σ = 0 (the gradient is constant
 * under the noise). Seeds are fixed, so the outcome is deterministic; all checks pass together.
 */
import { describe, expect, it } from 'vitest';
import { NoiseTunnel } from '../gradient/noise-tunnel.js';
import { GradientShap } from '../gradient/gradient-shap.js';
import { Saliency } from '../gradient/saliency.js';
import { IntegratedGradients } from '../gradient/integrated-gradients.js';
import { tensor } from '../../tensor.js';
import { MODEL_NAMES, analyticModel, baselineTensor, inputsTensor, loadFixture, row, type Fixture, type StochasticCheck } from './fixtures.js';

const floor = (e: number) => 1e-6 * Math.abs(e) + 1e-9;

function checksOf(f: Fixture, method: string, pred: (c: StochasticCheck) => boolean): StochasticCheck[] {
  const cs = f.stochastic_checks.filter((c) => c.method === method && pred(c)).sort((a, b) => a.input_index - b.input_index);
  expect(cs.length).toBe(f.inputs.length);
  return cs;
}

describe.each(MODEL_NAMES)('stochastic checks: %s', (name) => {
  const f = loadFixture(name);
  const model = analyticModel(f);
  const x = inputsTensor(f);

  it.each([false, true])('SmoothGrad (stdevs 0.1, abs=%s) converges to the expected value', async (abs) => {
    const checks = checksOf(f, 'NoiseTunnel(Saliency) smoothgrad', (c) => c.params.abs === abs);
    const N = 400;
    const res = await new NoiseTunnel(new Saliency(model)).attribute(x, {
      target: checks.map((c) => c.target),
      ntType: 'smoothgrad',
      nSamples: N,
      stdevs: checks[0]!.params.stdevs,
      abs,
      seed: 11,
    });
    expect(res.method).toBe('smoothgrad');
    for (const c of checks) {
      const got = row(res.attributions, c.input_index);
      got.forEach((g, j) => {
        const e = c.expected_value[j]!;
        const tol = 4 * Math.sqrt(c.per_sample_std[j]! ** 2 / N + (c.expected_value_standard_error?.[j] ?? 0) ** 2) + floor(e);
        expect(Math.abs(g - e), `input ${c.input_index} [${j}] got ${g} want ${e}`).toBeLessThanOrEqual(tol);
      });
    }
  });

  it.each(['zeros', 'nonzero'] as const)('GradientShap (%s baseline, stdevs 0) converges to the expected value', async (baseline) => {
    const checks = checksOf(f, 'GradientShap', (c) => c.baseline === baseline);
    const N = 400;
    const res = await new GradientShap(model).attribute(x, {
      target: checks.map((c) => c.target),
      baselines: baselineTensor(f, baseline),
      nSamples: N,
      stdevs: 0,
      seed: 5,
    });
    expect(res.method).toBe('gradient-shap');
    expect(res.delta!.length).toBe(f.inputs.length * N);
    for (const c of checks) {
      const got = row(res.attributions, c.input_index);
      got.forEach((g, j) => {
        const e = c.expected_value[j]!;
        const tol = (4 * c.per_sample_std[j]!) / Math.sqrt(N) + floor(e);
        expect(Math.abs(g - e), `input ${c.input_index} [${j}] got ${g} want ${e}`).toBeLessThanOrEqual(tol);
      });
      // With stdevs = 0 every sample has x̃ = x and b = the baseline, so the mean per-sample delta
      // equals Σ attr − (f(x) − f(b)), with f(x) − f(b) from the fixture (float64).
      const i = c.input_index;
      const deltas = Array.from(res.delta!.subarray(i * N, (i + 1) * N));
      const meanDelta = deltas.reduce((a, b) => a + b, 0) / N;
      const sumAttr = got.reduce((a, b) => a + b, 0);
      expect(Math.abs(meanDelta - (sumAttr - c.f_x_minus_f_baseline!))).toBeLessThan(1e-6);
    }
  });
});

describe('seeding and reproducibility', () => {
  const f = loadFixture('mlp_tabular');
  const model = analyticModel(f);
  const x = inputsTensor(f);
  const target = f.targets;

  it('NoiseTunnel: same seed → bit-identical, different seed → different', async () => {
    const nt = new NoiseTunnel(new Saliency(model));
    const a = await nt.attribute(x, { target, nSamples: 10, seed: 3 });
    const b = await nt.attribute(x, { target, nSamples: 10, seed: 3 });
    const c = await nt.attribute(x, { target, nSamples: 10, seed: 4 });
    expect(b.attributions.data).toEqual(a.attributions.data);
    expect(Buffer.from(b.attributions.data.buffer).equals(Buffer.from(a.attributions.data.buffer))).toBe(true);
    expect(c.attributions.data).not.toEqual(a.attributions.data);
  });

  it('NoiseTunnel: nSamplesBatchSize and internalBatchSize do not change the result (bit-identical)', async () => {
    const nt = new NoiseTunnel(new Saliency(model));
    const base = await nt.attribute(x, { target, nSamples: 7, seed: 9, ntType: 'vargrad' });
    const parts = await nt.attribute(x, { target, nSamples: 7, seed: 9, ntType: 'vargrad', nSamplesBatchSize: 3, internalBatchSize: 5 });
    expect(parts.attributions.data).toEqual(base.attributions.data);
    // 1 forward + partitions of 3, 3, 1 samples × 4 examples = 12, 12, 4 rows in chunks of ≤ 5
    expect(base.modelCalls).toBe(2);
    expect(parts.modelCalls).toBe(1 + 3 + 3 + 1);
  });

  it('GradientShap: same seed → bit-identical, different seed → different, internalBatchSize irrelevant', async () => {
    const gs = new GradientShap(model);
    const opts = { target, baselines: tensor([...f.baselines.zeros, ...f.baselines.nonzero], [2, 10]), nSamples: 12, stdevs: 0.05 };
    const a = await gs.attribute(x, { ...opts, seed: 1 });
    const b = await gs.attribute(x, { ...opts, seed: 1, internalBatchSize: 7 });
    const c = await gs.attribute(x, { ...opts, seed: 2 });
    expect(b.attributions.data).toEqual(a.attributions.data);
    expect(b.delta).toEqual(a.delta);
    expect(c.attributions.data).not.toEqual(a.attributions.data);
    expect(a.modelCalls).toBe(2);
  });

  it('SmoothGrad with stdevs 0 equals Saliency exactly; smoothgrad_sq = Saliency², vargrad = 0', async () => {
    const nt = new NoiseTunnel(new Saliency(model));
    const sal = await new Saliency(model).attribute(x, { target });
    const sg = await nt.attribute(x, { target, stdevs: 0, nSamples: 5 });
    expect(sg.attributions.data).toEqual(sal.attributions.data);
    const sq = await nt.attribute(x, { target, stdevs: 0, nSamples: 5, ntType: 'smoothgrad_sq' });
    sq.attributions.data.forEach((v, k) => expect(v).toBe(Math.fround(sal.attributions.data[k]! ** 2)));
    const vg = await nt.attribute(x, { target, stdevs: 0, nSamples: 5, ntType: 'vargrad' });
    vg.attributions.data.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-12));
  });

  it('vargrad = smoothgrad_sq − smoothgrad² for the same noise (abs=false)', async () => {
    const nt = new NoiseTunnel(new Saliency(model));
    const o = { target, nSamples: 20, seed: 21, abs: false } as const;
    const m = await nt.attribute(x, { ...o, ntType: 'smoothgrad' });
    const s = await nt.attribute(x, { ...o, ntType: 'smoothgrad_sq' });
    const v = await nt.attribute(x, { ...o, ntType: 'vargrad' });
    v.attributions.data.forEach((val, k) => {
      const want = s.attributions.data[k]! - m.attributions.data[k]! ** 2;
      // s and m are float32-rounded here; vargrad was formed in float64 before its rounding
      expect(Math.abs(val - want)).toBeLessThanOrEqual(2e-7 * (Math.abs(s.attributions.data[k]!) + m.attributions.data[k]! ** 2) + 1e-12);
      expect(val).toBeGreaterThanOrEqual(-1e-12);
    });
  });

  it('NoiseTunnel over IntegratedGradients: stdevs 0 reproduces IG; deltas are N × nSamples', async () => {
    const b = baselineTensor(f, 'nonzero');
    const ig = await new IntegratedGradients(model).attribute(x, { target, baselines: b, steps: 20 });
    const nt = await new NoiseTunnel(new IntegratedGradients(model)).attribute(x, { target, baselines: b, steps: 20, stdevs: 0, nSamples: 3 });
    expect(nt.method).toBe('smoothgrad:integrated-gradients');
    nt.attributions.data.forEach((v, k) => expect(Math.abs(v - ig.attributions.data[k]!)).toBeLessThanOrEqual(1e-7 * Math.abs(v) + 1e-12));
    expect(nt.delta!.length).toBe(4 * 3);
    for (let i = 0; i < 4; i++) for (let s = 0; s < 3; s++) expect(Math.abs(nt.delta![i * 3 + s]! - ig.delta![i]!)).toBeLessThan(1e-8);
  });
});
