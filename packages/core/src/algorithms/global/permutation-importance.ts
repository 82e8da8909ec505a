/**
 * Dataset-level permutation importance (Breiman 2001; as scikit-learn's
 * `permutation_importance`): the drop of a score when one feature (group) is shuffled across the
 * rows of a dataset, repeated `nRepeats` times with different shuffles, reported as mean ± std.
 *
 *   importance[g, r] = score(data, labels) − score(data with group g permuted by σ_{g,r}, labels)
 *
 * Scores (higher is better internally):
 * - 'accuracy' (default): fraction of rows whose argmax output equals the label (integer class);
 *   a model with a single output predicts 1 when the output ≥ 0.5 (probability output).
 * - 'loss': mean softmax cross-entropy of the outputs taken as logits against integer labels; for
 *   a single-output model the mean squared error against the labels. The importance is the loss
 *   increase; `baselineScore` reports the loss itself.
 * - a function (outputs [M, ...outputShape], labels) → score, higher is better.
 *
 * σ_{g,r} is a Fisher–Yates permutation of the M rows from createRng(seed).derive(g).derive(r):
 * it depends only on the seed, g, r and M, so the same seed gives bit-identical importances on
 * every adapter. std is the population standard deviation over the repeats (ddof 0, as
 * scikit-learn).
 *
 * Model calls: the data once, then F·nRepeats permuted copies of the M rows, in calls of at most
 * `perturbationsPerEval` copies / `maxRowsPerCall` rows. Memory: one call's rows plus one copy
 * of the outputs (M·outputs), independent of nRepeats.
 */
import type { Model } from '../../model.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { InvalidArgumentError, NumericError, ShapeError, throwIfAborted } from '../../errors.js';
import { createRng } from '../../random/prng.js';
import { shuffledRange } from '../../random/shuffle.js';
import { checkPositiveInt, ModelCaller, validateInput, type Progress } from '../_utils/common.js';
import {
  evaluatePerturbations,
  perturbationCalls,
  resolveBatching,
  resolveFeatureMask,
  type FeatureMaskInput,
} from '../_utils/perturbation/index.js';

/** A score of a model's outputs against labels; higher is better. */
export type ScoreFunction = (outputs: Tensor, labels: Float64Array) => number;

export interface PermutationImportanceOptions {
  /** The dataset, [M ≥ 2, ...inputShape]. */
  readonly data: Tensor;
  /** One label per row. */
  readonly labels: ArrayLike<number>;
  /** Default 'accuracy'. */
  readonly metric?: 'accuracy' | 'loss' | ScoreFunction;
  /** Shuffles per feature (default 5, scikit-learn's). */
  readonly nRepeats?: number;
  /** Default 0. */
  readonly seed?: number;
  /** Group id per element, shared by all rows ([...inputShape] or [1, ...]); default one per element. */
  readonly featureMask?: FeatureMaskInput;
  readonly perturbationsPerEval?: number;
  readonly maxRowsPerCall?: number;
  readonly internalBatchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export interface PermutationImportanceResult {
  /** 'accuracy', 'loss' or 'custom'. */
  readonly metric: string;
  /** The metric on the unpermuted data (the loss itself for 'loss'). */
  readonly baselineScore: number;
  /** Number of features (groups) F. */
  readonly features: number;
  readonly nRepeats: number;
  /** Mean importance per feature, [F]. */
  readonly importancesMean: Float64Array;
  /** Population std per feature over the repeats, [F]. */
  readonly importancesStd: Float64Array;
  /** Every repeat, [F × nRepeats] row-major. */
  readonly importances: Float64Array;
  readonly modelCalls: number;
}

function checkLabels(labels: ArrayLike<number>, m: number): Float64Array {
  if (labels == null || typeof labels.length !== 'number') throw new InvalidArgumentError('labels must be an array of numbers');
  if (labels.length !== m) throw new ShapeError(`labels has ${labels.length} entries for ${m} data rows`);
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const v = labels[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(`label ${i} is not a finite number (${String(v)})`);
    out[i] = v;
  }
  return out;
}

/** The scorer (higher is better) and how to report it. */
function scorer(
  metric: PermutationImportanceOptions['metric'],
  labels: Float64Array,
  outPer: number,
): { name: string; score: (out: Tensor) => number; report: (s: number) => number } {
  const m = labels.length;
  const needClasses = (what: string) => {
    const k = Math.max(outPer, 2);
    labels.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v >= k) throw new InvalidArgumentError(`${what}: label ${i} (${v}) is not a class index in [0, ${k})`);
    });
  };
  if (metric === undefined || metric === 'accuracy') {
    needClasses('accuracy');
    return {
      name: 'accuracy',
      report: (s) => s,
      score(out) {
        let correct = 0;
        for (let i = 0; i < m; i++) {
          let pred = 0;
          if (outPer === 1) pred = out.data[i]! >= 0.5 ? 1 : 0;
          else for (let j = 1; j < outPer; j++) if (out.data[i * outPer + j]! > out.data[i * outPer + pred]!) pred = j;
          if (pred === labels[i]) correct++;
        }
        return correct / m;
      },
    };
  }
  if (metric === 'loss') {
    if (outPer > 1) needClasses('loss');
    return {
      name: 'loss',
      report: (s) => -s,
      score(out) {
        let total = 0;
        for (let i = 0; i < m; i++) {
          if (outPer === 1) {
            const d = out.data[i]! - labels[i]!;
            total += d * d;
            continue;
          }
          let max = -Infinity;
          for (let j = 0; j < outPer; j++) max = Math.max(max, out.data[i * outPer + j]!);
          let z = 0;
          for (let j = 0; j < outPer; j++) z += Math.exp(out.data[i * outPer + j]! - max);
          total += Math.log(z) + max - out.data[i * outPer + labels[i]!]!;
        }
        return -total / m;
      },
    };
  }
  if (typeof metric === 'function') {
    return {
      name: 'custom',
      report: (s) => s,
      score(out) {
        const s = metric(out, labels);
        if (typeof s !== 'number' || !Number.isFinite(s)) throw new NumericError(`the metric function returned ${String(s)}, not a finite number`);
        return s;
      },
    };
  }
  throw new InvalidArgumentError(`metric must be 'accuracy', 'loss' or a function, got ${String(metric)}`);
}

/** Computes permutation importance of every feature (group) of `model` on a dataset. */
export async function permutationImportance(model: Model, options: PermutationImportanceOptions): Promise<PermutationImportanceResult> {
  if (!options || typeof options !== 'object') throw new InvalidArgumentError('permutationImportance needs options {data, labels, ...}');
  const data = options.data;
  const m = validateInput(model, data, 'data');
  if (m < 2) throw new ShapeError(`permutation importance shuffles rows and needs at least 2 data rows, got ${m}`);
  const labels = checkLabels(options.labels, m);
  const outPer = sizeOf(model.outputShape);
  const sc = scorer(options.metric, labels, outPer);
  const nRepeats = checkPositiveInt(options.nRepeats, 'nRepeats', 5);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer, got ${String(seed)}`);
  const batching = resolveBatching(options, model.inputShape);
  const mask = resolveFeatureMask(options.featureMask, 1, model.inputShape);
  const F = mask.groups;
  const per = mask.per;

  const ctx = new ModelCaller(model, options.signal, options.onProgress);
  throwIfAborted(options.signal);
  ctx.plan(perturbationCalls(batching, 1 + F * nRepeats, m));

  const root = createRng(seed);
  const outputs: Tensor = { shape: [m, ...model.outputShape], data: new Float32Array(m * outPer) };
  const importances = new Float64Array(F * nRepeats);
  let baseScore = 0;
  let lastP = -1;
  let perm: Int32Array = new Int32Array(0);
  // Perturbation 0: the data; 1 + g·nRepeats + r: group g shuffled by σ_{g,r}.
  await evaluatePerturbations(
    ctx,
    {
      count: 1 + F * nRepeats,
      rowsPer: m,
      fill(p, i, dst, off) {
        dst.set(data.data.subarray(i * per, (i + 1) * per), off);
        if (p === 0) return;
        const g = Math.floor((p - 1) / nRepeats);
        if (p !== lastP) {
          perm = shuffledRange(root.derive(g).derive((p - 1) % nRepeats), m);
          lastP = p;
        }
        const src = perm[i]! * per;
        const els = mask.elements(0, g);
        for (let k = 0; k < els.length; k++) dst[off + els[k]!] = data.data[src + els[k]!]!;
      },
    },
    batching,
    (p, i, out, off) => {
      outputs.data.set(out.subarray(off, off + outPer), i * outPer);
      if (i !== m - 1) return;
      const s = sc.score(outputs);
      if (p === 0) baseScore = s;
      else importances[p - 1] = baseScore - s;
    },
  );

  const mean = new Float64Array(F);
  const std = new Float64Array(F);
  for (let g = 0; g < F; g++) {
    let s = 0;
    for (let r = 0; r < nRepeats; r++) s += importances[g * nRepeats + r]!;
    const mu = s / nRepeats;
    let v = 0;
    for (let r = 0; r < nRepeats; r++) v += (importances[g * nRepeats + r]! - mu) ** 2;
    mean[g] = mu;
    std[g] = Math.sqrt(v / nRepeats);
  }
  return {
    metric: sc.name,
    baselineScore: sc.report(baseScore),
    features: F,
    nRepeats,
    importancesMean: mean,
    importancesStd: std,
    importances,
    modelCalls: ctx.modelCalls,
  };
}
