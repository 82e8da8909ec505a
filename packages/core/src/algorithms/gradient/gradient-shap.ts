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
 * stdevs > 0). Bit-identical for a given seed whatever internalBatchSize. The draws are replayed
 * chunk by chunk in each pass over the samples (forward, then gradient), so memory is bounded by
 * the chunk (`internalBatchSize`; unset: `pathBatchSize`), not by N × nSamples: only the
 * per-sample deltas (the result) grow with the samples.
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
import { createRng, type Rng } from '../../random/prng.js';
import { addNoise, checkBatchSize, checkSampling, chunkCount, expandedSeeds, ModelCaller, requireGradients, targetValue, validateInput, validateTarget, type AttributionResult, type CommonOptions, type ResolvedTarget } from '../_utils/common.js';
import { formatResult } from '../_utils/gradient-method.js';
import { targetOrPredicted } from '../_utils/rows.js';
import { pathBatchSize } from '../_utils/path.js';

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
    if (!Number.isFinite(out.data[i]!)) throw new InvalidArgumentError(`baselines contain a non-finite value (${out.data[i]}) at flat index ${i}`);
  }
  return out;
}

/**
 * Replays the draws of the sample rows r = i·S + s in row order (example i from
 * `root.derive(i)`: baseline index, α, then the noise), so each pass over the rows regenerates
 * them chunk by chunk instead of holding N × S noisy inputs and baselines.
 */
class SampleDraws {
  private example = -1;
  private rng: Rng | undefined;
  constructor(
    private readonly root: Rng,
    private readonly nSamples: number,
    private readonly x: Float32Array,
    private readonly per: number,
    private readonly stdev: number,
    private readonly baselineCount: number,
  ) {}

  /** Draws row r (called for r = 0, 1, 2, … in order): writes x̃_r at `noisy[off]`, returns b_r and α_r. */
  next(r: number, noisy: Float32Array, off: number): { b: number; alpha: number } {
    const i = Math.floor(r / this.nSamples);
    if (i !== this.example) {
      this.example = i;
      this.rng = this.root.derive(i);
    }
    const rng = this.rng!;
    const b = rng.int(this.baselineCount);
    const alpha = rng.uniform();
    addNoise(this.x, i * this.per, this.per, this.stdev, rng, noisy, off);
    return { b, alpha };
  }
}

export class GradientShap {
  readonly id = 'gradient-shap';
  constructor(readonly model: Model) {}

  async attribute(x: Tensor, options: GradientShapOptions = {}): Promise<AttributionResult> {
    const model = this.model;
    requireGradients(model, this.id);
    const n = validateInput(model, x);
    const { nSamples, stdev, seed } = checkSampling(options, GRADIENT_SHAP_DEFAULTS);
    checkBatchSize(options.internalBatchSize);
    const dist = baselineDistribution(options.baselines, model.inputShape);
    const target = validateTarget(model, options.target, n);

    const per = x.data.length / n;
    const max = pathBatchSize(options.internalBatchSize, per, model.maxRowsPerCall);
    const rows = n * nSamples;
    const ctx = new ModelCaller(model, options.signal, options.onProgress);
    ctx.plan(chunkCount(n + 2 * rows, max) + chunkCount(rows, max));

    // Rows example-major: r = i·S + s. Each pass regenerates the draws chunk by chunk.
    const B = dist.shape[0]!;
    const root = createRng(seed);
    const draws = () => new SampleDraws(root, nSamples, x.data, per, stdev, B);
    const rowShape = x.shape.slice(1);
    const outPer = sizeOf(model.outputShape);

    // One (chunked, streamed) forward over [x; x̃; b]: outputs of x, and per sample the gap
    // f(x̃ₛ) − f(bₛ) (kept in `delta`, which becomes Σ aₛ − gap below).
    const noisyPass = draws();
    const basePass = draws();
    const scratch = new Float32Array(per);
    const out = new Float32Array(n * outPer);
    const delta = new Float64Array(rows);
    let resolved: ResolvedTarget | undefined = target;
    await ctx.forwardEach(
      n + 2 * rows,
      max,
      (s, e) => {
        const data = new Float32Array((e - s) * per);
        for (let q = s; q < e; q++) {
          const o = (q - s) * per;
          if (q < n) data.set(x.data.subarray(q * per, (q + 1) * per), o);
          else if (q < n + rows) noisyPass.next(q - n, data, o);
          else {
            const { b } = basePass.next(q - n - rows, scratch, 0);
            data.set(dist.data.subarray(b * per, (b + 1) * per), o);
          }
        }
        return { shape: [e - s, ...rowShape], data };
      },
      (s, e, res) => {
        for (let q = s; q < e; q++) {
          if (q < n) {
            out.set(res.data.subarray((q - s) * outPer, (q - s + 1) * outPer), q * outPer);
            if (q === n - 1) resolved = targetOrPredicted(target, { shape: [n, ...model.outputShape], data: out });
            continue;
          }
          const r = q < n + rows ? q - n : q - n - rows;
          const v = targetValue(res, q - s, resolved!, Math.floor(r / nSamples));
          delta[r] = q < n + rows ? v : delta[r]! - v;
        }
      },
    );
    const outputs: Tensor = { shape: [n, ...model.outputShape], data: out };
    const final = resolved!;

    // Gradients at bₛ + αₛ (x̃ₛ − bₛ), chunk by chunk; aₛ = ∇ ⊙ (x̃ₛ − bₛ) reduced in row order.
    const gradPass = draws();
    let noisy = new Float32Array(0);
    let base = new Float32Array(0);
    const sum = new Float64Array(n * per);
    await ctx.gradientRows(
      rows,
      max,
      (s, e) => {
        noisy = new Float32Array((e - s) * per);
        base = new Float32Array((e - s) * per);
        const data = new Float32Array((e - s) * per);
        for (let r = s; r < e; r++) {
          const o = (r - s) * per;
          const { b, alpha } = gradPass.next(r, noisy, o);
          base.set(dist.data.subarray(b * per, (b + 1) * per), o);
          for (let j = 0; j < per; j++) {
            const bj = base[o + j]!;
            data[o + j] = bj + alpha * (noisy[o + j]! - bj);
          }
        }
        return { shape: [e - s, ...rowShape], data };
      },
      expandedSeeds(final, (r) => Math.floor(r / nSamples)),
      (s, e, res) => {
        const g = res.inputGradient.data;
        for (let r = s; r < e; r++) {
          const i = Math.floor(r / nSamples);
          const o = (r - s) * per;
          let total = 0;
          for (let j = 0; j < per; j++) {
            const v = g[o + j]! * (noisy[o + j]! - base[o + j]!);
            sum[i * per + j] += v;
            total += v;
          }
          delta[r] = total - delta[r]!;
        }
      },
    );

    const attr = new Float32Array(n * per);
    for (let k = 0; k < attr.length; k++) attr[k] = sum[k]! / nSamples;
    return formatResult(this.id, { attributions: { shape: [...x.shape], data: attr }, outputs, target: final, delta }, n, ctx.modelCalls);
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
