/**
 * NoiseTunnel (SmoothGrad, Smilkov et al. 2017; VarGrad, Adebayo et al. 2018) — Captum's
 * `NoiseTunnel`: run a gradient method on nSamples noisy copies xₛ = x + ε, ε ~ N(0, stdevs²)
 * i.i.d. per element (`stdevs` is the noise standard deviation, not a fraction of the input
 * range), and aggregate per example:
 *
 *   smoothgrad     mean(aₛ)        smoothgrad_sq  mean(aₛ²)        vargrad  mean(aₛ²) − mean(aₛ)²
 *
 * The inner method's own post-processing applies per sample (Saliency's `abs`, default true,
 * comes before averaging, as in Captum). Noisy copies are example-major (row i·S + s, Captum's
 * repeat_interleave) and processed in partitions of `nSamplesBatchSize` samples per example
 * (default: all, or as many as keep a partition's noisy copies within 2²² values, so memory does
 * not grow with nSamples; an inner path method chunks its steps itself).
 *
 * Reproducibility: the noise of example i comes from `createRng(seed).derive(i)`, drawn in
 * sample order then element order, so results are bit-identical for a given seed whatever the
 * partitioning or internalBatchSize.
 *
 * Deviations from Captum: the target defaults to the predicted class of the clean input (one
 * extra forward pass, which also gives `outputs`); Captum's defaults nt_samples = 5,
 * stdevs = 1.0 are replaced by nSamples = 25, stdevs = 0.1; deltas (when the inner method has
 * one) are always returned, N × nSamples of them, example-major as in Captum.
 */
import { common, inputMethod, type MethodSpec } from '../_utils/method-entries.js';
import { Saliency } from './saliency.js';
import { repeatEach, type Tensor } from '../../tensor.js';
import type { Model } from '../../model.js';
import { InvalidArgumentError } from '../../errors.js';
import { createRng, type Rng } from '../../random/prng.js';
import type { Quadrature } from '../_utils/approximation.js';
import { addNoise, checkBatchSize, checkSampling, checkPositiveInt, chunkCount, expandTarget, ModelCaller, requireGradients, resolveBaselines, validateInput, validateTarget, type AttributionResult, type CommonOptions } from '../_utils/common.js';
import { formatResult, type GradientAttribution } from '../_utils/gradient-method.js';
import { sliceRows, targetOrPredicted } from '../_utils/rows.js';
import { samplesPerPartition } from '../_utils/path.js';

export type NoiseTunnelType = 'smoothgrad' | 'smoothgrad_sq' | 'vargrad';
const NT_TYPES: readonly NoiseTunnelType[] = ['smoothgrad', 'smoothgrad_sq', 'vargrad'];
const NT_IDS: Record<NoiseTunnelType, string> = { smoothgrad: 'smoothgrad', smoothgrad_sq: 'smoothgrad-sq', vargrad: 'vargrad' };

export const NOISE_TUNNEL_DEFAULTS = { nSamples: 25, stdevs: 0.1, seed: 0 } as const;

export interface NoiseTunnelOptions extends CommonOptions {
  /** Default 'smoothgrad'. */
  readonly ntType?: NoiseTunnelType;
  /** Noisy samples per example (default 25). */
  readonly nSamples?: number;
  /** Noise standard deviation (default 0.1). 0 gives the inner method's result exactly. */
  readonly stdevs?: number;
  /** PRNG seed (integer, default 0). */
  readonly seed?: number;
  /**
   * Samples per example per inner call. Default: all, unless N × nSamples noisy copies would
   * exceed 2²² input values (16 MiB); then as many as fit (`samplesPerPartition`).
   */
  readonly nSamplesBatchSize?: number;
  // Options passed to the inner method:
  readonly abs?: boolean;
  readonly baselines?: number | Tensor;
  readonly steps?: number;
  readonly quadrature?: Quadrature;
}

export class NoiseTunnel {
  readonly model: Model;
  constructor(readonly attribution: GradientAttribution<CommonOptions>) {
    this.model = attribution.model;
  }

  async attribute(x: Tensor, options: NoiseTunnelOptions = {}): Promise<AttributionResult> {
    const model = this.model;
    const inner = this.attribution;
    const ntType = options.ntType ?? 'smoothgrad';
    if (!NT_TYPES.includes(ntType)) {
      throw new InvalidArgumentError(`unknown ntType '${String(ntType)}'; expected one of ${NT_TYPES.join(', ')}`);
    }
    const id = inner.id === 'saliency' ? NT_IDS[ntType] : `${NT_IDS[ntType]}:${inner.id}`;
    requireGradients(model, id);
    const n = validateInput(model, x);
    const { nSamples, stdev, seed } = checkSampling(options, NOISE_TUNNEL_DEFAULTS);
    const per = x.data.length / n;
    const part = Math.min(nSamples, checkPositiveInt(options.nSamplesBatchSize, 'nSamplesBatchSize', samplesPerPartition(nSamples, n * per)));
    const max = checkBatchSize(options.internalBatchSize);
    const innerOptions: CommonOptions & Record<string, unknown> = {
      abs: options.abs,
      steps: options.steps,
      quadrature: options.quadrature,
      internalBatchSize: options.internalBatchSize,
    };
    inner.validateOptions(innerOptions);
    const target = validateTarget(model, options.target, n);
    const baselines = options.baselines === undefined ? undefined : resolveBaselines(options.baselines, n, model.inputShape);

    const sizes: number[] = [];
    for (let done = 0; done < nSamples; done += part) sizes.push(Math.min(part, nSamples - done));
    const ctx = new ModelCaller(model, options.signal, options.onProgress);
    ctx.plan(chunkCount(n, max) + sizes.reduce((acc, s) => acc + inner.plannedCalls(n * s, false, innerOptions), 0));

    const outputs = await ctx.forwardRows(n, max, (s, e) => sliceRows(x, s, e));
    const resolved = targetOrPredicted(target, outputs);

    const root = createRng(seed);
    const streams: Rng[] = Array.from({ length: n }, (_, i) => root.derive(i));
    const sum = new Float64Array(n * per);
    const sumSq = new Float64Array(n * per);
    // vargrad: Welford's running mean and sum of squared deviations (float64). The textbook
    // mean(a²) − mean(a)² cancels catastrophically: gradients of 1e36 that agree in every sample
    // (variance 0) gave a rounding error of ~1e56, beyond float32 (a false overflow).
    const runMean = new Float64Array(n * per);
    const m2 = new Float64Array(n * per);
    let seen = 0;
    const deltas: number[][] = Array.from({ length: n }, () => []);
    let hasDelta = false;

    for (const sp of sizes) {
      const rows = n * sp;
      const noisy = new Float32Array(rows * per);
      for (let i = 0; i < n; i++) {
        for (let s = 0; s < sp; s++) addNoise(x.data, i * per, per, stdev, streams[i]!, noisy, (i * sp + s) * per);
      }
      const exampleOf = (r: number) => Math.floor(r / sp);
      const runOptions = baselines ? { ...innerOptions, baselines: repeatEach(baselines, sp) } : innerOptions;
      const res = await inner.run(ctx, { shape: [rows, ...x.shape.slice(1)], data: noisy }, expandTarget(resolved, rows, exampleOf), runOptions);
      const a = res.attributions.data;
      for (let i = 0; i < n; i++) {
        for (let s = 0; s < sp; s++) {
          const o = (i * sp + s) * per;
          const count = seen + s + 1;
          for (let j = 0; j < per; j++) {
            const v = a[o + j]!;
            const k = i * per + j;
            sum[k] += v;
            sumSq[k] += v * v;
            const d = v - runMean[k]!;
            runMean[k] += d / count;
            m2[k] += d * (v - runMean[k]!);
          }
          if (res.delta) deltas[i]!.push(res.delta[i * sp + s]!);
        }
      }
      seen += sp;
      if (res.delta) hasDelta = true;
    }

    const attr = new Float32Array(n * per);
    for (let k = 0; k < attr.length; k++) {
      const mean = sum[k]! / nSamples;
      const meanSq = sumSq[k]! / nSamples;
      attr[k] = ntType === 'smoothgrad' ? mean : ntType === 'smoothgrad_sq' ? meanSq : m2[k]! / nSamples;
    }
    return formatResult(
      id,
      {
        attributions: { shape: [...x.shape], data: attr },
        outputs,
        target: resolved,
        ...(hasDelta ? { delta: Float64Array.from(deltas.flat()) } : {}),
      },
      n,
      ctx.modelCalls,
    );
  }
}

/**
 * METHODS entries `smoothgrad`, `smoothgrad-sq`, `vargrad`: NoiseTunnel over Saliency, samples 25,
 * stdev 0.1 (absolute noise std in input units; Captum: 5 and 1.0), abs true (Captum's Saliency
 * default, applied per sample), seed 0.
 */
function noiseTunnelEntry(id: string, title: string, ntType: NoiseTunnelType): MethodSpec {
  return inputMethod(
    id,
    title,
    ['target', 'samples', 'stdev', 'seed', 'abs', 'internalBatchSize'],
    { samples: NOISE_TUNNEL_DEFAULTS.nSamples, stdev: NOISE_TUNNEL_DEFAULTS.stdevs, seed: NOISE_TUNNEL_DEFAULTS.seed, abs: true },
    (model, x, o) =>
      new NoiseTunnel(new Saliency(model)).attribute(x, { ...common(o), ntType, nSamples: o.samples, stdevs: o.stdev, seed: o.seed, abs: o.abs }),
  );
}

export const smoothgradMethod = noiseTunnelEntry('smoothgrad', 'SmoothGrad (NoiseTunnel over Saliency)', 'smoothgrad');
export const smoothgradSqMethod = noiseTunnelEntry('smoothgrad-sq', 'SmoothGrad² (NoiseTunnel over Saliency)', 'smoothgrad_sq');
export const vargradMethod = noiseTunnelEntry('vargrad', 'VarGrad (NoiseTunnel over Saliency)', 'vargrad');
