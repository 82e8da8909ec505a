import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KernelShap } from './kernel-shap.js';
import { coalitionDesign } from './kernel-shap-coalitions.js';
import { linearModel, spyModel } from '../../testing/index.js';
import { fromFunction } from '../../function-model.js';
import { createRng } from '../../random/prng.js';
import { tensor, type Tensor } from '../../tensor.js';
import type { Model } from '../../model.js';
import { AbortError, InvalidArgumentError, ShapeError, TargetError } from '../../errors.js';
import { analyticModel, baselineTensor, fixturePath, inputsTensor, loadFixture } from '../test/fixtures.js';

interface ShapFixture {
  shapley_values: Array<{ input_index: number; target: number; baseline: 'zeros' | 'nonzero'; exact_float64: number[] }>;
  kernel_shap_checks: Array<{ input_index: number; baseline: 'zeros' | 'nonzero'; efficiency_sum_should_equal: number; captum_max_abs_err_vs_exact: number }>;
}
const shapFixture = JSON.parse(readFileSync(fixturePath('kernel_shap_tiny_additive.json'), 'utf8')) as ShapFixture;

function randomTensor(shape: number[], seed: number): Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
}

const F = 5;
const W = [
  [1, -2, 0.5, 3, -0.25],
  [0.5, 1, -1, 0.2, 2],
];
const lin = linearModel(W, [0.3, -0.1]);

/** (x − E[bg]) · w_t per feature, float64. */
function linearShap(x: Tensor, bg: Tensor, targets: number[]): number[][] {
  const n = x.shape[0]!;
  const b = bg.shape[0]!;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: F }, (_, j) => {
      let mean = 0;
      for (let r = 0; r < b; r++) mean += bg.data[r * F + j]!;
      return (x.data[i * F + j]! - mean / b) * W[targets[i]!]![j]!;
    }),
  );
}

function rows(t: Tensor): number[][] {
  const per = t.data.length / t.shape[0]!;
  return Array.from({ length: t.shape[0]! }, (_, i) => Array.from(t.data.subarray(i * per, (i + 1) * per)));
}

function maxErr(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((r, i) => r.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i]![j]!)))));
  return m;
}

describe('coalition design', () => {
  it('enumerates all 2^M − 2 coalitions with the Shapley kernel when the budget covers them', () => {
    const d = coalitionDesign(4, 14, createRng(1));
    expect(d.exact).toBe(true);
    expect(d.count).toBe(14);
    // π(1) : π(2) = (3/(4·1·3)) : (3/(6·2·2)) = 1/4 : 1/8
    const size = (k: number) => d.z.subarray(k * 4, k * 4 + 4).reduce((a, b) => a + b, 0);
    const w1 = d.weights[Array.from({ length: 14 }, (_, k) => k).find((k) => size(k) === 1)!]!;
    const w2 = d.weights[Array.from({ length: 14 }, (_, k) => k).find((k) => size(k) === 2)!]!;
    expect(w1 / w2).toBeCloseTo(2, 12);
    expect(d.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('samples: distinct coalitions, complements paired, never empty or full, budget respected', () => {
    const m = 12;
    const d = coalitionDesign(m, 100, createRng(7));
    expect(d.exact).toBe(false);
    expect(d.count).toBe(100);
    const keys = new Set<string>();
    for (let k = 0; k < d.count; k++) {
      const row = Array.from(d.z.subarray(k * m, (k + 1) * m));
      const s = row.reduce((a, b) => a + b, 0);
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThan(m);
      keys.add(row.join(''));
    }
    expect(keys.size).toBe(100);
    // Sizes 1 and 11 (24 coalitions) are enumerated completely; every coalition's complement is present.
    let paired = 0;
    for (const key of keys) if (keys.has([...key].map((c) => (c === '1' ? '0' : '1')).join(''))) paired++;
    expect(paired).toBe(100);
    expect(Array.from(d.z).join('')).toBe(Array.from(coalitionDesign(m, 100, createRng(7)).z).join(''));
  });
});

describe('KernelShap on a linear model', () => {
  const x = randomTensor([3, F], 1);
  const bg = randomTensor([4, F], 2);

  it('exact enumeration equals (x − E[background]) · w, expected value E[f(background)]', async () => {
    const res = await new KernelShap(lin).attribute(x, { baselines: bg, target: [0, 1, 0], nSamples: 30 });
    expect(res.exact).toBe(true);
    expect(res.coalitions).toBe(30);
    expect(maxErr(rows(res.attributions), linearShap(x, bg, [0, 1, 0]))).toBeLessThan(2e-6);
    const fbg = rows(await lin.forward(bg));
    expect(res.expectedValue[1]).toBeCloseTo(fbg.reduce((s, r) => s + r[1]!, 0) / 4, 6);
    expect(res.targets).toEqual([0, 1, 0]);
    expect(res.method).toBe('kernel-shap');
  });

  it('sampled path (budget < 2^F − 2) is exact too for an additive model', async () => {
    const F2 = 14;
    const w = Array.from({ length: F2 }, (_, j) => (j % 3) - 1 + j / 10);
    const m = linearModel([w]);
    const x2 = randomTensor([2, F2], 5);
    const res = await new KernelShap(m).attribute(x2, { baselines: 0.5, nSamples: 300, target: 0 });
    expect(res.exact).toBe(false);
    const want = rows(x2).map((r) => r.map((v, j) => (v - 0.5) * w[j]!));
    expect(maxErr(rows(res.attributions), want)).toBeLessThan(5e-6);
  });

  it('feature groups: a group gets the sum of its features, spread to each element', async () => {
    const mask = [0, 0, 1, 2, 2];
    const res = await new KernelShap(lin).attribute(x, { baselines: bg, target: 0, featureMask: mask, nSamples: 6 });
    const per = linearShap(x, bg, [0, 0, 0]);
    const want = per.map((r) => [r[0]! + r[1]!, r[0]! + r[1]!, r[2]!, r[3]! + r[4]!, r[3]! + r[4]!]);
    expect(maxErr(rows(res.attributions), want)).toBeLessThan(2e-6);
  });

  it('L1 selection keeps the numFeatures largest effects and stays efficient', async () => {
    const w = [0.01, 5, -0.02, -4, 0.03, 0.01];
    const m = linearModel([w]);
    const x1 = tensor([1, 1, 1, 1, 1, 1], [1, 6]);
    const res = await new KernelShap(m).attribute(x1, { numFeatures: 2, target: 0, nSamples: 62 });
    const a = Array.from(res.attributions.data);
    expect(a.map((v) => v !== 0)).toEqual([false, true, false, true, false, false]);
    expect(a.reduce((s, v) => s + v, 0)).toBeCloseTo(w.reduce((s, v) => s + v, 0), 5);
  });
});

describe('KernelShap on tiny_additive (ReLU MLP)', () => {
  const fx = loadFixture('tiny_additive');
  const model = analyticModel(fx);
  const xs = inputsTensor(fx);

  it('exact enumeration reproduces the exact Shapley values (fixture) and efficiency to 1e-6', async () => {
    for (const which of ['zeros', 'nonzero'] as const) {
      const recs = shapFixture.shapley_values.filter((r) => r.baseline === which);
      const res = await new KernelShap(model).attribute(xs, {
        baselines: baselineTensor(fx, which),
        target: recs.map((r) => r.target),
        nSamples: 62,
      });
      expect(res.exact).toBe(true);
      const got = rows(res.attributions);
      expect(maxErr(got, recs.map((r) => r.exact_float64))).toBeLessThan(2e-6);
      got.forEach((g, i) => {
        const sum = g.reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - (res.outputs.data[i * 2 + recs[i]!.target]! - res.expectedValue[i]!))).toBeLessThan(1e-6);
      });
    }
  });

  it('the fixture values are the Shapley values (own enumeration over 64 coalitions)', async () => {
    const bgv = fx.baselines.nonzero;
    const rowsIn: number[] = [];
    for (let s = 0; s < 64; s++) for (let j = 0; j < 6; j++) rowsIn.push(s & (1 << j) ? fx.inputs[0]![j]! : bgv[j]!);
    const out = await model.forward(tensor(rowsIn, [64, 6]));
    const v = (s: number) => out.data[s * 2]!; // input 0, target 0
    const fact = [1, 1, 2, 6, 24, 120, 720];
    const phi = Array.from({ length: 6 }, (_, j) => {
      let sum = 0;
      for (let s = 0; s < 64; s++) {
        if (s & (1 << j)) continue;
        const size = [0, 1, 2, 3, 4, 5].filter((b) => s & (1 << b)).length;
        sum += ((fact[size]! * fact[5 - size]!) / fact[6]!) * (v(s | (1 << j)) - v(s));
      }
      return sum;
    });
    const rec = shapFixture.shapley_values.find((r) => r.baseline === 'nonzero' && r.input_index === 0)!;
    expect(maxErr([phi], [rec.exact_float64])).toBeLessThan(1e-6);
  });

  it('sampled budgets: error shrinks with the budget; efficiency holds exactly at every budget', async () => {
    const recs = shapFixture.shapley_values.filter((r) => r.baseline === 'nonzero');
    const targets = recs.map((r) => r.target);
    const exact = recs.map((r) => r.exact_float64);
    const checks = shapFixture.kernel_shap_checks.filter((c) => c.baseline === 'nonzero');
    const errs: Record<number, number> = {};
    for (const budget of [16, 32, 48]) {
      let worst = 0;
      for (let seed = 0; seed < 5; seed++) {
        const res = await new KernelShap(model).attribute(xs, { baselines: baselineTensor(fx, 'nonzero'), target: targets, nSamples: budget, seed });
        expect(res.exact).toBe(false);
        const got = rows(res.attributions);
        worst = Math.max(worst, maxErr(got, exact));
        got.forEach((g, i) => {
          const sum = g.reduce((a, b) => a + b, 0);
          expect(Math.abs(sum - checks[i]!.efficiency_sum_should_equal)).toBeLessThan(1e-6);
        });
      }
      errs[budget] = worst;
    }
    // Documented error (max |φ − exact| over the 4 inputs × seeds 0–4, nonzero baseline; the
    // Shapley values themselves are up to 0.33): budget 16 → 4.9e-2, 32 → 1.4e-2, 48 → 7.9e-3;
    // ≥ 62 (all coalitions) → exact. Captum's KernelShap at 4,000 samples: up to 4.4e-3.
    expect(errs[16]!).toBeLessThan(0.06);
    expect(errs[32]!).toBeLessThan(0.02);
    expect(errs[48]!).toBeLessThan(0.01);
    expect(errs[48]!).toBeLessThan(errs[32]!);
    expect(errs[32]!).toBeLessThan(errs[16]!);
  });
});

describe('KernelShap behaviour', () => {
  const x = randomTensor([2, F], 3);
  const bg = randomTensor([3, F], 4);

  it('bit-identical on repeat and for any batching; one input buffer per call', async () => {
    const ks = new KernelShap(lin);
    const a = await ks.attribute(x, { baselines: bg, nSamples: 20, seed: 9 });
    const b = await ks.attribute(x, { baselines: bg, nSamples: 20, seed: 9 });
    const spy = spyModel(lin);
    const c = await new KernelShap(spy.model).attribute(x, { baselines: bg, nSamples: 20, seed: 9, maxRowsPerCall: 7 });
    expect(Array.from(b.attributions.data)).toEqual(Array.from(a.attributions.data));
    expect(Array.from(c.attributions.data)).toEqual(Array.from(a.attributions.data));
    expect(Math.max(...spy.calls.map((k) => k.rows))).toBeLessThanOrEqual(7);
    // 2 inputs + 3 background rows + 2 examples × 20 coalitions × 3 background rows
    expect(spy.calls.reduce((s, k) => s + k.rows, 0)).toBe(2 + 3 + 2 * 20 * 3);
    expect(c.modelCalls).toBe(spy.calls.length);
  });

  it('an example explains the same alone as in a batch', async () => {
    const both = await new KernelShap(lin).attribute(x, { baselines: bg, nSamples: 12, target: 1 });
    const second = await new KernelShap(lin).attribute(tensor(x.data.slice(F), [1, F]), { baselines: bg, nSamples: 12, target: 1 });
    expect(Array.from(second.attributions.data)).toEqual(Array.from(both.attributions.data.slice(F)));
  });

  it('explains a forward-only function model; progress reaches its total', async () => {
    const fm: Model = fromFunction(async (t) => lin.forward(t), { inputShape: [F], outputShape: [2] });
    const progress: number[][] = [];
    const res = await new KernelShap(fm).attribute(x, { baselines: bg, nSamples: 30, target: 0, onProgress: (p) => progress.push([p.done, p.total]) });
    expect(maxErr(rows(res.attributions), linearShap(x, bg, [0, 0]))).toBeLessThan(2e-6);
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);
    expect(progress.every(([, t]) => t === progress[0]![1])).toBe(true);
  });

  it('abort and typed errors', async () => {
    const ac = new AbortController();
    const ks = new KernelShap(lin);
    const p = ks.attribute(x, { signal: ac.signal, maxRowsPerCall: 3, onProgress: () => ac.abort() });
    await expect(p).rejects.toBeInstanceOf(AbortError);
    await expect(ks.attribute(x, { nSamples: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(ks.attribute(x, { nSamples: 1.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(ks.attribute(x, { seed: 0.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(ks.attribute(x, { numFeatures: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(ks.attribute(x, { baselines: tensor([1, 2], [1, 2]) })).rejects.toBeInstanceOf(ShapeError);
    await expect(ks.attribute(x, { baselines: Number.NaN })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(ks.attribute(x, { featureMask: [0, 1] })).rejects.toBeInstanceOf(ShapeError);
    await expect(ks.attribute(x, { target: 5 })).rejects.toBeInstanceOf(TargetError);
    await expect(ks.attribute(tensor([1, 2], [1, 2]))).rejects.toBeInstanceOf(ShapeError);
  });
});
