/**
 * Numerics at every METHODS entry: a NaN / ±Infinity in the input, in the baselines, or in what
 * the model returns (outputs, input gradients, layer activations and gradients) is reported as a
 * typed error naming where it arose — never a silent NaN map. Also float32 overflow of a long
 * integration (IG with huge inputs: finite per-step gradients whose path sum overflows).
 */
import { describe, expect, it } from 'vitest';
import { createReferenceModel } from '../../ir/index.js';
import type { ActivationResult, GradientRequest, GradientResult, Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { GlasswingError, InvalidArgumentError, NumericError } from '../../errors.js';
import { METHODS } from '../registry.js';
import { fromFunction } from '../../function-model.js';
import type { MethodOptions, MethodSpec } from '../_utils/method-spec.js';
import { camGraph, randTensor } from './cnn-models.js';

// x [N, 5, 5, 2] → conv (3 channels) → relu → gap → flat → fc (2 logits).
const base: Model = createReferenceModel(camGraph('NHWC'));
const N = 3;
const x: Tensor = randTensor([N, 5, 5, 2], 5);

function options(spec: MethodSpec): MethodOptions {
  const all: MethodOptions = {
    steps: 3,
    samples: 3,
    stdev: 0.1,
    seed: 1,
    layer: 'conv',
    neuron: 0,
    window: [2, 2, 1],
    strides: [2, 2, 1],
    featureMask: Float32Array.from({ length: 50 }, (_, i) => Math.floor(i / 10) % 4),
    perturbationsPerEval: 3,
  };
  const picked: Record<string, unknown> = {};
  for (const k of spec.options) if (k in all) picked[k] = all[k as keyof MethodOptions];
  return picked as MethodOptions;
}

/** `t` with its last row's first value replaced by `v` (a poisoned row of a model call). */
function poisonLastRow(t: Tensor, v: number): Tensor {
  const data = Float32Array.from(t.data);
  const rows = t.shape[0]!;
  data[((rows - 1) * data.length) / rows] = v;
  return { shape: t.shape, data };
}

type Poison = 'outputs' | 'input gradient' | 'layer';

/** The reference model, except that every call returns `v` in the last row of `where`. */
function poisoned(where: Poison, v: number): Model {
  const m = Object.create(base) as Model & Record<string, unknown>;
  m.forward = async (t: Tensor) => {
    const out = await base.forward(t);
    return where === 'outputs' ? poisonLastRow(out, v) : out;
  };
  m.gradient = async (t: Tensor, req: GradientRequest): Promise<GradientResult> => {
    const r = await base.gradient(t, req);
    if (where === 'outputs') return { ...r, outputs: poisonLastRow(r.outputs, v) };
    if (where === 'input gradient') return { ...r, inputGradient: poisonLastRow(r.inputGradient, v) };
    const layers = Object.fromEntries(Object.entries(r.layers).map(([k, tap]) => [k, { activation: poisonLastRow(tap.activation, v), gradient: tap.gradient }]));
    return { ...r, layers };
  };
  m.activations = async (t: Tensor, names: readonly string[]): Promise<ActivationResult> => {
    const r = await base.activations(t, names);
    if (where === 'outputs') return { ...r, outputs: poisonLastRow(r.outputs, v) };
    if (where === 'layer') return { ...r, layers: Object.fromEntries(Object.entries(r.layers).map(([k, a]) => [k, poisonLastRow(a, v)])) };
    return r;
  };
  return m;
}

async function thrown(run: () => Promise<unknown>): Promise<unknown> {
  try {
    const res = await run();
    return res;
  } catch (e) {
    return e;
  }
}

describe.each(Object.keys(METHODS))('%s', (id) => {
  const spec = METHODS[id]!;
  const opts = options(spec);

  it('a finite input gives a finite result (control)', async () => {
    const res = await spec.run(base, x, opts);
    expect(res.attributions.data.every(Number.isFinite)).toBe(true);
  });

  it.each([NaN, Infinity, -Infinity])('input with %s → InvalidArgumentError naming x and the flat index', async (v) => {
    const bad = { shape: x.shape, data: Float32Array.from(x.data) };
    bad.data[57] = v;
    const e = await thrown(() => spec.run(base, bad, opts));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toMatch(/\bx\b.*non-finite.*flat index 57|flat index 57.*\bx\b/);
  });

  it.each([NaN, Infinity])('baseline %s (number and tensor) → InvalidArgumentError naming the baseline', async (v) => {
    if (!spec.options.includes('baselines')) return;
    const e1 = await thrown(() => spec.run(base, x, { ...opts, baselines: v }));
    expect(e1).toBeInstanceOf(InvalidArgumentError);
    expect((e1 as Error).message).toMatch(/baseline|hideColor|background/);
    const t = { shape: [5, 5, 2], data: new Float32Array(50) };
    t.data[7] = v;
    const e2 = await thrown(() => spec.run(base, x, { ...opts, baselines: t }));
    expect(e2).toBeInstanceOf(InvalidArgumentError);
    expect((e2 as Error).message).toMatch(/(baseline|background).*non-finite value.* (at|flat index) 7$|takes a numeric baseline/);
  });

  const poisons: Poison[] = ['outputs', 'input gradient', ...(spec.options.includes('layer') ? (['layer'] as const) : [])];
  it.each(poisons.flatMap((p) => [NaN, Infinity].map((v) => [p, v] as const)))('model returning %s %s in some row → NumericError naming the call and row', async (where, v) => {
    if (where === 'input gradient' && !spec.requires.gradients) return;
    const e = await thrown(() => spec.run(poisoned(where, v), x, opts));
    // the poisoned value may not be read by every method (a layer method never reads the input
    // gradient); when it is read, the error says where
    if (!(e instanceof Error)) {
      expect((e as { attributions: Tensor }).attributions.data.every(Number.isFinite), 'a result is finite').toBe(true);
      return;
    }
    expect(e).toBeInstanceOf(NumericError);
    expect(e.message).toMatch(/model \(reference\) returned a non-finite/);
    expect(e.message).toMatch(/\brow \d+\b/);
    expect(e.message).toMatch(/\bcall \d+\b/);
  });
});

/**
 * y = 1e30·(x0 − x1) on [2] inputs, gradients (1e30, −1e30) by hand. At x = (1e10, 1e10) the
 * output is 0 and every gradient is finite, but IG's attribution (x − 0) · 1e30 = 1e40 is beyond
 * float32's 3.4e38: the integration overflows although no model call does.
 */
function steepModel(W = 1e30): Model {
  const fwd = (t: Tensor): Tensor => {
    const n = t.shape[0]!;
    const out = new Float32Array(n);
    for (let r = 0; r < n; r++) out[r] = W * (t.data[2 * r]! - t.data[2 * r + 1]!);
    return { shape: [n, 1], data: out };
  };
  return {
    inputShape: [2],
    outputShape: [1],
    capabilities: { gradients: true, layers: false, rules: false },
    layerNames: [],
    backend: 'hand',
    forward: async (t) => fwd(t),
    gradient: async (t) => {
      const n = t.shape[0]!;
      const g = new Float32Array(2 * n);
      for (let r = 0; r < n; r++) [g[2 * r], g[2 * r + 1]] = [W, -W];
      return { outputs: fwd(t), inputGradient: { shape: [n, 2], data: g }, layers: {} };
    },
    activations: async (t) => ({ outputs: fwd(t), layers: {} }),
    dispose: () => {},
  };
}

const blackBoxIds = Object.keys(METHODS).filter((id) => !METHODS[id]!.requires.gradients && !METHODS[id]!.requires.layers && !METHODS[id]!.requires.rules);

describe('fromFunction (a black box) returning NaN for one row', () => {
  it('covers the perturbation methods', () => expect(blackBoxIds).toEqual(expect.arrayContaining(['occlusion', 'feature-ablation', 'kernel-shap', 'lime'])));
  it.each(blackBoxIds)(
    '%s → NumericError naming the row and the call',
    async (id) => {
      const spec = METHODS[id]!;
      const fn = fromFunction(async (t) => poisonLastRow(await base.forward(t), NaN), { inputShape: [5, 5, 2], outputShape: [2], name: 'endpoint' });
      const e = await thrown(() => spec.run(fn, x, options(spec)));
      expect(e).toBeInstanceOf(NumericError);
      expect((e as Error).message).toMatch(/model \(endpoint\) returned a non-finite output value \(NaN\) in row \d+ of forward call \d+/);
    },
  );
});

describe('float32 overflow in a long integration', () => {
  const big: Tensor = { shape: [1, 2], data: Float32Array.from([1e10, 1e10]) };
  it.each(['integrated-gradients', 'input-x-gradient', 'gradient-shap'].filter((id) => id in METHODS))(
    '%s: finite model calls, attribution beyond float32 → NumericError naming the element, not Infinity',
    async (id) => {
      const spec = METHODS[id]!;
      const e = await thrown(() => spec.run(steepModel(), big, { target: 0, steps: 1000, samples: 4, seed: 1 }));
      expect(e).toBeInstanceOf(NumericError);
      expect((e as Error).message).toMatch(/overflow|non-finite/);
      expect((e as Error).message).toMatch(/flat index [01]/);
    },
  );

  it('the same model at x = (1, 1): IG is exact (1e30, −1e30), so the check only fires on real overflow', async () => {
    const res = await METHODS['integrated-gradients']!.run(steepModel(), { shape: [1, 2], data: Float32Array.from([1, 1]) }, { target: 0, steps: 1000 });
    expect(res.attributions.data[0]).toBeCloseTo(1e30, -25);
    expect(res.attributions.data[1]).toBeCloseTo(-1e30, -25);
  });

  it('vargrad with gradients of 1e36 equal in every sample: variance 0, not a false overflow (shrunk counterexample)', async () => {
    // mean(a²) − mean(a)² cancelled to a rounding error of ~1e56 (beyond float32); Welford's update gives 0
    const x1: Tensor = { shape: [1, 2], data: Float32Array.from([1, 0.5]) };
    const res = await METHODS['vargrad']!.run(steepModel(1e36), x1, { target: 0, samples: 50, stdev: 0.1, seed: 1 });
    expect(Array.from(res.attributions.data)).toEqual([0, 0]);
    // smoothgrad-sq's true value 1e72 is beyond float32: that overflow is real and reported
    const e = await thrown(() => METHODS['smoothgrad-sq']!.run(steepModel(1e36), x1, { target: 0, samples: 50, stdev: 0.1, seed: 1 }));
    expect(e).toBeInstanceOf(NumericError);
    expect((e as Error).message).toMatch(/smoothgrad-sq: attribution overflowed to Infinity at flat index 0/);
  });
});
