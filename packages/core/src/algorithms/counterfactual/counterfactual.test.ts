/**
 * Counterfactuals against known truth.
 *
 * Linear truth (hand derivation). A logistic model p = σ(w·x + b) with threshold 0.5 (or two
 * logits whose difference is w·x + b) flips exactly where the score w·x + b crosses 0. With
 * s₀ = w·x + b:
 * - minimal MAD-scaled L1 change: min Σ |Δ_j| / MAD_j s.t. w·Δ = −s₀ is a linear programme whose
 *   optimum is a vertex: one feature moves. Moving feature j changes the score by w_j Δ_j at cost
 *   |Δ_j| / MAD_j = |s₀| / (|w_j| MAD_j), so the best feature maximises |w_j| · MAD_j and moves by
 *   Δ_j = −s₀ / w_j, exactly to the boundary (cost |s₀| / max_j |w_j| MAD_j);
 * - minimal L2 change: the projection onto the hyperplane, Δ = −s₀ w / ‖w‖² (cost |s₀| / ‖w‖).
 * Constraints (property tests, fast-check over seeded random cases): every returned
 * counterfactual is re-evaluated on the model here and must flip the prediction, stay in its
 * ranges, keep immutables and keep one-hot groups at a vertex.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createReferenceModel } from '../../reference-model.js';
import { graphFromJSON } from '../../ir/serialize.js';
import type { Model } from '../../model.js';
import { tensor } from '../../tensor.js';
import { createRng } from '../../random/prng.js';
import { AbortError, CapabilityError, InvalidArgumentError, ShapeError, TargetError } from '../../errors.js';
import { fromFunction } from '../../function-model.js';
import { diceCounterfactuals, growingSpheresCounterfactual, madScale, wachterCounterfactual, type CounterfactualResult } from './index.js';

function gemm(w: number[][], b: number[], sigmoid: boolean): Model {
  const nodes: unknown[] = [{ name: 'fc', op: 'Gemm', inputs: ['x', 'w', 'b'], outputs: [sigmoid ? 'z' : 'y'], attrs: { transB: 1 } }];
  if (sigmoid) nodes.push({ name: 'sig', op: 'Sigmoid', inputs: ['z'], outputs: ['y'], attrs: {} });
  return createReferenceModel(
    graphFromJSON({
      format: 'glasswing-graph', version: 1, name: 'linear',
      inputs: [{ name: 'x', shape: [-1, w[0]!.length] }], outputs: ['y'], nodes,
      initializers: { w: { shape: [w.length, w[0]!.length], data: w.flat() }, b: { shape: [b.length], data: b } },
      metadata: {},
    }),
  );
}

/** A small MLP: d → 8 (relu) → 2 logits, weights from a seed. */
function mlp(d: number, seed: number): Model {
  const r = createRng(seed);
  const w1 = Array.from({ length: 8 }, () => Array.from({ length: d }, () => r.normal()));
  const w2 = Array.from({ length: 2 }, () => Array.from({ length: 8 }, () => r.normal()));
  return createReferenceModel(
    graphFromJSON({
      format: 'glasswing-graph', version: 1, name: 'mlp',
      inputs: [{ name: 'x', shape: [-1, d] }], outputs: ['y'],
      nodes: [
        { name: 'fc1', op: 'Gemm', inputs: ['x', 'w1', 'b1'], outputs: ['h'], attrs: { transB: 1 } },
        { name: 'relu', op: 'Relu', inputs: ['h'], outputs: ['r'], attrs: {} },
        { name: 'fc2', op: 'Gemm', inputs: ['r', 'w2', 'b2'], outputs: ['y'], attrs: { transB: 1 } },
      ],
      initializers: {
        w1: { shape: [8, d], data: w1.flat() }, b1: { shape: [8], data: Array.from({ length: 8 }, () => 0.3 * r.normal()) },
        w2: { shape: [2, 8], data: w2.flat() }, b2: { shape: [2], data: [0, 0] },
      },
      metadata: {},
    }),
  );
}

function dataset(m: number, d: number, seed: number, scales: number[]): ReturnType<typeof tensor> {
  const r = createRng(seed);
  return tensor(Array.from({ length: m * d }, (_, i) => scales[i % d]! * r.normal()), [m, d]);
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);

/** Re-checks every returned counterfactual on the model: valid, in range, immutables, one-hot. */
async function checkConstraints(
  model: Model, res: CounterfactualResult, x: number[],
  c: { ranges?: ([number, number] | null)[]; immutable?: number[]; categorical?: number[][]; integer?: number[] },
): Promise<void> {
  for (const cf of res.counterfactuals) {
    const out = await model.forward(tensor(cf.values, [1, x.length]));
    if (res.desired.class !== undefined) {
      const o = Array.from(out.data);
      expect(o.indexOf(Math.max(...o))).toBe(res.desired.class);
      expect(o.indexOf(Math.max(...o))).not.toBe(res.original.predicted);
    } else {
      const t = res.desired.threshold!;
      if (res.desired.side === 'above') expect(out.data[0]!).toBeGreaterThan(t);
      else expect(out.data[0]!).toBeLessThan(t);
    }
    expect(cf.valid).toBe(true);
    c.ranges?.forEach((r, j) => {
      if (!r) return;
      expect(cf.values[j]!).toBeGreaterThanOrEqual(r[0]);
      expect(cf.values[j]!).toBeLessThanOrEqual(r[1]);
    });
    for (const j of c.immutable ?? []) expect(cf.values[j]).toBe(Math.fround(x[j]!));
    for (const j of c.integer ?? []) expect(Number.isInteger(cf.values[j])).toBe(true);
    for (const g of c.categorical ?? []) {
      expect(g.map((j) => cf.values[j]).sort()).toEqual([...g.map(() => 0).slice(1), 1]);
    }
    // The change list is exactly the differing features.
    expect(cf.changes.map((ch) => ch.feature)).toEqual(x.map((v, j) => j).filter((j) => cf.values[j] !== Math.fround(x[j]!)));
  }
}

describe('madScale', () => {
  it('is the median absolute deviation from the median per column; 0 → 1', () => {
    // Column 0: 1, 2, 3, 4, 100 → median 3, |dev| 2, 1, 0, 1, 97 → MAD 1. Column 1 constant → 1.
    const s = madScale(Float32Array.from([1, 5, 2, 5, 3, 5, 4, 5, 100, 5]), 5, 2);
    expect(Array.from(s)).toEqual([1, 1]);
    // Column of 0, 0, 10, 20 → median 5, |dev| 5, 5, 5, 15 → MAD 5.
    expect(madScale(Float32Array.from([0, 0, 10, 20]), 4, 1)[0]).toBe(5);
  });
});

describe('Wachter on a linear model matches the closed form', () => {
  const w = [0.8, -1.5, 0.4, 2.0];
  const b = -0.5;
  const scales = [2, 0.5, 3, 0.25]; // |w|·MAD ≈ 1.6, 0.75, 1.2, 0.5: feature 0 is best for L1-MAD.
  const data = dataset(400, 4, 1, scales);
  const mad = madScale(data.data, 400, 4);
  const x = [-1, 0.5, -0.5, 0.1]; // s₀ = −0.8 − 0.75 − 0.2 + 0.2 − 0.5 = −2.05 → predicted 0.
  const s0 = dot(w, x) + b;

  it('L1-MAD: one feature, the argmax of |w_j|·MAD_j, exactly to the boundary (sigmoid output, threshold)', async () => {
    const model = gemm([w], [b], true);
    const jStar = [0, 1, 2, 3].reduce((a, j) => (Math.abs(w[j]!) * mad[j]! > Math.abs(w[a]!) * mad[a]! ? j : a), 0);
    expect(jStar).toBe(0);
    const res = await wachterCounterfactual(model, tensor(x, [1, 4]), { data, distance: 'l1-mad' });
    expect(res.status).toBe('found');
    const cf = res.counterfactuals[0]!;
    expect(cf.changes.map((c) => c.feature)).toEqual([jStar]);
    expect(cf.values[jStar]!).toBeCloseTo(x[jStar]! - s0 / w[jStar]!, 3);
    expect(cf.distances.l1Mad).toBeCloseTo(Math.abs(s0) / (Math.abs(w[jStar]!) * mad[jStar]!), 3);
    expect(res.desired).toEqual({ threshold: 0.5, side: 'above' });
  });

  it('L2: the projection onto the hyperplane (two logits)', async () => {
    // Logits [0, w·x + b]: class 1 iff w·x + b > 0.
    const model = gemm([[0, 0, 0, 0], w], [0, b], false);
    const res = await wachterCounterfactual(model, tensor(x, [1, 4]), { distance: 'l2' });
    const cf = res.counterfactuals[0]!;
    const n2 = dot(w, w);
    const proj = x.map((v, j) => v - (s0 * w[j]!) / n2);
    proj.forEach((v, j) => expect(cf.values[j]!).toBeCloseTo(v, 2));
    expect(cf.distances.l2).toBeCloseTo(Math.abs(s0) / Math.sqrt(n2), 2);
    expect(res.desired).toEqual({ class: 1 });
    expect(cf.predicted).toBe(1);
  });

  it('an immutable best feature moves the optimum to the next-best ratio (closed form again)', async () => {
    const model = gemm([w], [b], true);
    const res = await wachterCounterfactual(model, tensor(x, [1, 4]), { data, immutable: [0] });
    const order = [1, 2, 3].sort((a, c) => Math.abs(w[c]!) * mad[c]! - Math.abs(w[a]!) * mad[a]!);
    const cf = res.counterfactuals[0]!;
    expect(cf.changes.map((c) => c.feature)).toEqual([order[0]]);
    expect(cf.values[order[0]!]!).toBeCloseTo(x[order[0]!]! - s0 / w[order[0]!]!, 3);
  });

  it('a range that stops the best feature short: it goes to its bound, the next feature finishes (LP optimum)', async () => {
    const model = gemm([w], [b], true);
    // Feature 0 may rise only to 0 (score gain 0.8); the rest (1.25) comes from the next-best ratio.
    const ranges: ([number, number] | null)[] = [[-3, 0], null, null, null];
    const res = await wachterCounterfactual(model, tensor(x, [1, 4]), { data, ranges });
    const cf = res.counterfactuals[0]!;
    const next = [1, 2, 3].reduce((a, j) => (Math.abs(w[j]!) * mad[j]! > Math.abs(w[a]!) * mad[a]! ? j : a), 1);
    expect(cf.values[0]!).toBeCloseTo(0, 3);
    const rest = -(s0 + 0.8);
    expect(cf.values[next]!).toBeCloseTo(x[next]! + rest / w[next]!, 2);
    await checkConstraints(model, res, x, { ranges });
  });
});

describe('model-agnostic methods on the linear model', () => {
  const w = [0.8, -1.5, 0.4, 2.0];
  const b = -0.5;
  const x = [-1, 0.5, -0.5, 0.1];
  const s0 = dot(w, x) + b;
  const dMin = Math.abs(s0) / Math.sqrt(dot(w, w));

  it('growing spheres (L2, forward only): an enemy at distance ≥ the closed-form minimum and within 1.5×', async () => {
    const model = gemm([w], [b], true);
    const fwd = fromFunction((t) => model.forward(t), { inputShape: [4], outputShape: [1] });
    for (const seed of [0, 1, 2]) {
      const res = await growingSpheresCounterfactual(fwd, tensor(x, [1, 4]), { distance: 'l2', seed, sparsify: false, radius: 0.2 });
      const cf = res.counterfactuals[0]!;
      expect(cf.distances.l2).toBeGreaterThanOrEqual(dMin * (1 - 1e-6));
      expect(cf.distances.l2).toBeLessThan(1.5 * dMin);
      await checkConstraints(model, res, x, {});
    }
    // Same seed → bit-identical.
    const a = await growingSpheresCounterfactual(fwd, tensor(x, [1, 4]), { distance: 'l2', seed: 5 });
    const c = await growingSpheresCounterfactual(fwd, tensor(x, [1, 4]), { distance: 'l2', seed: 5 });
    expect(Array.from(a.counterfactuals[0]!.values)).toEqual(Array.from(c.counterfactuals[0]!.values));
  });

  it('DiCE: k valid, distinct (pairwise distance > 0), reproducible per seed', async () => {
    const model = gemm([w], [b], true);
    const fwd = fromFunction((t) => model.forward(t), { inputShape: [4], outputShape: [1] });
    const data = dataset(200, 4, 2, [2, 0.5, 3, 0.25]);
    const res = await diceCounterfactuals(fwd, tensor(x, [1, 4]), { data, count: 4, seed: 3 });
    expect(res.counterfactuals.length).toBe(4);
    await checkConstraints(model, res, x, {});
    expect(res.diversity.minPairwiseDistance).toBeGreaterThan(0);
    expect(res.diversity.dppDeterminant).toBeGreaterThan(0);
    const again = await diceCounterfactuals(fwd, tensor(x, [1, 4]), { data, count: 4, seed: 3 });
    expect(again.counterfactuals.map((c) => Array.from(c.values))).toEqual(res.counterfactuals.map((c) => Array.from(c.values)));
    // Every DiCE counterfactual costs at least the L1-MAD minimum.
    const mad = madScale(data.data, 200, 4);
    const l1Min = Math.abs(s0) / Math.max(...w.map((v, j) => Math.abs(v) * mad[j]!));
    for (const cf of res.counterfactuals) expect(cf.distances.l1Mad).toBeGreaterThanOrEqual(l1Min * (1 - 1e-4));
  });
});

describe('constraints hold on random nonlinear cases (property tests)', () => {
  // Features: 0..2 continuous, 3 integer in [0, 5], 4..6 a one-hot group.
  const d = 7;
  const group = [4, 5, 6];
  const data = (() => {
    const r = createRng(9);
    const rows: number[] = [];
    for (let i = 0; i < 100; i++) {
      const c = r.int(3);
      rows.push(r.normal(), r.normal(), r.normal(), r.int(6), c === 0 ? 1 : 0, c === 1 ? 1 : 0, c === 2 ? 1 : 0);
    }
    return tensor(rows, [100, d]);
  })();
  const arb = fc.record({
    modelSeed: fc.integer({ min: 0, max: 1000 }),
    x: fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 2 })),
    immutable: fc.subarray([0, 1, 2, 3]),
    method: fc.constantFrom('wachter', 'growing-spheres', 'dice'),
    seed: fc.integer({ min: 0, max: 100 }),
  });
  it('every counterfactual flips the prediction, stays in range, keeps immutables, integers and one-hot groups', async () => {
    let found = 0;
    let changedCategory = 0;
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const model = mlp(d, c.modelSeed);
        const x = [Math.fround(c.x[0]), Math.fround(c.x[1]), Math.fround(c.x[2]), c.x[3], ...group.map((_, g) => (g === c.x[4] ? 1 : 0))];
        const ranges: ([number, number] | null)[] = [[-2, 2], [-2, 2], null, [0, 5], null, null, null];
        const constraints = { ranges, immutable: c.immutable, categorical: [group], integer: [3] };
        const opts = { data, ...constraints, seed: c.seed };
        const xt = tensor(x, [1, d]);
        const res =
          c.method === 'wachter'
            ? await wachterCounterfactual(model, xt, { ...opts, steps: 60, maxRounds: 8 })
            : c.method === 'growing-spheres'
              ? await growingSpheresCounterfactual(model, xt, { ...opts, samples: 200, maxLayers: 30 })
              : await diceCounterfactuals(model, xt, { ...opts, count: 3, population: 60, generations: 6 });
        expect(['found', 'not-found']).toContain(res.status);
        if (res.status === 'not-found') expect(res.counterfactuals.length).toBe(0);
        else found++;
        if (res.counterfactuals.some((cf) => cf.changes.some((ch) => group.includes(ch.feature)))) changedCategory++;
        await checkConstraints(model, res, x, constraints);
      }),
      { numRuns: 24, seed: 42 },
    );
    // The property is not vacuous: most cases find counterfactuals, some through the category.
    expect(found).toBeGreaterThan(12);
    expect(changedCategory).toBeGreaterThan(0);
  }, 120_000);
});

describe('typed errors, budgets, progress and abort', () => {
  const w = [0.8, -1.5, 0.4, 2.0];
  const model = gemm([[0, 0, 0, 0], w], [0, -0.5], false);
  const x = tensor([-1, 0.5, -0.5, 0.1], [1, 4]);

  it('bad desired class, desired already met, immutable everything, bad shapes and options', async () => {
    await expect(wachterCounterfactual(model, x, { distance: 'l2', desired: 2 })).rejects.toBeInstanceOf(TargetError);
    await expect(wachterCounterfactual(model, x, { distance: 'l2', desired: 0 })).rejects.toThrow(/already predicted/);
    await expect(growingSpheresCounterfactual(model, x, { distance: 'l2', immutable: [0, 1, 2, 3] })).rejects.toThrow(/every feature is immutable/);
    await expect(diceCounterfactuals(model, tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]), { distance: 'l2' })).rejects.toBeInstanceOf(ShapeError);
    await expect(wachterCounterfactual(model, x, {})).rejects.toThrow(/needs data/);
    await expect(wachterCounterfactual(model, x, { distance: 'l2', ranges: [[0, 1], null, null, null] })).rejects.toThrow(/outside its range/);
    await expect(wachterCounterfactual(model, x, { distance: 'l2', categorical: [[0, 1]] })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(wachterCounterfactual(model, x, { distance: 'l2', threshold: 0.5 })).rejects.toThrow(/one-output/);
    const fwd = fromFunction((t) => model.forward(t), { inputShape: [4], outputShape: [2] });
    await expect(wachterCounterfactual(fwd, x, { distance: 'l2' })).rejects.toBeInstanceOf(CapabilityError);
  });

  it('no valid counterfactual within the budget → status not-found with a message (no hang)', async () => {
    // Only feature 2 may change, inside [-0.6, -0.4]: the score cannot reach 0.
    const ranges: ([number, number] | null)[] = [null, null, [-0.6, -0.4], null];
    const o = { distance: 'l2' as const, immutable: [0, 1, 3], ranges };
    const a = await wachterCounterfactual(model, x, { ...o, maxRounds: 3, steps: 20 });
    expect(a.status).toBe('not-found');
    expect(a.counterfactuals).toEqual([]);
    expect(a.message).toMatch(/no valid counterfactual after 3 rounds/);
    const g = await growingSpheresCounterfactual(model, x, { ...o, maxLayers: 5, samples: 50 });
    expect(g.status).toBe('not-found');
    const dd = await diceCounterfactuals(model, x, { ...o, generations: 3, population: 20 });
    expect(dd.status).toBe('not-found');
  });

  it('reports progress and honours an AbortSignal', async () => {
    const seen: number[] = [];
    await growingSpheresCounterfactual(model, x, { distance: 'l2', samples: 50, onProgress: (p) => seen.push(p.done) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const ac = new AbortController();
    let calls = 0;
    const p = wachterCounterfactual(model, x, {
      distance: 'l2',
      signal: ac.signal,
      onProgress: () => {
        if (++calls === 5) ac.abort();
      },
    });
    await expect(p).rejects.toBeInstanceOf(AbortError);
  });
});
