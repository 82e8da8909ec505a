/**
 * KernelSHAP (Lundberg & Lee, "A Unified Approach to Interpreting Model Predictions", 2017):
 * Shapley values of the features (or feature groups) of each example, estimated by a weighted
 * linear regression over coalitions with the Shapley kernel, for any model with a forward pass.
 *
 * Value of a coalition S: v(S) = E_b[f(x_S, bg_b)], the target output averaged over the B
 * background rows with the features in S taken from x and the others from the background row.
 * φ₀ = v(∅) = E[f(background)] is reported as `expectedValue`. The regression is constrained to
 * efficiency, Σφ = f(x) − E[f(background)] exactly, by eliminating one feature (the last of the
 * selected ones) as the SHAP package does, and solved in float64 (Cholesky; see linalg/).
 *
 * Coalitions: see kernel-shap-coalitions.ts — every coalition when `nSamples` ≥ 2^F − 2 (the
 * result is then the exact Shapley value), otherwise complete size pairs plus paired samples.
 * One design per feature count, drawn from `createRng(seed)`, shared by all examples with that
 * count (so an example's result does not depend on the other examples in the batch).
 *
 * Optional L1 feature selection (`numFeatures` = k < F): features are ranked by their entry
 * into the lasso path of the efficiency-augmented problem (each coalition also enters as its
 * complement with target y − Δ, the SHAP package's `num_features(k)` augmentation); the top k
 * are fitted, the others get 0.
 *
 * Memory: the design (coalitions × F bytes), one input buffer of rows per call, and per example
 * F sums (Σ w z y and Σ w y), independent of the number of background rows × samples evaluated.
 * Perturbed inputs are built lazily per model call and never kept.
 *
 * Differences from Captum's KernelShap (0.8): `baselines` here is a background dataset
 * ([B, ...inputShape] rows, or one row / a number), not per-example baselines; efficiency is a
 * hard constraint (Captum approximates it by weighting the empty and full coalitions by 10⁶);
 * coalitions are deduplicated and drawn with the SHAP package's size-pair scheme rather than
 * Captum's i.i.d. Bernoulli draws; the default budget is 2F + 2048 (SHAP's "auto") rather than
 * Captum's 25; all examples of a batch are evaluated together rather than one at a time.
 */
import { sampledGroupMethod } from '../_utils/method-entries.js';
import type { Model } from '../../model.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { InvalidArgumentError, ShapeError, throwIfAborted } from '../../errors.js';
import { createRng } from '../../random/prng.js';
import { ModelCaller, targetList, validateInput, validateTarget, type AttributionResult } from '../_utils/common.js';
import { formatResult } from '../_utils/gradient-method.js';
import {
  evaluateInputs,
  evaluatePerturbations,
  inputCalls,
  perturbationCalls,
  resolveBatching,
  resolveFeatureMask,
  spreadGroups,
  type FeatureMaskInput,
  type PerturbationOptions,
} from '../_utils/perturbation/index.js';
import { coalitionDesign, MAX_COALITIONS, type CoalitionDesign } from './kernel-shap-coalitions.js';
import { solveSymmetric } from '../_utils/linalg/cholesky.js';
import { lassoPathOrder } from '../_utils/linalg/lasso.js';

export interface KernelShapOptions extends PerturbationOptions {
  /**
   * Background: a number (one row of that value), one row ([...inputShape] or [1, ...]), or a
   * dataset [B, ...inputShape] averaged over. Default 0.
   */
  readonly baselines?: number | Tensor;
  /** Feature groups (see perturbation/feature-mask.ts). Default: every element is a feature. */
  readonly featureMask?: FeatureMaskInput;
  /** Coalitions evaluated per example (each costs B model rows). Default 2F + 2048. */
  readonly nSamples?: number;
  /** Seed of the coalition draws. Default 0. */
  readonly seed?: number;
  /** L1 feature selection: keep the k features entering the lasso path first. Default: all. */
  readonly numFeatures?: number;
}

export interface KernelShapResult extends AttributionResult {
  /** φ₀ = E[f(background)] of each example's target. */
  readonly expectedValue: Float32Array;
  /** True when every example's coalitions were enumerated completely (exact Shapley values). */
  readonly exact: boolean;
  /** Most distinct coalitions evaluated for one example. */
  readonly coalitions: number;
}

export const KERNEL_SHAP_DEFAULTS = { seed: 0, extraSamples: 2048 } as const;

/** Background rows [B, per] from the `baselines` option. */
export function resolveBackground(b: number | Tensor | undefined, inputShape: readonly number[]): Tensor {
  const per = sizeOf(inputShape);
  if (b === undefined || typeof b === 'number') {
    const v = b ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(`baseline must be a finite number, got ${String(v)}`);
    return { shape: [1, ...inputShape], data: new Float32Array(per).fill(v) };
  }
  if (!b || !Array.isArray(b.shape) || !(b.data instanceof Float32Array) || b.data.length !== sizeOf(b.shape)) {
    throw new InvalidArgumentError('baselines must be a number or a Tensor {shape, data: Float32Array} whose data matches its shape');
  }
  const same = (s: readonly number[]) => s.length === inputShape.length && s.every((d, i) => d === inputShape[i]);
  let rows: number;
  if (same(b.shape)) rows = 1;
  else if (b.shape.length === inputShape.length + 1 && same(b.shape.slice(1)) && b.shape[0]! >= 1) rows = b.shape[0]!;
  else throw new ShapeError(`background has shape [${b.shape.join(', ')}]; expected [${inputShape.join(', ')}] or [B, ${inputShape.join(', ')}]`);
  for (let i = 0; i < b.data.length; i++) {
    if (!Number.isFinite(b.data[i]!)) throw new InvalidArgumentError(`background contains a non-finite value at flat index ${i}`);
  }
  return { shape: [rows, ...inputShape], data: b.data };
}

function checkInt(v: number | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
}

/** Σ w z zᵀ of a design (full symmetric m × m). */
function designGram(d: CoalitionDesign): Float64Array {
  const { m, z, weights } = d;
  const g = new Float64Array(m * m);
  for (let k = 0; k < d.count; k++) {
    const w = weights[k]!;
    const row = k * m;
    for (let a = 0; a < m; a++) {
      if (!z[row + a]) continue;
      for (let b = 0; b <= a; b++) if (z[row + b]) g[a * m + b] += w;
    }
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) g[b * m + a] = g[a * m + b]!;
  return g;
}

/** The constrained solve for one example (see the file comment). */
export function solveConstrained(
  m: number,
  gram: Float64Array,
  totalWeight: number,
  a: Float64Array,
  s: number,
  delta: number,
  numFeatures: number,
): Float64Array {
  const phi = new Float64Array(m);
  let set = Array.from({ length: m }, (_, j) => j);
  if (numFeatures < m && m > 1) {
    const gAug = new Float64Array(m * m);
    const cAug = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      cAug[j] = 2 * a[j]! - s - delta * (gram[j * m + j]! - totalWeight);
      for (let k = 0; k < m; k++) gAug[j * m + k] = 2 * gram[j * m + k]! + totalWeight - gram[j * m + j]! - gram[k * m + k]!;
    }
    set = lassoPathOrder(gAug, cAug, m).slice(0, numFeatures).sort((x, y) => x - y);
  }
  const t = set.length;
  const l = set[t - 1]!;
  if (t === 1) {
    phi[l] = delta;
    return phi;
  }
  const free = set.slice(0, t - 1);
  const k = free.length;
  const g = new Float64Array(k * k);
  const c = new Float64Array(k);
  const zll = gram[l * m + l]!;
  for (let p = 0; p < k; p++) {
    const ja = free[p]!;
    const zal = gram[ja * m + l]!;
    c[p] = a[ja]! - a[l]! - delta * (zal - zll);
    for (let q = 0; q < k; q++) {
      const jb = free[q]!;
      g[p * k + q] = gram[ja * m + jb]! - zal - gram[l * m + jb]! + zll;
    }
  }
  const sol = solveSymmetric(g, c, k);
  let sum = 0;
  free.forEach((j, p) => {
    phi[j] = sol[p]!;
    sum += sol[p]!;
  });
  phi[l] = delta - sum;
  return phi;
}

export class KernelShap {
  readonly id = 'kernel-shap';
  constructor(readonly model: Model) {}

  async attribute(x: Tensor, options: KernelShapOptions = {}): Promise<KernelShapResult> {
    const model = this.model;
    const n = validateInput(model, x);
    const inputShape = model.inputShape;
    const per = sizeOf(inputShape);
    const outPer = sizeOf(model.outputShape);
    const batching = resolveBatching(options, inputShape);
    const mask = resolveFeatureMask(options.featureMask, n, inputShape);
    const bg = resolveBackground(options.baselines, inputShape);
    const bRows = bg.shape[0]!;
    const budgetOpt = checkInt(options.nSamples, 'nSamples', 1, MAX_COALITIONS);
    const numFeatures = checkInt(options.numFeatures, 'numFeatures', 1);
    const seed = options.seed ?? KERNEL_SHAP_DEFAULTS.seed;
    if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer, got ${String(seed)}`);
    const target = validateTarget(model, options.target, n);

    // Active features (non-empty groups) per example, and one design per feature count.
    const active: Int32Array[] = [];
    const designs = new Map<number, { design: CoalitionDesign; gram: Float64Array; total: number }>();
    for (let i = 0; i < n; i++) {
      if (i > 0 && !mask.perExample) {
        active.push(active[0]!);
        continue;
      }
      const ids: number[] = [];
      for (let g = 0; g < mask.groups; g++) if (mask.size(i, g) > 0) ids.push(g);
      active.push(Int32Array.from(ids));
    }
    for (const act of active) {
      const m = act.length;
      if (designs.has(m)) continue;
      const budget = Math.min(MAX_COALITIONS, budgetOpt ?? 2 * m + KERNEL_SHAP_DEFAULTS.extraSamples);
      const design = coalitionDesign(m, budget, createRng(seed));
      let total = 0;
      for (let k = 0; k < design.count; k++) total += design.weights[k]!;
      designs.set(m, { design, gram: designGram(design), total });
    }
    const first = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) first[i + 1] = first[i]! + designs.get(active[i]!.length)!.design.count;
    const totalCoalitions = first[n]!;

    const ctx = new ModelCaller(model, options.signal, options.onProgress);
    throwIfAborted(options.signal);
    ctx.plan(inputCalls(batching, n) + perturbationCalls(batching, 1, bRows) + perturbationCalls(batching, totalCoalitions, bRows));

    const ev = await evaluateInputs(ctx, x, target, batching);
    const bgOut = new Float32Array(bRows * outPer);
    await evaluatePerturbations(
      ctx,
      { count: 1, rowsPer: bRows, fill: (_p, r, dst, off) => dst.set(bg.data.subarray(r * per, (r + 1) * per), off) },
      batching,
      (_p, r, out, off) => bgOut.set(out.subarray(off, off + outPer), r * outPer),
    );
    const expected = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let b = 0; b < bRows; b++) s += ev.reader.value(bgOut, b * outPer, i);
      expected[i] = s / bRows;
    }

    // Per example: a[j] = Σ_k w_k z_kj y_k and s = Σ_k w_k y_k, y_k = v(S_k) − φ₀.
    const sumsA = active.map((act) => new Float64Array(act.length));
    const sumsS = new Float64Array(n);
    let cur = 0; // example of the perturbation being built / consumed
    let consumeCur = 0;
    let acc = 0;
    await evaluatePerturbations(
      ctx,
      {
        count: totalCoalitions,
        rowsPer: bRows,
        fill: (p, r, dst, off) => {
          while (p >= first[cur + 1]!) cur++;
          const act = active[cur]!;
          const { design } = designs.get(act.length)!;
          const k = p - first[cur]!;
          dst.set(bg.data.subarray(r * per, (r + 1) * per), off);
          const xo = cur * per;
          for (let j = 0; j < act.length; j++) {
            if (!design.z[k * act.length + j]) continue;
            const els = mask.elements(cur, act[j]!);
            for (let e = 0; e < els.length; e++) dst[off + els[e]!] = x.data[xo + els[e]!]!;
          }
        },
      },
      batching,
      (p, r, out, off) => {
        while (p >= first[consumeCur + 1]!) consumeCur++;
        const i = consumeCur;
        acc += ev.reader.value(out, off, i);
        if (r < bRows - 1) return;
        const y = acc / bRows - expected[i]!;
        acc = 0;
        const m = active[i]!.length;
        const { design } = designs.get(m)!;
        const k = p - first[i]!;
        const w = design.weights[k]!;
        sumsS[i] += w * y;
        const a = sumsA[i]!;
        for (let j = 0; j < m; j++) if (design.z[k * m + j]) a[j] += w * y;
      },
    );

    const values = new Float64Array(n * mask.groups);
    for (let i = 0; i < n; i++) {
      const act = active[i]!;
      const m = act.length;
      const { gram, total } = designs.get(m)!;
      const phi = solveConstrained(m, gram, total, sumsA[i]!, sumsS[i]!, ev.fx[i]! - expected[i]!, Math.min(numFeatures ?? m, m));
      for (let j = 0; j < m; j++) values[i * mask.groups + act[j]!] = phi[j]!;
    }
    const attributions: Tensor = { shape: [n, ...inputShape], data: spreadGroups(mask, n, values) };
    const base = formatResult(this.id, { attributions, outputs: ev.outputs, target: ev.target }, n, ctx.modelCalls);
    let exact = true;
    let coalitions = 0;
    for (const { design } of designs.values()) {
      exact &&= design.exact;
      coalitions = Math.max(coalitions, design.count);
    }
    return { ...base, targets: targetList(ev.target, n), expectedValue: Float32Array.from(expected), exact, coalitions };
  }
}

/**
 * METHODS entry `kernel-shap`: forward-only; baselines 0 (a tensor [B, ...] is a background
 * dataset), samples 2F + 2048 coalitions (all 2^F − 2 when that is fewer: exact), seed 0.
 */
export const kernelShapMethod = sampledGroupMethod(
  'kernel-shap',
  'KernelSHAP (Shapley-kernel regression, background data)',
  { baselines: 0, samples: '2F + 2048', seed: 0 },
  KernelShap,
);
