/**
 * GlobalSurrogate against known truth: models that ARE trees (forward-only function models) are
 * recovered exactly; importances put the used features first; typed errors; batching, progress,
 * abort.
 */
import { describe, expect, it } from 'vitest';
import { fromFunction } from '../../../function-model.js';
import { createRng } from '../../../random/prng.js';
import { AbortError, InvalidArgumentError, ShapeError } from '../../../errors.js';
import type { Tensor } from '../../../tensor.js';
import { GlobalSurrogate, globalSurrogate } from '../global-surrogate.js';

/** The truth: a depth-3 tree on 4 features (x3 unused). */
function truthClass(x: ArrayLike<number>, o: number): number {
  const [a, b, c] = [x[o]!, x[o + 1]!, x[o + 2]!];
  if (a <= 0.51) return b <= 0.71 ? 0 : c <= 0.31 ? 1 : 2;
  return c <= 0.81 ? 1 : b <= 0.41 ? 0 : 2;
}
let calls = 0;
const treeModel = fromFunction(
  async (x: Tensor) => {
    calls++;
    const n = x.shape[0]!;
    const out = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) out[i * 3 + truthClass(x.data, i * 4)] = 1;
    return { shape: [n, 3], data: out };
  },
  { inputShape: [4], outputShape: [3] },
);

/** Values on a 0.05 grid, so thresholds fall at grid midpoints and held-out rows cannot land between. */
function gridData(seed: number, n: number): Tensor {
  const rng = createRng(seed);
  return { shape: [n, 4], data: Float32Array.from({ length: n * 4 }, () => rng.int(21) / 20) };
}

const NAMES = ['a', 'b', 'c', 'unused'];

describe('GlobalSurrogate', () => {
  it('recovers a depth-3 tree model: fidelity 1 on held-out rows and the same rules', async () => {
    const data = gridData(1, 2000);
    calls = 0;
    const res = await globalSurrogate(treeModel, { data, maxDepth: 3, featureNames: NAMES, classNames: ['low', 'mid', 'high'], seed: 3, maxRowsPerCall: 256 });
    expect(res.holdoutRows).toBe(500);
    expect(res.holdoutFidelity).toBe(1);
    expect(res.trainFidelity).toBe(1);
    expect(res.modelCalls).toBe(Math.ceil(2000 / 256));
    expect(calls).toBe(res.modelCalls);
    // Grid thresholds: 0.51 → 0.525 (between grid values 0.5 and 0.55), 0.71 → 0.725, 0.31 → 0.325, …
    const rules = res.rules.map((r) => r.text.replace(/ \(support.*$/, '')).sort();
    expect(rules).toEqual(
      [
        'IF a ≤ 0.525 AND b ≤ 0.725 THEN low',
        'IF a ≤ 0.525 AND b > 0.725 AND c ≤ 0.325 THEN mid',
        'IF a ≤ 0.525 AND b > 0.725 AND c > 0.325 THEN high',
        'IF a > 0.525 AND c ≤ 0.825 THEN mid',
        'IF a > 0.525 AND b ≤ 0.425 AND c > 0.825 THEN low',
        'IF a > 0.525 AND b > 0.425 AND c > 0.825 THEN high',
      ].sort(),
    );
    for (const r of res.rules) expect(r.confidence).toBe(1);
    expect(res.rules.reduce((s, r) => s + r.support, 0)).toBe(1500);
    // Support = the exact count of fit rows in the region.
    const lowLeft = res.rules.find((r) => r.text.startsWith('IF a ≤ 0.525 AND b ≤ 0.725'))!;
    let count = 0;
    const hold = new Set(res.holdoutIndices);
    for (let i = 0; i < 2000; i++) if (!hold.has(i) && data.data[i * 4]! <= 0.51 && data.data[i * 4 + 1]! <= 0.71) count++;
    expect(lowLeft.support).toBe(count);
  });

  it('importances: the unused feature is last with zero impurity and permutation importance', async () => {
    const res = await globalSurrogate(treeModel, { data: gridData(2, 1200), maxDepth: 3, featureNames: NAMES, permutationRepeats: 3 });
    const imp = res.importances;
    expect(imp[3]!.impurity).toBe(0);
    expect(imp[3]!.permutationMean).toBe(0);
    for (const j of [0, 1, 2]) {
      expect(imp[j]!.impurity).toBeGreaterThan(0.05);
      expect(imp[j]!.permutationMean!).toBeGreaterThan(0.05);
    }
    expect(imp.reduce((s, f) => s + f.impurity, 0)).toBeCloseTo(1, 12);
  });

  it('regression: a piecewise-constant model is recovered with R² 1; the rules carry its values', async () => {
    const model = fromFunction(
      async (x) => {
        const n = x.shape[0]!;
        const out = new Float32Array(n * 2);
        for (let i = 0; i < n; i++) {
          out[i * 2] = -1;
          out[i * 2 + 1] = x.data[i * 2]! <= 0.5 ? (x.data[i * 2 + 1]! <= 0.25 ? 10 : 20) : 30;
        }
        return { shape: [n, 2], data: out };
      },
      { inputShape: [2], outputShape: [2] },
    );
    const rng = createRng(5);
    const data = { shape: [400, 2], data: Float32Array.from({ length: 800 }, () => rng.int(21) / 20) };
    const res = await globalSurrogate(model, { data, task: 'regression', output: 1, maxDepth: 2, featureNames: ['p', 'q'] });
    expect(res.fidelityMetric).toBe('r2');
    expect(res.holdoutFidelity).toBe(1);
    const values = res.rules.map((r) => r.prediction).sort((a, b) => a - b);
    expect(values).toEqual([10, 20, 30]);
    expect(res.rules.every((r) => r.std === 0)).toBe(true);
    expect(res.rules.find((r) => r.prediction === 30)!.text).toMatch(/^IF p > 0\.525 THEN 30 ± 0 \(support/);
  });

  it('a model that ignores its input gives a single TRUE rule and zero importances', async () => {
    const constant = fromFunction(async (x) => ({ shape: [x.shape[0]!, 2], data: Float32Array.from({ length: x.shape[0]! * 2 }, (_, k) => (k % 2 ? 1 : 0)) }), { inputShape: [4], outputShape: [2] });
    const res = await globalSurrogate(constant, { data: gridData(3, 50) });
    expect(res.rules.length).toBe(1);
    expect(res.rules[0]!.text).toMatch(/^IF TRUE THEN class 1/);
    expect(res.importances.every((f) => f.impurity === 0)).toBe(true);
  });

  it('is reproducible per seed; progress ends at its total; abort stops it', async () => {
    const data = gridData(4, 300);
    const seen: { done: number; total: number }[] = [];
    const a = await new GlobalSurrogate(treeModel).fit({ data, seed: 9, maxRowsPerCall: 50, onProgress: (p) => seen.push(p) });
    const b = await new GlobalSurrogate(treeModel).fit({ data, seed: 9, maxRowsPerCall: 50 });
    expect(b.rules).toEqual(a.rules);
    expect(Array.from(b.holdoutIndices)).toEqual(Array.from(a.holdoutIndices));
    expect(seen.at(-1)!.done).toBe(seen.at(-1)!.total);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
    const ctl = new AbortController();
    ctl.abort();
    await expect(globalSurrogate(treeModel, { data, signal: ctl.signal })).rejects.toThrow(AbortError);
  });

  it('typed errors: empty / one-row data, bad depth, mismatched names, bad holdout, bad task', async () => {
    const data = gridData(6, 20);
    await expect(globalSurrogate(treeModel, { data: { shape: [0, 4], data: new Float32Array(0) } })).rejects.toThrow(ShapeError);
    await expect(globalSurrogate(treeModel, { data: gridData(6, 1) })).rejects.toThrow(/at least 2/);
    await expect(globalSurrogate(treeModel, { data, maxDepth: -2 })).rejects.toThrow(InvalidArgumentError);
    await expect(globalSurrogate(treeModel, { data, featureNames: ['a', 'b'] })).rejects.toThrow(/featureNames has 2 names/);
    await expect(globalSurrogate(treeModel, { data, classNames: ['x'] })).rejects.toThrow(/classNames/);
    await expect(globalSurrogate(treeModel, { data, holdout: 1 })).rejects.toThrow(/holdout/);
    await expect(globalSurrogate(treeModel, { data, task: 'ranking' as never })).rejects.toThrow(/task/);
    await expect(globalSurrogate(treeModel, { data, task: 'regression', output: 3 })).rejects.toThrow(/output/);
    await expect(globalSurrogate(treeModel, { data: { shape: [5, 3], data: new Float32Array(15) } })).rejects.toThrow(ShapeError);
  });
});
