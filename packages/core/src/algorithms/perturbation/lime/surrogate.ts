/**
 * The LIME engine shared by the tabular, image and text explainers (Ribeiro, Singh & Guestrin,
 * "Why Should I Trust You?", KDD 2016; the `lime` package's LimeBase).
 *
 * Per example: sample 0 is the instance itself (design row z₀, output f(x), weight 1); samples
 * 1 … S − 1 are drawn by the variant (a design row z and the model input it stands for) from a
 * generator seeded with `seed` alone, so an example's samples do not depend on the rest of the
 * batch, the batching or the adapter. Each sample is weighted by the kernel
 * π(z) = √exp(−d(z)² / width²) of its distance to the instance, and a weighted ridge surrogate
 * (α = 1, unpenalised intercept; scikit-learn `Ridge`) is fitted to the target output. Reported:
 * coefficients (the attributions), intercept, weighted R² (`score`) and the surrogate's
 * prediction at the instance (`localPrediction`).
 *
 * Memory: samples stream through the batched evaluator into O(M²) sufficient statistics per
 * example (linalg/weighted-least-squares.ts); perturbed inputs exist only in the current model
 * call's buffer, and design rows only for the rows of that call (LIME tabular also keeps its
 * instance-independent draws, at most 2²¹ values, to replay them for every example).
 *
 * Optional feature selection (numFeatures = k < M): 'highest-weights' (ridge with α = 0.01 on all
 * features, keep the k largest |coefficients|; the `lime` package's method of that name) or
 * 'lasso-path' (the k features entering the weighted lasso path first).
 */
import { sizeOf, type Tensor } from '../../../tensor.js';
import { InvalidArgumentError } from '../../../errors.js';
import { createRng, type Rng } from '../../../random/prng.js';
import { type AttributionResult, type ModelCaller, type ResolvedTarget } from '../../_utils/common.js';
import { formatResult } from '../../_utils/gradient-method.js';
import {
  evaluateInputs,
  evaluatePerturbations,
  inputCalls,
  perturbationCalls,
  rowsPerCall,
  type Batching,
  type PerturbationOptions,
} from '../../_utils/perturbation/index.js';
import { WeightedStats, ridge } from '../../_utils/linalg/weighted-least-squares.js';
import { lassoPathOrder } from '../../_utils/linalg/lasso.js';

export type FeatureSelection = 'highest-weights' | 'lasso-path';

export interface LimeCommonOptions extends PerturbationOptions {
  /** Samples per example, the instance included (≥ 2). */
  readonly nSamples?: number;
  /** Kernel width (the variant's default otherwise). */
  readonly kernelWidth?: number;
  /** Ridge penalty of the surrogate. Default 1. */
  readonly alpha?: number;
  /** Keep only this many features in the surrogate. Default: all. */
  readonly numFeatures?: number;
  /** How to choose them. Default 'highest-weights'. */
  readonly featureSelection?: FeatureSelection;
  /** Seed of the sample draws. Default 0. */
  readonly seed?: number;
}

export interface LimeResult extends AttributionResult {
  /** Surrogate intercept per example. */
  readonly intercept: Float32Array;
  /** Weighted R² of the surrogate on its samples, per example. */
  readonly score: Float32Array;
  /** Surrogate prediction at the instance, per example. */
  readonly localPrediction: Float32Array;
}

/** What a LIME variant supplies for one example. */
export interface LimeExample {
  /** Interpretable features M (≥ 1). */
  readonly m: number;
  /** The instance's design row. */
  readonly z0: Float64Array;
  /**
   * Draws sample `draw` + 1 (draw = 0 … S − 2, called once each, in order): its design row into
   * z[0 … m), its model input into dst[off …]. `rng` is a generator started from `seed` for each
   * example, so a variant whose draws do not depend on the instance draws the same numbers for
   * every example (LIME tabular draws them once and replays them).
   */
  sample(rng: Rng, z: Float64Array, dst: Float32Array, off: number, draw: number): void;
  /** Distance d(z) of a design row to the instance (the kernel's argument). */
  distance(z: Float64Array): number;
  /** Writes the per-element attributions of coefficient vector `coef` into out[off …]. */
  spread(coef: Float64Array, out: Float32Array, off: number): void;
}

export interface LimeSettings {
  readonly nSamples: number;
  readonly kernelWidth: number;
  readonly alpha: number;
  readonly numFeatures?: number;
  readonly featureSelection: FeatureSelection;
  readonly seed: number;
}

function finite(v: number | undefined, name: string, fallback: number, min: number, strict: boolean): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || (strict ? v <= min : v < min)) {
    throw new InvalidArgumentError(`${name} must be a finite number ${strict ? '>' : '≥'} ${min}, got ${String(v)}`);
  }
  return v;
}

/** Validates the options shared by every variant. */
export function limeSettings(o: LimeCommonOptions, defaults: { nSamples: number; kernelWidth: number }): LimeSettings {
  const nSamples = o.nSamples ?? defaults.nSamples;
  if (typeof nSamples !== 'number' || !Number.isInteger(nSamples) || nSamples < 2 || nSamples > 1 << 24) {
    throw new InvalidArgumentError(`nSamples must be an integer in [2, ${1 << 24}] (the instance counts as one), got ${String(nSamples)}`);
  }
  const kernelWidth = finite(o.kernelWidth, 'kernelWidth', defaults.kernelWidth, 0, true);
  const alpha = finite(o.alpha, 'alpha', 1, 0, false);
  if (o.numFeatures !== undefined && (typeof o.numFeatures !== 'number' || !Number.isInteger(o.numFeatures) || o.numFeatures < 1)) {
    throw new InvalidArgumentError(`numFeatures must be an integer ≥ 1, got ${String(o.numFeatures)}`);
  }
  const featureSelection = o.featureSelection ?? 'highest-weights';
  if (featureSelection !== 'highest-weights' && featureSelection !== 'lasso-path') {
    throw new InvalidArgumentError(`featureSelection must be 'highest-weights' or 'lasso-path', got ${String(featureSelection)}`);
  }
  const seed = o.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer, got ${String(seed)}`);
  return { nSamples, kernelWidth, alpha, featureSelection, seed, ...(o.numFeatures !== undefined ? { numFeatures: o.numFeatures } : {}) };
}

/** Model calls `runLime` makes for n examples. */
export function limeCalls(b: Batching, n: number, s: LimeSettings): number {
  return inputCalls(b, n) + perturbationCalls(b, n * (s.nSamples - 1), 1);
}

function selectFeatures(stats: WeightedStats, k: number, how: FeatureSelection): number[] {
  const m = stats.m;
  if (how === 'lasso-path') return lassoPathOrder(stats.centredGram(), stats.centredCross(), m).slice(0, k).sort((a, b) => a - b);
  const fit = ridge(stats, { alpha: 0.01 });
  const idx = Array.from({ length: m }, (_, j) => j);
  idx.sort((a, b) => Math.abs(fit.coef[b]!) - Math.abs(fit.coef[a]!) || a - b);
  return idx.slice(0, k).sort((a, b) => a - b);
}

/**
 * Runs LIME over n examples: one forward pass over x (f(x), target), then every sample of every
 * example through the batched evaluator. `example(i)` is called once per example, in order.
 */
export async function runLime(
  id: string,
  ctx: ModelCaller,
  x: Tensor,
  target: ResolvedTarget | undefined,
  batching: Batching,
  settings: LimeSettings,
  example: (i: number) => LimeExample,
): Promise<LimeResult> {
  const n = x.shape[0]!;
  const per = sizeOf(ctx.model.inputShape);
  const ev = await evaluateInputs(ctx, x, target, batching);
  const draws = settings.nSamples - 1;
  const step = Math.min(n * draws, rowsPerCall(batching, 1));
  const width2 = settings.kernelWidth * settings.kernelWidth;
  const attributions = new Float32Array(n * per);
  const intercept = new Float32Array(n);
  const score = new Float32Array(n);
  const localPrediction = new Float32Array(n);

  const examples: LimeExample[] = [];
  const exampleAt = (i: number): LimeExample => {
    while (examples.length <= i) examples.push(example(examples.length));
    return examples[i]!;
  };
  let maxM = 1;
  // Design rows and weights of the rows of the current call (slot = sample index mod step).
  let zBuf = new Float64Array(step * maxM);
  const wBuf = new Float64Array(step);
  let fillI = -1;
  let rng: Rng = createRng(settings.seed);
  // The current example's design row scratch (copied into its slot of zBuf).
  let zRow = new Float64Array(1);
  let stats: WeightedStats | undefined;

  const finish = (i: number, st: WeightedStats) => {
    const ex = exampleAt(i);
    const k = Math.min(settings.numFeatures ?? ex.m, ex.m);
    const subset = k < ex.m ? selectFeatures(st, k, settings.featureSelection) : undefined;
    const fit = ridge(st, { alpha: settings.alpha, ...(subset ? { subset } : {}) });
    ex.spread(fit.coef, attributions, i * per);
    intercept[i] = fit.intercept;
    score[i] = fit.r2;
    let lp = fit.intercept;
    for (let j = 0; j < ex.m; j++) lp += fit.coef[j]! * ex.z0[j]!;
    localPrediction[i] = lp;
    examples[i] = undefined as unknown as LimeExample; // release the example's data
  };

  const begin = (i: number): WeightedStats => {
    const ex = exampleAt(i);
    const st = new WeightedStats(ex.m, ex.z0, ev.fx[i]!);
    st.add(ex.z0, 0, ev.fx[i]!, 1);
    return st;
  };

  if (draws > 0) {
    await evaluatePerturbations(
      ctx,
      {
        count: n * draws,
        rowsPer: 1,
        fill: (p, _r, dst, off) => {
          const i = Math.floor(p / draws);
          const ex = exampleAt(i);
          if (i !== fillI) {
            fillI = i;
            rng = createRng(settings.seed);
            if (zRow.length !== ex.m) zRow = new Float64Array(ex.m);
          }
          if (ex.m > maxM) {
            // Widen the design buffer, re-laying the rows already filled in this call.
            const grown = new Float64Array(step * ex.m);
            for (let s = 0; s < step; s++) grown.set(zBuf.subarray(s * maxM, (s + 1) * maxM), s * ex.m);
            zBuf = grown;
            maxM = ex.m;
          }
          const slot = p % step;
          ex.sample(rng, zRow, dst, off, p - i * draws);
          const d = ex.distance(zRow);
          const zOff = slot * maxM;
          for (let j = 0; j < ex.m; j++) zBuf[zOff + j] = zRow[j]!;
          wBuf[slot] = Math.sqrt(Math.exp(-(d * d) / width2));
        },
      },
      batching,
      (p, _r, out, off) => {
        const i = Math.floor(p / draws);
        const s = p % draws;
        if (s === 0) stats = begin(i);
        const slot = p % step;
        stats!.add(zBuf, slot * maxM, ev.reader.value(out, off, i), wBuf[slot]!);
        if (s === draws - 1) finish(i, stats!);
      },
    );
  } else {
    for (let i = 0; i < n; i++) finish(i, begin(i));
  }
  const base = formatResult(id, { attributions: { shape: [n, ...ctx.model.inputShape], data: attributions }, outputs: ev.outputs, target: ev.target }, n, ctx.modelCalls);
  return { ...base, intercept, score, localPrediction };
}
