/**
 * Behaviour of the perturbation methods: hand-derived values on linear models, forward-only
 * models, determinism, abort, progress, bounded batches and typed errors.
 */
import { describe, expect, it } from 'vitest';
import { linearModel, spyModel } from '../../testing/index.js';
import { tensor, type Tensor } from '../../tensor.js';
import type { Model } from '../../model.js';
import { AbortError, InvalidArgumentError, ShapeError } from '../../errors.js';
import { fromFunction } from '../../function-model.js';
import { FeatureAblation } from './feature-ablation.js';
import { Occlusion, occlusionGrid, windowElements } from './occlusion.js';
import { FeaturePermutation } from './feature-permutation.js';
import { ShapleyValues } from './shapley-values.js';
import { ShapleyValueSampling } from './shapley-value-sampling.js';
import type { AttributionResult, Progress } from '../_utils/common.js';
import { row } from '../test/fixtures.js';

const W = [
  [1, -2, 0.5, 3, 0, 1.5],
  [0.25, 1, -1, 0, 2, -0.5],
];
const lin = linearModel(W, [0.1, -0.2]);
const x = tensor([1, 2, 3, 4, 5, 6, -1, 0.5, 2, -3, 1, 0], [2, 6]);

/** Element-wise within 1e-5 (float32 outputs of a model with a bias). */
function expectClose(got: readonly number[], want: readonly number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, j) => expect(Math.abs(g - want[j]!), `[${j}] ${g} vs ${want[j]}`).toBeLessThan(1e-5));
}

/** A forward-only black box computing the same function as `lin`. */
const blackBox = fromFunction(
  async (t: Tensor) => {
    const n = t.shape[0]!;
    const out = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < 2; o++) {
        let s = o === 0 ? 0.1 : -0.2;
        for (let j = 0; j < 6; j++) s += W[o]![j]! * t.data[i * 6 + j]!;
        out[i * 2 + o] = s;
      }
    }
    return { shape: [n, 2], data: out };
  },
  { inputShape: [6], outputShape: [2], name: 'black box' },
);

type Run = (m: Model, extra?: Record<string, unknown>) => Promise<AttributionResult>;
const RUNS: Record<string, Run> = {
  'feature-ablation': (m, e) => new FeatureAblation(m).attribute(x, { target: 0, ...e }),
  occlusion: (m, e) => new Occlusion(m).attribute(x, { target: 0, slidingWindowShapes: [2], strides: 2, ...e }),
  'feature-permutation': (m, e) => new FeaturePermutation(m).attribute(x, { target: 0, seed: 1, ...e }),
  'shapley-values': (m, e) => new ShapleyValues(m).attribute(x, { target: 0, ...e }),
  'shapley-value-sampling': (m, e) => new ShapleyValueSampling(m).attribute(x, { target: 0, nSamples: 4, seed: 2, ...e }),
};

describe('linear model, hand-derived', () => {
  it('feature ablation = w ⊙ (x − b) with per-example baselines; groups get the group sum', async () => {
    const b = tensor([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], [2, 6]);
    const res = await new FeatureAblation(lin).attribute(x, { target: [0, 1], baselines: b });
    expectClose(row(res.attributions, 0), [1, -4, 1.5, 12, 0, 9]);
    expectClose(row(res.attributions, 1), [0.25 * -2, -0.5, -1, 0, 0, 0.5]);
    const g = await new FeatureAblation(lin).attribute(x, { target: 0, featureMask: [0, 0, 1, 1, 2, 2] });
    expectClose(row(g.attributions, 0), [-3, -3, 13.5, 13.5, 9, 9]);
    // per-example mask: example 1 is one group
    const pe = await new FeatureAblation(lin).attribute(x, { target: 0, featureMask: tensor([0, 1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0], [2, 6]) });
    expectClose(row(pe.attributions, 1), new Array<number>(6).fill(-1 - 1 + 1 - 9 + 0 + 0));
  });

  it('occlusion, 1-D: windows [0,1], [2,3], [4,5] and clipped [3] ∪ overlap means', async () => {
    // size 6, window 2, stride 2: ⌈4/2⌉ + 1 = 3 windows, no overlap.
    const r1 = await new Occlusion(lin).attribute(x, { target: 0, slidingWindowShapes: [2], strides: [2] });
    expectClose(row(r1.attributions, 0), [-3, -3, 13.5, 13.5, 9, 9]);
    // size 6, window 3, stride 2: ⌈3/2⌉ + 1 = 3 windows [0..2], [2..4], [4..5] (clipped).
    const r2 = await new Occlusion(lin).attribute(x, { target: 0, slidingWindowShapes: [3], strides: 2 });
    const c = [1, -4, 1.5, 12, 0, 9]; // w ⊙ x for example 0
    const a = c[0]! + c[1]! + c[2]!;
    const b = c[2]! + c[3]! + c[4]!;
    const d = c[4]! + c[5]!;
    expectClose(row(r2.attributions, 0), [a, a, (a + b) / 2, b, (b + d) / 2, d]);
  });

  it('occlusion, 2-D input [2, 3], window [2, 2], stride 1: two windows (columns 0–1, 1–2)', async () => {
    const m2 = fromFunction(async (t) => lin.forward({ shape: [t.shape[0]!, 6], data: t.data }), { inputShape: [2, 3], outputShape: [2] });
    const x2 = tensor(x.data.slice(0, 6), [1, 2, 3]);
    const res = await new Occlusion(m2).attribute(x2, { target: 0, slidingWindowShapes: [2, 2] });
    const c = [1, -4, 1.5, 12, 0, 9]; // row-major (r, col): (0,0) (0,1) (0,2) (1,0) (1,1) (1,2)
    const A = c[0]! + c[1]! + c[3]! + c[4]!;
    const B = c[1]! + c[2]! + c[4]! + c[5]!;
    expectClose(Array.from(res.attributions.data), [A, (A + B) / 2, B, A, (A + B) / 2, B]);
    expect(res.attributions.shape).toEqual([1, 2, 3]);
    expect(Array.from(windowElements(occlusionGrid([2, 3], [2, 2], [1, 1]), 1))).toEqual([1, 2, 4, 5]);
  });

  it('feature permutation: w_j · (x_ij − x_σ(i)j); with 2 examples σ is the identity or the swap', async () => {
    const res = await new FeaturePermutation(lin).attribute(x, { target: 0, seed: 5 });
    for (let j = 0; j < 6; j++) {
      const swapped = W[0]![j]! * (x.data[j]! - x.data[6 + j]!);
      const v = row(res.attributions, 0)[j]!;
      expect(v === 0 || Math.abs(v - swapped) < 1e-5).toBe(true);
      expect(row(res.attributions, 1)[j]).toBeCloseTo(v === 0 ? 0 : -swapped, 5);
    }
  });
});

describe('forward-only model (fromFunction) runs every method, matching the analytic model', () => {
  it.each(Object.keys(RUNS))('%s', async (id) => {
    const a = await RUNS[id]!(blackBox);
    const b = await RUNS[id]!(lin);
    expect(a.method).toBe(id);
    expect(a.attributions.shape).toEqual([2, 6]);
    for (let k = 0; k < a.attributions.data.length; k++) expect(a.attributions.data[k]).toBeCloseTo(b.attributions.data[k]!, 5);
  });
});

describe('determinism, abort, progress, bounded batches', () => {
  it.each(Object.keys(RUNS))('%s: bit-identical repeats; independent of batching', async (id) => {
    const a = await RUNS[id]!(lin);
    const b = await RUNS[id]!(lin);
    const c = await RUNS[id]!(lin, { maxRowsPerCall: 3 });
    expect(b.attributions.data).toEqual(a.attributions.data);
    expect(c.attributions.data).toEqual(a.attributions.data);
  });

  it.each(Object.keys(RUNS))('%s: the same rows are sent to every adapter', async (id) => {
    const record = (m: Model) => {
      const rows: number[][] = [];
      return {
        rows,
        model: fromFunction(
          async (t) => {
            rows.push(Array.from(t.data));
            return m.forward(t);
          },
          { inputShape: [6], outputShape: [2] },
        ),
      };
    };
    const r1 = record(lin);
    const r2 = record(blackBox);
    await RUNS[id]!(r1.model);
    await RUNS[id]!(r2.model);
    expect(r2.rows).toEqual(r1.rows);
  });

  it.each(Object.keys(RUNS))('%s: never more than maxRowsPerCall rows per call; progress monotone to total', async (id) => {
    const spy = spyModel(lin);
    const progress: Progress[] = [];
    const res = await RUNS[id]!(spy.model, { maxRowsPerCall: 3, onProgress: (p: Progress) => progress.push(p) });
    expect(spy.calls.length).toBeGreaterThan(1);
    expect(spy.calls.every((c) => c.kind === 'forward' && c.rows <= 3)).toBe(true);
    expect(res.modelCalls).toBe(spy.calls.length);
    expect(progress.map((p) => p.done)).toEqual(spy.calls.map((_, k) => k + 1));
    expect(progress.every((p) => p.total === spy.calls.length)).toBe(true);
  });

  it.each(Object.keys(RUNS))('%s: abort mid-run stops between calls with AbortError', async (id) => {
    const spy = spyModel(lin);
    const controller = new AbortController();
    await expect(
      RUNS[id]!(spy.model, {
        maxRowsPerCall: 2,
        signal: controller.signal,
        onProgress: (p: Progress) => {
          if (p.done === 2) controller.abort();
        },
      }),
    ).rejects.toThrow(AbortError);
    expect(spy.calls.length).toBe(2);
  });

  it('a pre-aborted signal makes no call', async () => {
    const spy = spyModel(lin);
    const controller = new AbortController();
    controller.abort();
    await expect(new ShapleyValues(spy.model).attribute(x, { signal: controller.signal })).rejects.toThrow(AbortError);
    expect(spy.calls).toEqual([]);
  });

  it('memory: a 2^16-coalition run streams through a 64-row buffer', async () => {
    const w = Array.from({ length: 16 }, (_, j) => j - 7.5);
    const spy = spyModel(linearModel([w]));
    const x16 = tensor(Array.from({ length: 16 }, (_, j) => j / 4), [1, 16]);
    const res = await new ShapleyValues(spy.model).attribute(x16, { target: 0, maxRowsPerCall: 64 });
    expect(Math.max(...spy.calls.map((c) => c.rows))).toBe(64);
    expect(spy.calls.length).toBe(1 + 65536 / 64);
    row(res.attributions, 0).forEach((v, j) => expect(v).toBeCloseTo((w[j]! * j) / 4, 4));
  });

  it('the predicted class is the default target', async () => {
    const res = await new FeatureAblation(lin).attribute(x);
    expect(res.targets).toEqual([0, 1]);
  });
});

describe('typed errors before any model call', () => {
  const cases: Array<[string, () => Promise<unknown>, new (...a: never[]) => Error]> = [
    ['mask of the wrong size', () => new FeatureAblation(lin).attribute(x, { featureMask: [0, 1, 2] }), ShapeError],
    ['mask with a negative id', () => new ShapleyValues(lin).attribute(x, { featureMask: [0, 1, 2, -1, 0, 0] }), InvalidArgumentError],
    ['mask with a fraction', () => new ShapleyValueSampling(lin).attribute(x, { featureMask: [0, 1, 2, 1.5, 0, 0] }), InvalidArgumentError],
    ['window larger than the input', () => new Occlusion(lin).attribute(x, { slidingWindowShapes: [7] }), InvalidArgumentError],
    ['window rank mismatch', () => new Occlusion(lin).attribute(x, { slidingWindowShapes: [2, 2] }), InvalidArgumentError],
    ['missing window', () => new Occlusion(lin).attribute(x, {} as never), InvalidArgumentError],
    ['zero stride', () => new Occlusion(lin).attribute(x, { slidingWindowShapes: [2], strides: 0 }), InvalidArgumentError],
    ['zero window', () => new Occlusion(lin).attribute(x, { slidingWindowShapes: [0] }), InvalidArgumentError],
    ['one example for feature permutation', () => new FeaturePermutation(lin).attribute(tensor(x.data.slice(0, 6), [1, 6])), ShapeError],
    ['nSamples 0', () => new ShapleyValueSampling(lin).attribute(x, { nSamples: 0 }), InvalidArgumentError],
    ['fractional seed', () => new ShapleyValueSampling(lin).attribute(x, { seed: 0.5 }), InvalidArgumentError],
    ['perturbationsPerEval 0', () => new FeatureAblation(lin).attribute(x, { perturbationsPerEval: 0 }), InvalidArgumentError],
    ['baselines of the wrong shape', () => new FeatureAblation(lin).attribute(x, { baselines: tensor([1, 2], [2]) }), ShapeError],
  ];
  it.each(cases)('%s', async (_name, run, type) => {
    await expect(run()).rejects.toThrow(type);
  });
});
