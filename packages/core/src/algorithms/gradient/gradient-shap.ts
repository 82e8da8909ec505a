/**
 * GradientSHAP (Lundberg & Lee 2017) — Captum's `GradientShap` (a NoiseTunnel 'smoothgrad' over
 * InputBaselineXGradient with baselines drawn from a distribution). For each example and each of
 * nSamples samples s:
 *
 *   x̃ₛ = x + εₛ, εₛ ~ N(0, stdevs²) i.i.d. per element;  bₛ drawn uniformly from the baseline set;
 *   αₛ ~ U[0, 1);   aₛ = ∇f(bₛ + αₛ (x̃ₛ − bₛ)) ⊙ (x̃ₛ − bₛ)
 *
 * and the attribution is mean over s of aₛ. Its expectation (stdevs = 0, one baseline) is the
 * integrated-gradients integral; a finite sample is not exactly efficient. Per-sample deltas
 * Σ aₛ − (f(x̃ₛ) − f(bₛ)) are returned, N × nSamples, example-major (Captum's layout).
 *
 * Reproducibility: example i draws from `createRng(seed).derive(i)`, per sample in order: the
 * baseline index (`int(B)`), α (`uniform()`), then the noise elements (`normal()`, only when
 * stdevs > 0). Bit-identical for a given seed whatever internalBatchSize.
 *
 * Model calls: ⌈(N + 2·N·S) / internalBatchSize⌉ forward calls over [x; x̃; b] (outputs, predicted
 * class, deltas) and ⌈N·S / internalBatchSize⌉ gradient calls.
 *
 * Deviations from Captum: baselines default to 0 (Captum requires them); nSamples defaults to
 * 50 (Captum: 5); the target defaults to the predicted class.
 */
import { common, inputMethod } from '../_utils/method-entries.js';
import type { Model } from '../../model.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { createRng } from '../../random/prng.js';
import { addNoise, checkBatchSize, checkSampling, chunkCount, expandTarget, ModelCaller, requireGradients, targetValue, validateInput, validateTarget, type AttributionResult, type CommonOptions } from '../_utils/common.js';
import { formatResult } from '../_utils/gradient-method.js';
import { firstRows, stackedRows, targetOrPredicted } from '../_utils/rows.js';

export const GRADIENT_SHAP_DEFAULTS = { nSamples: 50, stdevs: 0, seed: 0 } as const;

export interface GradientShapOptions extends CommonOptions {
  /**
   * The baseline distribution: a number (one constant baseline), a tensor [...inputShape] (one
   * baseline) or [B, ...inputShape] (B baselines, drawn uniformly). Default 0.
   */
  readonly baselines?: number | Tensor;
  /** Samples per example (default 50). */
  readonly nSamples?: number;
  /** Standard deviation of the Gaussian noise added to the input (default 0). */
  readonly stdevs?: number;
  /** PRNG seed (integer, default 0). */
  readonly seed?: number;
}

/** The baseline set as [B, ...inputShape]. */
export function baselineDistribution(baselines: number | Tensor | undefined, inputShape: readonly number[]): Tensor {
  const per = sizeOf(inputShape);
  if (baselines === undefined || typeof baselines === 'number') {
    const v = baselines ?? 0;
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`baseline must be finite, got ${v}`);
    return { shape: [1, ...inputShape], data: new Float32Array(per).fill(v) };
  }
  const b = baselines;
  if (!b || !Array.isArray(b.shape) || !(b.data instanceof Float32Array) || b.data.length !== sizeOf(b.shape)) {
    throw new InvalidArgumentError('baselines must be a number or a Tensor {shape, data: Float32Array}');
  }
  const same = (a: readonly number[]) => a.length === inputShape.length && a.every((d, i) => d === inputShape[i]);
  let out: Tensor;
  if (same(b.shape)) out = { shape: [1, ...inputShape], data: b.data };
  else if (b.shape.length === inputShape.length + 1 && b.shape[0]! >= 1 && same(b.shape.slice(1))) out = b;
  else throw new ShapeError(`baselines have shape [${b.shape.join(', ')}]; expected [B, ${inputShape.join(', ')}] or [${inputShape.join(', ')}]`);
  for (let i = 0; i < out.data.length; i++) {
    if (!Number.isFinite(out.data[i]!)) throw new InvalidArgumentError(`baselines contain a non-finite value at ${i}`);
  }
  return out;
}

export class GradientShap {
  readonly id = 'gradient-shap';
  constructor(readonly model: Model) {}

  async attribute(x: Tensor, options: GradientShapOptions = {}): Promise<AttributionResult> {
    const model = this.model;
    requireGradients(model, this.id);
    const n = validateInput(model, x);
    const { nSamples, stdev, seed } = checkSampling(options, GRADIENT_SHAP_DEFAULTS);
    const max = checkBatchSize(options.internalBatchSize);
    const dist = baselineDistribution(options.baselines, model.inputShape);
    const target = validateTarget(model, options.target, n);

    const per = x.data.length / n;
    const rows = n * nSamples;
    const ctx = new ModelCaller(model, options.signal, options.onProgress);
    ctx.plan(chunkCount(n + 2 * rows, max) + chunkCount(rows, max));

    // Draw everything first (per-example streams), rows example-major: r = i·S + s.
    const B = dist.shape[0]!;
    const noisy = new Float32Array(rows * per);
    const base = new Float32Array(rows * per);
    const alphas = new Float64Array(rows);
    const root = createRng(seed);
    for (let i = 0; i < n; i++) {
      const rng = root.derive(i);
      for (let s = 0; s < nSamples; s++) {
        const r = i * nSamples + s;
        const b = rng.int(B);
        alphas[r] = rng.uniform();
        base.set(dist.data.subarray(b * per, (b + 1) * per), r * per);
        addNoise(x.data, i * per, per, stdev, rng, noisy, r * per);
      }
    }

    // One (chunked) forward over [x; x̃; b].
    const all = await ctx.forwardRows(n + 2 * rows, max, stackedRows([x.data, noisy, base], per, x.shape.slice(1)));
    const outputs = firstRows(all, n);
    const resolved = targetOrPredicted(target, outputs);
    const rowTarget = expandTarget(resolved, rows, (r) => Math.floor(r / nSamples));

    const sum = new Float64Array(n * per);
    const delta = new Float64Array(rows);
    await ctx.gradientRows(
      rows,
      max,
      (s, e) => {
        const data = new Float32Array((e - s) * per);
        for (let r = s; r < e; r++) {
          const a = alphas[r]!;
          for (let j = 0; j < per; j++) {
            const b = base[r * per + j]!;
            data[(r - s) * per + j] = b + a * (noisy[r * per + j]! - b);
          }
        }
        return { shape: [e - s, ...x.shape.slice(1)], data };
      },
      rowTarget,
      (s, e, res) => {
        const g = res.inputGradient.data;
        for (let r = s; r < e; r++) {
          const i = Math.floor(r / nSamples);
          let total = 0;
          for (let j = 0; j < per; j++) {
            const v = g[(r - s) * per + j]! * (noisy[r * per + j]! - base[r * per + j]!);
            sum[i * per + j] += v;
            total += v;
          }
          delta[r] = total - (targetValue(all, n + r, rowTarget, r) - targetValue(all, n + rows + r, rowTarget, r));
        }
      },
    );

    const attr = new Float32Array(n * per);
    for (let k = 0; k < attr.length; k++) attr[k] = sum[k]! / nSamples;
    return formatResult(this.id, { attributions: { shape: [...x.shape], data: attr }, outputs, target: resolved, delta }, n, ctx.modelCalls);
  }
}

/** METHODS entry `gradient-shap`: samples 50 (Captum: 5), stdev 0 (Captum's), baselines 0, seed 0. */
export const gradientShapMethod = inputMethod(
  'gradient-shap',
  'GradientSHAP',
  ['target', 'baselines', 'samples', 'stdev', 'seed', 'internalBatchSize'],
  { samples: GRADIENT_SHAP_DEFAULTS.nSamples, stdev: GRADIENT_SHAP_DEFAULTS.stdevs, seed: GRADIENT_SHAP_DEFAULTS.seed, baselines: 0 },
  (model, x, o) =>
    new GradientShap(model).attribute(x, { ...common(o), baselines: o.baselines, nSamples: o.samples, stdevs: o.stdev, seed: o.seed }),
);
