/**
 * Property-based tests (fast-check) of each attribution family's axioms on random small graphs
 * (property-graphs.ts: MLPs and tiny convs, ReLU or tanh, with or without biases, weights from
 * a seed fast-check draws) and random inputs / baselines. Truth is the axiom itself, checked
 * against the model's own outputs:
 *
 * - IG completeness: Σ attr = f(x) − f(x′) (the result's delta, recomputed here from forward
 *   passes). Tanh nets: the path integrand is analytic, so 64-point Gauss–Legendre is exact to
 *   float32 rounding (no MaxPool there: its argmax switches break smoothness). ReLU nets: the integrand is piecewise constant along the path; the
 *   trapezoid rule with h = 1/1000 errs by at most h · (total jump of ∇f·(x − x′)) / 2.
 * - DeepLIFT (rescale and reveal-cancel) summation-to-delta: exact by construction.
 * - LRP-ε with ε → 0 on bias-free ReLU nets equals Input × Gradient (both are x ⊙ ∇f there,
 *   since z = Σ w a is the only term in the denominator).
 * - Exact Shapley values: efficiency (Σφ = f(x) − f(b)), symmetry (two features that enter
 *   the model identically, with equal x and baseline, get equal values) and dummy (a feature
 *   with an all-zero first-layer column gets 0).
 * - Linearity in the output: a tensor seed a·e_i + b·e_j gives a·attr_i + b·attr_j for the
 *   gradient and rule methods (all are linear in the output seed).
 * (Reproducibility and batching independence: properties-reproducibility.test.ts.)
 *
 * Tolerances: outputs and gradients are float32, accumulations float64. With S = Σ|attr| +
 * |f(x)| + |f(x′)| + 1 the scale of the terms summed, exact identities get 1e-4·S (a few
 * hundred float32 ulps of the largest term, for graphs of ≤ 3 layers and ≤ 48 inputs).
 * Seed and runs: fixed seed (CI reproducible); FC_SEED / FC_RUNS explore (property-graphs.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createReferenceModel } from '../../reference-model.js';
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { IntegratedGradients } from '../gradient/integrated-gradients.js';
import { InputXGradient } from '../gradient/input-x-gradient.js';
import { Saliency } from '../gradient/saliency.js';
import { DeepLift } from '../rules/deep-lift.js';
import { Lrp } from '../rules/lrp.js';
import { ShapleyValues } from '../perturbation/shapley-values.js';
import { KernelShap } from '../perturbation/kernel-shap.js';
import { buildGraph, fcParams, graphArb, inputSize, mlpArb, model, targetsFor, uniformBatch } from './property-graphs.js';
import type { Graph } from '../../ir/graph.js';

const seedArb = fc.integer({ min: 0, max: 0x7fffffff });
const nArb = fc.integer({ min: 1, max: 3 });
/** Input magnitude: tiny (where ε-guards and Δx → 0 fallbacks act), unit, large (saturation). */
const scaleArb = fc.constantFrom(1, 1e-3, 50);


/** Target output per example of a forward pass. */
async function targetOutputs(m: Model, x: Tensor, targets: readonly number[]): Promise<number[]> {
  const out = await m.forward(x);
  const k = out.data.length / x.shape[0]!;
  return targets.map((t, i) => out.data[i * k + t]!);
}

/** Per-example sums of the attributions and of their absolute values. */
function rowSums(a: Tensor): { sum: number[]; abs: number[] } {
  const n = a.shape[0]!;
  const per = a.data.length / n;
  const sum: number[] = [];
  const abs: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    let t = 0;
    for (let j = 0; j < per; j++) {
      s += a.data[i * per + j]!;
      t += Math.abs(a.data[i * per + j]!);
    }
    sum.push(s);
    abs.push(t);
  }
  return { sum, abs };
}

/** Σ attr = f(x) − f(x′) per example within rel·S (S as in the header). */
async function expectCompleteness(m: Model, x: Tensor, b: Tensor, attr: Tensor, targets: number[], rel: number): Promise<void> {
  const fx = await targetOutputs(m, x, targets);
  const fb = await targetOutputs(m, b, targets);
  const { sum, abs } = rowSums(attr);
  sum.forEach((s, i) => {
    const S = abs[i]! + Math.abs(fx[i]!) + Math.abs(fb[i]!) + 1;
    expect(Math.abs(s - (fx[i]! - fb[i]!))).toBeLessThanOrEqual(rel * S);
  });
}

function expectAllClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number): void {
  expect(a.length).toBe(b.length);
  let scale = 1;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]!), Math.abs(b[i]!));
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(rel * scale);
}


describe('property: completeness', () => {
  it('IG on smooth (tanh, no max-pool) nets: Σ attr = f(x) − f(x′) (64-point Gauss–Legendre)', async () => {
    await fc.assert(
      fc.asyncProperty(graphArb({ act: 'Tanh', smooth: true }), nArb, seedArb, async (spec, n, s) => {
        const m = model(spec);
        const x = uniformBatch(spec, n, s);
        const b = uniformBatch(spec, n, s + 1, -0.5, 0.5);
        const targets = targetsFor(spec, n, s);
        const r = await new IntegratedGradients(m).attribute(x, { target: targets, baselines: b, steps: 64 });
        await expectCompleteness(m, x, b, r.attributions, targets, 1e-4);
      }),
      fcParams(20),
    );
  });

  it('IG on ReLU nets: Σ attr = f(x) − f(x′) within the trapezoid bound (1000 steps)', async () => {
    await fc.assert(
      fc.asyncProperty(graphArb({ act: 'Relu' }), nArb, seedArb, async (spec, n, s) => {
        const m = model(spec);
        const x = uniformBatch(spec, n, s);
        const b = uniformBatch(spec, n, s + 1, -0.5, 0.5);
        const targets = targetsFor(spec, n, s);
        const r = await new IntegratedGradients(m).attribute(x, { target: targets, baselines: b, steps: 1000, quadrature: 'riemann_trapezoid' });
        // h·(total jump)/2 with total jump ≤ a few S on these ≤ 2-hidden-layer nets: 1e-2·S.
        await expectCompleteness(m, x, b, r.attributions, targets, 1e-2);
        // and the returned delta is what it claims to be
        const fx = await targetOutputs(m, x, targets);
        const fb = await targetOutputs(m, b, targets);
        rowSums(r.attributions).sum.forEach((sum, i) => expect(Math.abs(r.delta![i]! - (sum - (fx[i]! - fb[i]!)))).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(sum))));
      }),
      fcParams(15),
    );
  });

  it.each(['rescale', 'reveal-cancel'] as const)('DeepLIFT (%s): summation-to-delta', async (rule) => {
    await fc.assert(
      fc.asyncProperty(graphArb(), nArb, seedArb, fc.constantFrom('random', 'some-equal', 'near'), scaleArb, async (spec, n, s, kind, sc) => {
        const m = model(spec);
        const x = uniformBatch(spec, n, s, -sc, sc);
        const b = uniformBatch(spec, n, s + 1, -sc / 2, sc / 2);
        // Baselines equal to x in some entries, or a float32 step away: Δx = 0 and tiny Δx
        // are where the rescale multipliers Δy/Δx switch to the gradient.
        if (kind !== 'random') for (let q = 0; q < b.data.length; q += 2) b.data[q] = kind === 'near' ? Math.fround(x.data[q]! * (1 + 2 ** -20)) : x.data[q]!;
        const targets = targetsFor(spec, n, s);
        const r = await new DeepLift(m).attribute(x, { target: targets, baselines: b, rule });
        await expectCompleteness(m, x, b, r.attributions, targets, 1e-4);
      }),
      fcParams(20),
    );
  });

  it('LRP-ε, ε → 0, on bias-free ReLU nets equals Input × Gradient', async () => {
    await fc.assert(
      fc.asyncProperty(graphArb({ act: 'Relu', bias: false }), nArb, seedArb, scaleArb, async (spec, n, s, sc) => {
        const m = model(spec);
        const x = uniformBatch(spec, n, s, -sc, sc);
        const targets = targetsFor(spec, n, s);
        const lrp = await new Lrp(m).attribute(x, { target: targets, composite: 'captum', epsilon: 1e-9 });
        const ixg = await new InputXGradient(m).attribute(x, { target: targets });
        expectAllClose(lrp.attributions.data, ixg.attributions.data, 1e-4);
      }),
      fcParams(20),
    );
  });
});

/** Make input features i and j enter the first layer identically (column j := column i). */
function withSymmetric(g: Graph, i: number, j: number, d: number): Graph {
  const w = g.initializers['fc0.w']!;
  const data = Float32Array.from(w.data);
  const rows = w.shape[0]!;
  for (let r = 0; r < rows; r++) data[r * d + j] = data[r * d + i]!;
  return { ...g, initializers: { ...g.initializers, 'fc0.w': { shape: w.shape, data } } };
}

/** Make input feature k ignored (its first-layer column zero). */
function withDummy(g: Graph, k: number, d: number): Graph {
  const w = g.initializers['fc0.w']!;
  const data = Float32Array.from(w.data);
  for (let r = 0; r < w.shape[0]!; r++) data[r * d + k] = 0;
  return { ...g, initializers: { ...g.initializers, 'fc0.w': { shape: w.shape, data } } };
}

describe('property: exact Shapley values', () => {
  const shap = fc.tuple(mlpArb({ dMax: 6 }), nArb, seedArb, fc.nat(), fc.nat(), scaleArb);

  it('efficiency, symmetry and dummy', async () => {
    await fc.assert(
      fc.asyncProperty(shap, async ([spec, n, s, a, c, sc]) => {
        const d = spec.d;
        const i = a % d;
        let j = c % d;
        if (j === i) j = (i + 1) % d;
        const kDummy = d > 2 ? [0, 1, 2].find((t) => t !== i && t !== j)! : -1;
        let g = withSymmetric(buildGraph(spec), i, j, d);
        if (kDummy >= 0) g = withDummy(g, kDummy, d);
        const m = createReferenceModel(g);
        const x = uniformBatch(spec, n, s, -sc, sc);
        const b = uniformBatch(spec, n, s + 1, -sc / 2, sc / 2);
        for (let e = 0; e < n; e++) {
          x.data[e * d + j] = x.data[e * d + i]!;
          b.data[e * d + j] = b.data[e * d + i]!;
        }
        const targets = targetsFor(spec, n, s);
        const r = await new ShapleyValues(m).attribute(x, { target: targets, baselines: b });
        await expectCompleteness(m, x, b, r.attributions, targets, 1e-4);
        const { abs } = rowSums(r.attributions);
        for (let e = 0; e < n; e++) {
          const tol = 1e-5 * (abs[e]! + 1);
          expect(Math.abs(r.attributions.data[e * d + i]! - r.attributions.data[e * d + j]!)).toBeLessThanOrEqual(tol);
          if (kDummy >= 0) expect(Math.abs(r.attributions.data[e * d + kDummy]!)).toBeLessThanOrEqual(tol);
        }
      }),
      fcParams(20),
    );
  });
});

describe('property: Shapley values with groups, and KernelSHAP at complete enumeration', () => {
  it('grouped exact Shapley on convs: efficiency; every element of a group gets the group value', async () => {
    await fc.assert(
      fc.asyncProperty(graphArb(), nArb, seedArb, fc.integer({ min: 1, max: 6 }), async (spec, n, s, groups) => {
        const m = model(spec);
        const per = inputSize(spec);
        const x = uniformBatch(spec, n, s);
        const b = uniformBatch(spec, n, s + 1, -0.5, 0.5);
        const mask = Array.from({ length: per }, (_, q) => (q * 7 + s) % groups);
        const targets = targetsFor(spec, n, s);
        const r = await new ShapleyValues(m).attribute(x, { target: targets, baselines: b, featureMask: mask });
        // each element carries its group's φ, so Σ over groups = Σ_elements attr / |group|
        const groupSum = new Array<number>(n).fill(0);
        const phi: number[] = [];
        for (let e = 0; e < n; e++) {
          for (let g = 0; g < groups; g++) {
            const members = mask.flatMap((id, q) => (id === g ? [r.attributions.data[e * per + q]!] : []));
            if (members.length === 0) continue;
            members.forEach((v) => expect(v).toBe(members[0]));
            phi.push(members[0]!);
            groupSum[e] += members[0]!;
          }
        }
        const fx = await targetOutputs(m, x, targets);
        const fb = await targetOutputs(m, b, targets);
        for (let e = 0; e < n; e++) {
          const S = phi.reduce((t, v) => t + Math.abs(v), 0) + Math.abs(fx[e]!) + Math.abs(fb[e]!) + 1;
          expect(Math.abs(groupSum[e]! - (fx[e]! - fb[e]!))).toBeLessThanOrEqual(1e-4 * S);
        }
      }),
      fcParams(15),
    );
  });

  it('KernelSHAP with every coalition enumerated equals exact Shapley values (one baseline row)', async () => {
    await fc.assert(
      fc.asyncProperty(mlpArb({ dMax: 5 }), nArb, seedArb, async (spec, n, s) => {
        const m = model(spec);
        const x = uniformBatch(spec, n, s);
        const b = uniformBatch(spec, 1, s + 1, -0.5, 0.5);
        const targets = targetsFor(spec, n, s);
        const ks = await new KernelShap(m).attribute(x, { target: targets, baselines: b, nSamples: 2 ** spec.d + 8, seed: s });
        expect(ks.exact).toBe(true);
        const sv = await new ShapleyValues(m).attribute(x, { target: targets, baselines: b });
        expectAllClose(ks.attributions.data, sv.attributions.data, 1e-4);
      }),
      fcParams(15),
    );
  });
});

describe('property: linearity in the output seed', () => {
  type Attr = (m: Model, x: Tensor, target: number[] | { kind: 'tensor'; seed: Tensor }, b: Tensor) => Promise<Tensor>;
  const methods: [string, Attr][] = [
    ['saliency (abs off)', async (m, x, t) => (await new Saliency(m).attribute(x, { target: t, abs: false })).attributions],
    ['input × gradient', async (m, x, t) => (await new InputXGradient(m).attribute(x, { target: t })).attributions],
    ['integrated gradients', async (m, x, t, b) => (await new IntegratedGradients(m).attribute(x, { target: t, baselines: b, steps: 16 })).attributions],
    ['deeplift', async (m, x, t, b) => (await new DeepLift(m).attribute(x, { target: t, baselines: b })).attributions],
    ['lrp (captum composite)', async (m, x, t) => (await new Lrp(m).attribute(x, { target: t })).attributions],
  ];
  it.each(methods)('%s: attr(a·f_i + b·f_j) = a·attr_i + b·attr_j', async (_name, attr) => {
    const coef = fc.double({ min: -3, max: 3, noNaN: true });
    await fc.assert(
      fc.asyncProperty(graphArb(), nArb, seedArb, coef, coef, async (spec, n, s, ca, cb) => {
        const m = model(spec);
        const x = uniformBatch(spec, n, s);
        const b = uniformBatch(spec, n, s + 1, -0.5, 0.5);
        const ti = targetsFor(spec, n, s);
        const tj = ti.map((t) => (t + 1) % spec.k);
        const seed = new Float32Array(n * spec.k);
        for (let e = 0; e < n; e++) {
          seed[e * spec.k + ti[e]!] += ca;
          seed[e * spec.k + tj[e]!] += cb;
        }
        const ai = await attr(m, x, ti, b);
        const aj = await attr(m, x, tj, b);
        const mix = await attr(m, x, { kind: 'tensor', seed: { shape: [n, spec.k], data: seed } }, b);
        // Seed entries are float32-rounded; compare with the rounded coefficients.
        const want = ai.data.map((v, q) => {
          const e = Math.floor(q / inputSize(spec));
          return seed[e * spec.k + ti[e]!]! * v + seed[e * spec.k + tj[e]!]! * aj.data[q]!;
        });
        expectAllClose(mix.data, want, 1e-4);
      }),
      fcParams(12),
    );
  });
});
