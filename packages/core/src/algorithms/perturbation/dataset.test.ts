/** Permutation importance and correlation analysis over a dataset. */
import { describe, expect, it } from 'vitest';
import { linearModel, spyModel } from '../../testing/index.js';
import { tensor } from '../../tensor.js';
import { AbortError, InvalidArgumentError, ShapeError } from '../../errors.js';
import { fromFunction } from '../../function-model.js';
import { permutationImportance } from '../global/permutation-importance.js';
import { averageRanks, correlation } from '../global/correlation.js';
import type { Progress } from '../_utils/common.js';

// Classifier on 3 features: logits (x0, −x0 + 0·x1 + 0·x2) → class 0 iff x0 > 0. x1 and x2 are unused.
const clf = linearModel([
  [1, 0, 0],
  [-1, 0, 0],
]);
const M = 40;
const data = tensor(
  Array.from({ length: M * 3 }, (_, k) => {
    const i = Math.floor(k / 3);
    const j = k % 3;
    return j === 0 ? (i % 2 === 0 ? 1 + i / 10 : -1 - i / 10) : ((i * 7 + j * 3) % 11) - 5;
  }),
  [M, 3],
);
const labels = Array.from({ length: M }, (_, i) => (i % 2 === 0 ? 0 : 1));

describe('permutationImportance', () => {
  it('unused features have importance exactly 0; the used one drops accuracy', async () => {
    const res = await permutationImportance(clf, { data, labels, nRepeats: 6, seed: 1 });
    expect(res.metric).toBe('accuracy');
    expect(res.baselineScore).toBe(1);
    expect(res.features).toBe(3);
    expect(res.importancesMean[1]).toBe(0);
    expect(res.importancesStd[2]).toBe(0);
    expect(res.importancesMean[0]!).toBeGreaterThan(0.25);
    expect(res.importances.length).toBe(18);
    // mean and population std of the repeats
    const reps = Array.from(res.importances.subarray(0, 6));
    const mu = reps.reduce((a, b) => a + b, 0) / 6;
    expect(res.importancesMean[0]).toBeCloseTo(mu, 12);
    expect(res.importancesStd[0]).toBeCloseTo(Math.sqrt(reps.reduce((a, b) => a + (b - mu) ** 2, 0) / 6), 12);
    // each permuted accuracy is a multiple of 1/M
    for (const v of reps) expect(Math.abs(v * M - Math.round(v * M))).toBeLessThan(1e-9);
  });

  it('hand-checked with 2 rows: a shuffle is the identity (drop 0) or the swap (drop 1)', async () => {
    const two = tensor([2, 0, 0, -2, 0, 0], [2, 3]);
    const res = await permutationImportance(clf, { data: two, labels: [0, 1], nRepeats: 20, seed: 3 });
    const reps = Array.from(res.importances.subarray(0, 20));
    expect(reps.every((v) => v === 0 || v === 1)).toBe(true);
    expect(reps.some((v) => v === 1) && reps.some((v) => v === 0)).toBe(true);
  });

  it("'loss' = softmax cross-entropy: hand-computed baseline; importance = loss increase", async () => {
    const two = tensor([2, 0, 0, -2, 0, 0], [2, 3]);
    const res = await permutationImportance(clf, { data: two, labels: [0, 1], metric: 'loss', nRepeats: 20, seed: 3 });
    // logits (2, −2) with label 0 and (−2, 2) with label 1: loss = log(1 + e^−4) each.
    expect(res.baselineScore).toBeCloseTo(Math.log(1 + Math.exp(-4)), 12);
    for (const v of res.importances.subarray(0, 20)) {
      expect(v === 0 || Math.abs(v - (Math.log(1 + Math.exp(4)) - Math.log(1 + Math.exp(-4)))) < 1e-9).toBe(true);
    }
  });

  it('custom metric; feature groups; same seed ⇒ bit-identical, batching-independent', async () => {
    const metric = (out: { data: Float32Array }, y: Float64Array) => -out.data.reduce((a, v, k) => a + (k % 2 === 0 ? Math.abs(v - y[k / 2]!) : 0), 0);
    const a = await permutationImportance(clf, { data, labels, metric, nRepeats: 3, seed: 9, featureMask: [0, 1, 1] });
    const b = await permutationImportance(clf, { data, labels, metric, nRepeats: 3, seed: 9, featureMask: [0, 1, 1], maxRowsPerCall: 7 });
    expect(a.metric).toBe('custom');
    expect(a.features).toBe(2);
    expect(b.importances).toEqual(a.importances);
    expect(a.importancesMean[1]).toBe(0);
    const c = await permutationImportance(clf, { data, labels, metric, nRepeats: 3, seed: 10, featureMask: [0, 1, 1] });
    expect(c.importances).not.toEqual(a.importances);
  });

  it('bounded batches, progress, abort', async () => {
    const spy = spyModel(clf);
    const progress: Progress[] = [];
    const res = await permutationImportance(spy.model, { data, labels, nRepeats: 2, maxRowsPerCall: 16, onProgress: (p) => progress.push(p) });
    expect(spy.calls.every((c) => c.rows <= 16)).toBe(true);
    expect(res.modelCalls).toBe(Math.ceil((1 + 3 * 2) * M / 16));
    expect(progress.at(-1)).toEqual({ done: res.modelCalls, total: res.modelCalls });
    const controller = new AbortController();
    await expect(
      permutationImportance(clf, { data, labels, maxRowsPerCall: 16, signal: controller.signal, onProgress: (p) => p.done === 3 && controller.abort() }),
    ).rejects.toThrow(AbortError);
  });

  it('forward-only model', async () => {
    const bb = fromFunction((t) => clf.forward(t), { inputShape: [3], outputShape: [2] });
    const a = await permutationImportance(bb, { data, labels, seed: 4 });
    const b = await permutationImportance(clf, { data, labels, seed: 4 });
    expect(a.importances).toEqual(b.importances);
  });

  it('typed errors', async () => {
    await expect(permutationImportance(clf, { data, labels: labels.slice(1) })).rejects.toThrow(ShapeError);
    await expect(permutationImportance(clf, { data, labels: labels.map((v) => v + 1) })).rejects.toThrow(InvalidArgumentError);
    await expect(permutationImportance(clf, { data, labels, metric: 'f1' as never })).rejects.toThrow(InvalidArgumentError);
    await expect(permutationImportance(clf, { data, labels, nRepeats: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(permutationImportance(clf, { data: tensor([1, 2, 3], [1, 3]), labels: [0] })).rejects.toThrow(ShapeError);
    await expect(permutationImportance(clf, { data, labels, metric: () => NaN })).rejects.toThrow(/finite/);
  });
});

describe('correlation', () => {
  it('matches SciPy figures (Pearson, Spearman with ties) on a cubic black box', async () => {
    // y = x0³ + x1 on 5 rows; SciPy 1.x pearsonr / spearmanr.
    const bb = fromFunction(
      async (t) => ({ shape: [t.shape[0]!, 1], data: Float32Array.from({ length: t.shape[0]! }, (_, i) => t.data[2 * i]! ** 3 + t.data[2 * i + 1]!) }),
      { inputShape: [2], outputShape: [1] },
    );
    const d = tensor([1, 0, 2, 1, 2, -1, 3, 0, 10, 0], [5, 2]);
    const res = await correlation(bb, { data: d });
    expect(res.pearson[0]![0]).toBeCloseTo(0.984816095818806, 12);
    expect(res.spearman[0]![0]).toBeCloseTo(0.9746794344808963, 12);
    expect(res.pearson[1]![0]).toBeCloseTo(0.001598340837142942, 12);
    expect(res.spearman[1]![0]).toBeCloseTo(0.22360679774997896, 12);
    expect(res.modelCalls).toBe(1);
  });

  it('constant columns give null (never NaN); average ranks', async () => {
    const d = tensor([1, 5, 2, 5, 3, 5], [3, 2]);
    const res = await correlation(linearModel([[1, 0], [0, 1]]), { data: d });
    expect(res.pearson[0]![0]).toBeCloseTo(1, 14);
    expect(res.pearson[0]![1]).toBeNull();
    expect(res.pearson[1]).toEqual([null, null]);
    expect(res.constantFeatures).toEqual([1]);
    expect(res.constantOutputs).toEqual([1]);
    expect(Array.from(averageRanks([3, 1, 3, 2, 3]))).toEqual([4, 1, 4, 2, 4]);
  });

  it('needs 2 rows', async () => {
    await expect(correlation(clf, { data: tensor([1, 2, 3], [1, 3]) })).rejects.toThrow(ShapeError);
  });
});
