/**
 * The evaluation grid on stub metrics defined HERE (the real metrics land in their family folders;
 * evaluate takes the metric map as a parameter, so these stubs never enter core's METRICS).
 *
 * Model: f(x) = [w·x, −w·x] on 4 features, w = (3, −1, 0, 0), forward-only (fromFunction). Its
 * decisive features are 0 and 1 (w is zero on 2 and 3), so the masks are (1, 1, 0, 0).
 */
import { describe, expect, it } from 'vitest';
import { fromFunction } from '../../../function-model.js';
import { CapabilityError, InvalidArgumentError, ShapeError } from '../../../errors.js';
import type { Tensor } from '../../../tensor.js';
import { metricSpec, meanOf, type Explainer, type MetricSpec } from '../../_utils/metric-spec.js';
import { rankBest, cellSeed, controlRows, evaluateExplanations, methodRow, type EvaluatedMethod } from '../evaluate.js';
import { createRng } from '../../../random/prng.js';
import { sparsenessMetric } from '../complexity/sparseness.js';

const W = [3, -1, 0, 0];
const model = fromFunction(
  async (x) => {
    const n = x.shape[0]!;
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < 4; j++) s += W[j]! * x.data[i * 4 + j]!;
      out[2 * i] = s;
      out[2 * i + 1] = -s;
    }
    return { shape: [n, 2], data: out };
  },
  { inputShape: [4], outputShape: [2] },
);
const x: Tensor = { shape: [3, 4], data: Float32Array.from([1, 2, 3, 4, -1, 0, 1, 0, 2, 2, -2, 1]) };
const masks: Tensor = { shape: [3, 4], data: Float32Array.from([1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]) };

const row = (id: string, f: (x: Tensor) => number[]): EvaluatedMethod => ({
  id,
  explainer: () => async (_m, xx) => ({ shape: xx.shape, data: Float32Array.from(f(xx)) }),
});
/** w ⊙ x: the exact attribution of a linear model (all mass on features 0, 1). */
const exact = row('exact', (xx) => Array.from(xx.data, (v, k) => W[k % 4]! * v));
/** Mass on the irrelevant features only. */
const wrong = row('wrong', (xx) => Array.from(xx.data, (v, k) => (k % 4 >= 2 ? 1 + Math.abs(v) : 0)));
/** Uniform. */
const flat = row('flat', (xx) => Array.from(xx.data, () => 1));

/** Share of |a| on the mask (higher better). */
const massStub = metricSpec({
  id: 'stub-mass', title: 'stub mass', family: 'localisation', higherIsBetter: true, needs: { masks: true }, defaults: {}, source: 'test',
  run: async ({ attributions: a, masks: m }) => {
    const scores = [0, 1, 2].map((i) => {
      let inside = 0, all = 0;
      for (let j = 0; j < 4; j++) {
        const v = Math.abs(a.data[i * 4 + j]!);
        all += v;
        if (m!.data[i * 4 + j]! > 0) inside += v;
      }
      return all === 0 ? 0 : inside / all;
    });
    return { metric: 'stub-mass', scores, mean: meanOf(scores), higherIsBetter: true };
  },
});
/** Re-explains once and adds seeded noise: ‖explain(x) − a‖ + u·1e-3 (lower better); records the seed. */
const explainStub = metricSpec({
  id: 'stub-explain', title: 'stub explain', family: 'robustness', higherIsBetter: false, needs: { explain: true }, defaults: { k: 2 }, source: 'test',
  run: async ({ model: mm, x: xx, attributions: a, explain, target }, o) => {
    const again = await explain!(mm, xx, { ...(target !== undefined ? { target } : {}) });
    const rng = createRng(o!.seed!);
    const scores = [0, 1, 2].map((i) => {
      let d = 0;
      for (let j = 0; j < 4; j++) d += (again.data[i * 4 + j]! - a.data[i * 4 + j]!) ** 2;
      return Math.sqrt(d) + rng.uniform() * 1e-3 * (o!['k'] as number);
    });
    o!.onProgress?.({ done: 1, total: 1 });
    return { metric: 'stub-explain', scores, mean: meanOf(scores), higherIsBetter: false, curves: [{ label: 'c', xLabel: 'x', x: [0, 1], y: scores.map((s) => [s, 0]) }] };
  },
});
/** Refuses the 'flat' row with a typed error (a metric that cannot do a method). */
const refusingStub = metricSpec({
  id: 'stub-refuse', title: 'stub refuse', family: 'faithfulness', higherIsBetter: true, needs: {}, defaults: {}, source: 'test',
  run: async ({ attributions: a }) => {
    if (a.data.every((v) => v === 1)) throw new CapabilityError('cannot score a flat map');
    return { metric: 'stub-refuse', scores: [1, 1, 1], mean: 1, higherIsBetter: true };
  },
});
const gradStub = metricSpec({
  id: 'stub-grad', title: 'stub grad', family: 'faithfulness', higherIsBetter: true, needs: { gradients: true }, defaults: {}, source: 'test',
  run: async () => { throw new Error('must not run'); },
});
const STUBS: Record<string, MetricSpec> = { 'stub-mass': massStub, 'stub-explain': explainStub, 'stub-refuse': refusingStub, 'stub-grad': gradStub, sparseness: sparsenessMetric };

describe('rankBest', () => {
  it('ranks by direction and averages ties', () => {
    expect(rankBest([0.5, 0.9, 0.1], true)).toEqual([2, 1, 3]);
    expect(rankBest([0.5, 0.9, 0.1], false)).toEqual([2, 3, 1]);
    // ties: 0.5 twice span ranks 2 and 3 → 2.5 each.
    expect(rankBest([0.5, 0.9, 0.5, 0.1], true)).toEqual([2.5, 1, 2.5, 4]);
  });
});

describe('evaluateExplanations (stub metrics)', () => {
  it('fills the grid, records n/a with reasons, ranks per metric and overall', async () => {
    const progress: number[] = [];
    const r = await evaluateExplanations(
      { model, x, masks, methods: [exact, wrong, flat, ...controlRows([4])], metrics: STUBS },
      { seed: 5, onProgress: (p) => progress.push(p.done / p.total) },
    );
    expect(r.metrics.map((m) => m.id)).toEqual(Object.keys(STUBS));
    expect(r.methods.map((m) => m.method)).toEqual(['exact', 'wrong', 'flat', 'control:random']);
    // targets: predicted class: w·x = 3·1 − 2 = 1 > 0 → 0; −3 < 0 → 1; 6 − 2 = 4 → 0.
    expect(r.targets).toEqual([0, 1, 0]);
    const cell = (m: string, k: string) => r.cells.find((c) => c.method === m && c.metric === k)!;
    // stub-mass: exact puts all |w⊙x| on features 0, 1 → 1; wrong → 0; flat → 0.5.
    expect(cell('exact', 'stub-mass').mean).toBe(1);
    expect(cell('wrong', 'stub-mass').mean).toBe(0);
    expect(cell('flat', 'stub-mass').mean).toBe(0.5);
    expect(cell('exact', 'stub-mass').rank).toBe(1);
    expect(cell('wrong', 'stub-mass').rank).toBe(4);
    // deterministic explainers re-explain identically: distance 0, only the seeded noise remains.
    expect(cell('exact', 'stub-explain').mean).toBeLessThan(2e-3);
    expect(cell('exact', 'stub-explain').curves?.[0]?.y).toHaveLength(3);
    // a fresh random explainer with the cell's seed differs from the map (seeded from the map's seed).
    expect(cell('control:random', 'stub-explain').mean).toBeGreaterThan(0.1);
    expect(cell('control:random', 'stub-explain').rank).toBe(4);
    // refused → n/a with the typed error's message; missing gradients → n/a with the reason.
    expect(cell('flat', 'stub-refuse')).toMatchObject({ status: 'n/a', reason: 'CapabilityError: cannot score a flat map' });
    expect(cell('flat', 'stub-refuse').rank).toBeUndefined();
    expect(cell('exact', 'stub-grad')).toMatchObject({ status: 'n/a', reason: expect.stringContaining('needs gradients') });
    // stub-refuse ties exact / wrong / random at 1 → (1 + 2 + 3) / 3 = 2 each.
    expect(['exact', 'wrong', 'control:random'].map((m) => cell(m, 'stub-refuse').rank)).toEqual([2, 2, 2]);
    // overall: the mean of the ranks it has; exact is best.
    const exactRow = r.methods[0]!;
    const ranks = r.cells.filter((c) => c.method === 'exact' && c.rank !== undefined).map((c) => c.rank!);
    expect(exactRow.meanRank).toBeCloseTo(ranks.reduce((a, b) => a + b, 0) / ranks.length, 12);
    expect(exactRow.overallRank).toBe(1);
    expect(r.metrics.find((m) => m.id === 'stub-explain')!.options).toEqual({ k: 2 });
    // progress is monotone and ends at 1.
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1]!)).toBe(true);
    expect(progress.at(-1)).toBe(1);
  });

  it('is bit-for-bit reproducible with a seed, and a subset of the grid (other rows, other order, fewer metrics) gives the same cells', async () => {
    const run = (methods: EvaluatedMethod[], metricIds?: string[], seed = 9) =>
      evaluateExplanations({ model, x, masks, methods, metrics: STUBS, ...(metricIds ? { metricIds } : {}) }, { seed });
    const a = JSON.stringify(await run([exact, wrong, ...controlRows([4])]));
    const b = JSON.stringify(await run([exact, wrong, ...controlRows([4])]));
    expect(a).toBe(b);
    const other = JSON.stringify(await run([exact, wrong, ...controlRows([4])], undefined, 10));
    expect(other).not.toBe(a);
    const full = JSON.parse(a) as { cells: { method: string; metric: string; mean?: number }[] };
    const sub = await run([...controlRows([4]), wrong], ['stub-explain']);
    for (const c of sub.cells) expect(c.mean).toBe(full.cells.find((f) => f.method === c.method && f.metric === c.metric)!.mean);
    // cell seeds differ by seed, row and metric (7 vs 8 once collided: a seed XOR that cancelled).
    const seeds = [cellSeed(9, 'r', 'a'), cellSeed(9, 's', 'a'), cellSeed(9, 'r', 'b'), cellSeed(7, 'x', ''), cellSeed(8, 'x', ''), cellSeed(10, 'r', 'a'), cellSeed(9, 'ra', ''), cellSeed(9, 'r', 'a\u0100')];
    expect(new Set(seeds).size).toBe(seeds.length);
  });

  it('runs METHODS entries as rows (forward-only feature ablation) and gives n/a without masks', async () => {
    const r = await evaluateExplanations({ model, x, methods: [methodRow('feature-ablation'), methodRow('saliency')], metrics: STUBS, metricIds: ['stub-mass', 'sparseness'] });
    const fa = r.cells.find((c) => c.method === 'feature-ablation' && c.metric === 'sparseness')!;
    expect(fa.status).toBe('ok');
    // ablation of a linear model to 0 gives w⊙x exactly: example 0 is (3, −2, 0, 0); Gini of (0,0,2,3) = (1·2 + 3·3)/(4·5) = 0.55.
    expect(fa.scores![0]).toBeCloseTo(0.55, 6);
    expect(r.cells.find((c) => c.method === 'feature-ablation' && c.metric === 'stub-mass')).toMatchObject({ status: 'n/a', reason: expect.stringContaining('masks') });
    // saliency needs gradients the function model lacks: the whole row is n/a with the reason.
    const sal = r.cells.filter((c) => c.method === 'saliency');
    expect(sal.every((c) => c.status === 'n/a' && /method failed/.test(c.reason!))).toBe(true);
    expect(r.methods[1]).toMatchObject({ overallRank: null, meanRank: null, reason: expect.stringContaining('CapabilityError') });
  });

  it('passes rebuild to the metrics that need it; without it they are n/a', async () => {
    const built: string[] = [];
    const rebuildStub = metricSpec({
      id: 'stub-rebuild', title: 'stub rebuild', family: 'randomisation', higherIsBetter: false, needs: { rebuild: true }, defaults: {}, source: 'test',
      run: async ({ rebuild }) => {
        const m = await rebuild!({ name: 'g' } as never);
        built.push(m.backend);
        return { metric: 'stub-rebuild', scores: [0, 0, 0], mean: 0, higherIsBetter: false };
      },
    });
    const metrics = { 'stub-rebuild': rebuildStub };
    const r = await evaluateExplanations({ model, x, methods: [exact], metrics, rebuild: async () => fromFunction(async (t) => t, { inputShape: [4], outputShape: [4], name: 'rebuilt' }) });
    expect(r.cells[0]).toMatchObject({ status: 'ok', mean: 0, rank: 1 });
    expect(built).toEqual(['rebuilt']);
    const without = await evaluateExplanations({ model, x, methods: [exact], metrics });
    expect(without.cells[0]).toMatchObject({ status: 'n/a', reason: expect.stringContaining('rebuild') });
    // skip: a caller's reason to leave a cell out (budget) is an n/a cell; the metric is not run.
    built.length = 0;
    const skipped = await evaluateExplanations({ model, x, methods: [exact, wrong], metrics, rebuild: async () => model, skip: (m, k) => (m.id === 'wrong' && k.needs.rebuild ? 'over budget' : undefined) });
    expect(skipped.cells.map((c) => c.status)).toEqual(['ok', 'n/a']);
    expect(skipped.cells[1]!.reason).toBe('over budget');
    expect(built).toHaveLength(1);
  });

  it('aborts with the signal; refuses bad input with typed errors', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(evaluateExplanations({ model, x, methods: [exact], metrics: STUBS }, { signal: ctl.signal })).rejects.toThrow();
    const mid = new AbortController();
    const slow: EvaluatedMethod = { id: 'slow', explainer: () => (async (_m, xx, o) => { mid.abort(); o.signal?.throwIfAborted(); return xx; }) as Explainer };
    await expect(evaluateExplanations({ model, x, methods: [slow], metrics: STUBS }, { signal: mid.signal })).rejects.toThrow();
    await expect(evaluateExplanations({ model, x: { shape: [3, 5], data: new Float32Array(15) }, methods: [exact], metrics: STUBS })).rejects.toThrow(ShapeError);
    await expect(evaluateExplanations({ model, x, masks: { shape: [1, 4], data: new Float32Array(4) }, methods: [exact], metrics: STUBS })).rejects.toThrow(ShapeError);
    await expect(evaluateExplanations({ model, x, methods: [exact], metrics: STUBS, metricIds: ['nope'] })).rejects.toThrow(InvalidArgumentError);
    await expect(evaluateExplanations({ model, x, methods: [exact, exact], metrics: STUBS })).rejects.toThrow(InvalidArgumentError);
    await expect(evaluateExplanations({ model, x, methods: [], metrics: STUBS })).rejects.toThrow(InvalidArgumentError);
    expect(() => methodRow('nope')).toThrow(InvalidArgumentError);
    expect(controlRows([20, 20, 1]).map((c) => c.id)).toEqual(['control:edge', 'control:random']);
  });
});
