/** Anchors against models with a known decision rule (statistical, seeded) and KL bounds against a hand check. */
import { describe, expect, it } from 'vitest';
import { fromFunction } from '../../../function-model.js';
import { createRng } from '../../../random/prng.js';
import { AbortError, InvalidArgumentError, ShapeError } from '../../../errors.js';
import type { Tensor } from '../../../tensor.js';
import { anchors } from '../anchors.js';
import { bernoulliKl, klBounds } from '../kl-lucb.js';

/** Class 1 iff a > 0.5 and b ≤ 0.3 (c: binary, d: noise, both unused). */
let calls = 0;
const ruleModel = fromFunction(
  async (x: Tensor) => {
    calls++;
    const n = x.shape[0]!;
    const out = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) out[i * 2 + (x.data[i * 4]! > 0.5 && x.data[i * 4 + 1]! <= 0.3 ? 1 : 0)] = 1;
    return { shape: [n, 2], data: out };
  },
  { inputShape: [4], outputShape: [2] },
);
const rng = createRng(42);
const M = 1000;
const data: Tensor = { shape: [M, 4], data: Float32Array.from({ length: M * 4 }, (_, k) => (k % 4 === 2 ? rng.int(2) : rng.uniform())) };
const NAMES = ['a', 'b', 'c', 'd'];
const ex = (v: number[]): Tensor => ({ shape: [4], data: Float32Array.from(v) });

describe('Anchors', () => {
  it('finds the known rule around a positive example: a high AND b low, precision ≥ 0.95, for every seed', async () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      calls = 0;
      const r = await anchors(ruleModel, ex([0.8, 0.1, 1, 0.5]), { data, featureNames: NAMES, classNames: ['deny', 'approve'], seed, maxRowsPerCall: 500 });
      expect(r.prediction).toBe(1);
      expect(r.satisfied).toBe(true);
      expect(r.anchor.map((p) => p.name)).toEqual(['a', 'b']);
      expect(r.precision).toBeGreaterThanOrEqual(0.95);
      // Anchor bins are quartiles: a > q75 and b ≤ q25 lie inside the rule region, so the true precision is 1.
      expect(r.anchor[0]!.lower!).toBeGreaterThan(0.5);
      expect(r.anchor[1]!.upper!).toBeLessThanOrEqual(0.3);
      expect(r.precision).toBe(1);
      // Coverage: the exact share of data rows in the anchor.
      let c = 0;
      for (let i = 0; i < M; i++) if (data.data[i * 4]! > r.anchor[0]!.lower! && data.data[i * 4 + 1]! <= r.anchor[1]!.upper!) c++;
      expect(r.coverage).toBe(c / M);
      expect(r.text).toMatch(/^IF a > [\d.]+ AND b ≤ [\d.]+ THEN approve$/);
      expect(r.modelCalls).toBe(calls);
      expect(r.samples).toBeGreaterThan(0);
    }
  });

  it('a negative example gets a one-feature anchor (a low, or b high), each of true precision 1', async () => {
    const r = await anchors(ruleModel, ex([0.2, 0.9, 0, 0.5]), { data, featureNames: NAMES, seed: 7 });
    expect(r.prediction).toBe(0);
    expect(r.anchor.length).toBe(1);
    const p = r.anchor[0]!;
    expect(p.name === 'a' ? p.upper! <= 0.5 : p.name === 'b' && p.lower! >= 0.3).toBe(true);
    expect(r.precision).toBe(1);
  });

  it('binary features give equality predicates; a model that copies c is anchored on c alone', async () => {
    const copyC = fromFunction(async (x) => ({ shape: [x.shape[0]!, 1], data: Float32Array.from({ length: x.shape[0]! }, (_, i) => x.data[i * 4 + 2]!) }), { inputShape: [4], outputShape: [1] });
    const r = await anchors(copyC, ex([0.3, 0.3, 1, 0.3]), { data, featureNames: NAMES, seed: 1 });
    expect(r.prediction).toBe(1);
    expect(r.anchor).toEqual([{ feature: 2, name: 'c', kind: 'eq', value: 1, text: 'c = 1' }]);
    expect(r.precision).toBe(1);
  });

  it('reports progress ending at its total; an aborted signal stops it with AbortError', async () => {
    const seen: { done: number; total: number }[] = [];
    await anchors(ruleModel, ex([0.8, 0.1, 1, 0.5]), { data, seed: 2, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(2);
    for (const p of seen) expect(p.done).toBeLessThanOrEqual(p.total);
    const ctl = new AbortController();
    ctl.abort();
    await expect(anchors(ruleModel, ex([0.8, 0.1, 1, 0.5]), { data, signal: ctl.signal })).rejects.toThrow(AbortError);
  });

  it('is bit-reproducible per seed', async () => {
    const a = await anchors(ruleModel, ex([0.8, 0.1, 1, 0.5]), { data, seed: 11 });
    const b = await anchors(ruleModel, ex([0.8, 0.1, 1, 0.5]), { data, seed: 11 });
    expect(b).toEqual(a);
  });

  it('KL bounds: n·KL(p, bound) = β at both bounds; bounds shrink with n', () => {
    const { lower, upper } = klBounds(0.9, 100, Math.log(10));
    expect(100 * bernoulliKl(0.9, lower)).toBeCloseTo(Math.log(10), 6);
    expect(100 * bernoulliKl(0.9, upper)).toBeCloseTo(Math.log(10), 6);
    expect(lower).toBeLessThan(0.9);
    expect(upper).toBeGreaterThan(0.9);
    const wide = klBounds(0.9, 10, Math.log(10));
    expect(wide.lower).toBeLessThan(lower);
  });

  it('typed errors: wrong example size, bad threshold, mismatched names, one data row', async () => {
    await expect(anchors(ruleModel, { shape: [3], data: new Float32Array(3) }, { data })).rejects.toThrow(ShapeError);
    await expect(anchors(ruleModel, ex([0, 0, 0, 0]), { data, threshold: 1.5 })).rejects.toThrow(InvalidArgumentError);
    await expect(anchors(ruleModel, ex([0, 0, 0, 0]), { data, featureNames: ['a'] })).rejects.toThrow(/featureNames/);
    await expect(anchors(ruleModel, ex([0, 0, 0, 0]), { data: { shape: [1, 4], data: new Float32Array(4) } })).rejects.toThrow(/at least 2/);
    await expect(anchors(ruleModel, ex([0, 0, 0, 0]), { data, categorical: [9] })).rejects.toThrow(/categorical/);
  });
});
