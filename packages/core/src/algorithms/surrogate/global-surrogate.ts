/**
 * Global surrogate (Craven & Shavlik 1996; Molnar, "Interpretable Machine Learning" §8.6): a CART
 * tree fitted to the MODEL's predictions (not to labels) on a dataset, read as IF–THEN rules.
 *
 * - Targets: classification — the model's class per row (argmax of the outputs; a single output
 *   is a probability, class 1 when ≥ 0.5); regression — output `output` (default 0) per row.
 * - A seeded share `holdout` of the rows (default 0.25; Fisher–Yates from createRng(seed)) is kept
 *   out of the fit. Fidelity on it (and on the training rows): the share of rows where the tree's
 *   class equals the model's (classification), or R² = 1 − SS_res / SS_tot of the tree against the
 *   model's output (regression; 1 when both are constant and equal, else 0 when SS_tot = 0).
 * - Importances: impurity-based (the tree's weighted impurity decreases, normalised), and
 *   permutation importance of the SURROGATE (core's permutationImportance on the tree wrapped as a
 *   model): the fidelity drop on the held-out rows when one feature is shuffled, mean ± std over
 *   `permutationRepeats` shuffles. Neither costs model calls.
 * Only `forward` is used, so forward-only models (fromFunction) work. Model calls: ⌈M / rows⌉ with
 * rows = maxRowsPerCall / internalBatchSize / the default chunk.
 */
import type { Model } from '../../model.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { InvalidArgumentError, ShapeError, throwIfAborted } from '../../errors.js';
import { fromFunction } from '../../function-model.js';
import { createRng } from '../../random/prng.js';
import { shuffledRange } from '../../random/shuffle.js';
import { ModelCaller, validateInput, type Progress } from '../_utils/common.js';
import { chunkCount } from '../_utils/caller.js';
import { resolveBatching } from '../_utils/perturbation/index.js';
import { permutationImportance } from '../global/permutation-importance.js';
import { fitDecisionTree, predictTree, treeLeaves, type DecisionTree, type TreeCriterion, type TreeTask } from './decision-tree.js';
import { treeRules, type TreeRule } from './tree-rules.js';

export interface GlobalSurrogateOptions {
  /** The dataset, [M ≥ 2, ...inputShape]; each row's flattened values are the features. */
  readonly data: Tensor;
  /** Default 'classification'. */
  readonly task?: TreeTask;
  /** Regression: the output index explained (default 0). */
  readonly output?: number;
  /** One name per feature (default x0, x1, …). */
  readonly featureNames?: readonly string[];
  /** Class names for the rules (classification). */
  readonly classNames?: readonly string[];
  readonly maxDepth?: number;
  readonly minSamplesLeaf?: number;
  readonly minSamplesSplit?: number;
  readonly minImpurityDecrease?: number;
  readonly criterion?: TreeCriterion;
  /** Share of rows held out for fidelity, in [0, 1) (default 0.25; 0: fidelity on the fit rows only). */
  readonly holdout?: number;
  /** Shuffles per feature of the surrogate's permutation importance (default 5; 0 skips it). */
  readonly permutationRepeats?: number;
  /** Default 0. */
  readonly seed?: number;
  readonly maxRowsPerCall?: number;
  readonly internalBatchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export interface SurrogateImportance {
  readonly feature: number;
  readonly name: string;
  /** Normalised impurity decrease (sums to 1). */
  readonly impurity: number;
  /** Mean fidelity drop when the feature is shuffled (null when skipped). */
  readonly permutationMean: number | null;
  readonly permutationStd: number | null;
}

export interface GlobalSurrogateResult {
  readonly task: TreeTask;
  readonly tree: DecisionTree;
  readonly rules: readonly TreeRule[];
  readonly featureNames: readonly string[];
  readonly classNames?: readonly string[];
  /** 'agreement' (classification) or 'r2' (regression). */
  readonly fidelityMetric: 'agreement' | 'r2';
  readonly trainFidelity: number;
  /** Null when holdout is 0. */
  readonly holdoutFidelity: number | null;
  readonly trainRows: number;
  readonly holdoutRows: number;
  /** Per feature, in feature order. */
  readonly importances: readonly SurrogateImportance[];
  /** The model's target per row (class or output value), [M]. */
  readonly targets: Float64Array;
  /** Row indices of the held-out rows. */
  readonly holdoutIndices: Int32Array;
  readonly modelCalls: number;
}

/** Agreement (classification) or R² (regression) of predictions against targets. */
export function fidelityScore(task: TreeTask, pred: ArrayLike<number>, target: ArrayLike<number>): number {
  const n = target.length;
  if (task === 'classification') {
    let ok = 0;
    for (let i = 0; i < n; i++) if (pred[i] === target[i]) ok++;
    return ok / n;
  }
  let mu = 0;
  for (let i = 0; i < n; i++) mu += target[i]!;
  mu /= n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    res += (target[i]! - pred[i]!) ** 2;
    tot += (target[i]! - mu) ** 2;
  }
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}

/** Fits a global surrogate tree to `model`'s predictions on `options.data`. */
export class GlobalSurrogate {
  constructor(readonly model: Model) {}

  async fit(options: GlobalSurrogateOptions): Promise<GlobalSurrogateResult> {
    if (!options || typeof options !== 'object') throw new InvalidArgumentError('GlobalSurrogate.fit needs options {data, ...}');
    const model = this.model;
    const m = validateInput(model, options.data, 'data');
    if (m < 2) throw new ShapeError(`a surrogate needs at least 2 data rows, got ${m}`);
    const F = sizeOf(model.inputShape);
    const task = options.task ?? 'classification';
    if (task !== 'classification' && task !== 'regression') throw new InvalidArgumentError(`task must be 'classification' or 'regression', got ${String(task)}`);
    const outPer = sizeOf(model.outputShape);
    const output = options.output ?? 0;
    if (!Number.isInteger(output) || output < 0 || output >= outPer) throw new InvalidArgumentError(`output must be an integer in [0, ${outPer}), got ${String(output)}`);
    const names = options.featureNames ? [...options.featureNames] : Array.from({ length: F }, (_, j) => `x${j}`);
    if (names.length !== F) throw new ShapeError(`featureNames has ${names.length} names but the model input has ${F} features`);
    if (names.some((s) => typeof s !== 'string' || s === '')) throw new InvalidArgumentError('featureNames must be non-empty strings');
    const K = task === 'classification' ? Math.max(outPer, 2) : 0;
    if (options.classNames && task === 'classification' && options.classNames.length !== K) {
      throw new ShapeError(`classNames has ${options.classNames.length} names but the model has ${K} classes`);
    }
    const holdout = options.holdout ?? 0.25;
    if (typeof holdout !== 'number' || !(holdout >= 0 && holdout < 1)) throw new InvalidArgumentError(`holdout must be in [0, 1), got ${String(holdout)}`);
    const nHold = Math.round(m * holdout);
    if (holdout > 0 && (nHold < 1 || m - nHold < 1)) throw new InvalidArgumentError(`holdout ${holdout} of ${m} rows leaves no held-out or no fit rows`);
    const repeats = options.permutationRepeats ?? 5;
    if (!Number.isInteger(repeats) || repeats < 0) throw new InvalidArgumentError(`permutationRepeats must be an integer ≥ 0, got ${String(repeats)}`);
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer, got ${String(seed)}`);
    const batching = resolveBatching(options, model.inputShape);
    // Validate the tree options before any model call.
    fitDecisionTree([0], [0], 1, treeOptions(options, task, task === 'classification' ? 2 : 0));

    // 1. The model's predictions.
    const calls = chunkCount(m, batching.maxRowsPerCall);
    const permRows = nHold > 0 ? nHold : m - nHold;
    const doPerm = repeats > 0 && permRows >= 2;
    const permCalls = doPerm ? 1 + F * repeats : 0;
    const report = (done: number) => options.onProgress?.({ done, total: calls + permCalls });
    const ctx = new ModelCaller(model, options.signal, (p) => report(p.done));
    ctx.plan(calls);
    throwIfAborted(options.signal);
    const targets = new Float64Array(m);
    const per = F;
    await ctx.forwardEach(
      m,
      batching.maxRowsPerCall,
      (s, e) => ({ shape: [e - s, ...model.inputShape], data: options.data.data.subarray(s * per, e * per) }),
      (s, e, out) => {
        for (let i = s; i < e; i++) {
          const o = out.data.subarray((i - s) * outPer, (i - s + 1) * outPer);
          if (task === 'regression') targets[i] = o[output]!;
          else if (outPer === 1) targets[i] = o[0]! >= 0.5 ? 1 : 0;
          else {
            let best = 0;
            for (let j = 1; j < outPer; j++) if (o[j]! > o[best]!) best = j;
            targets[i] = best;
          }
        }
      },
    );

    // 2. Split, fit.
    const perm = shuffledRange(createRng(seed), m);
    const holdIdx = Int32Array.from(perm.subarray(0, nHold)).sort();
    const fitIdx = Int32Array.from(perm.subarray(nHold)).sort();
    const rowsOf = (idx: Int32Array) => {
      const x = new Float64Array(idx.length * F);
      idx.forEach((r, i) => {
        for (let j = 0; j < F; j++) x[i * F + j] = options.data.data[r * F + j]!;
      });
      return x;
    };
    const xFit = rowsOf(fitIdx);
    const yFit = Float64Array.from(fitIdx, (r) => targets[r]!);
    throwIfAborted(options.signal);
    const tree = fitDecisionTree(xFit, yFit, F, treeOptions(options, task, K));
    const trainFidelity = fidelityScore(task, predictTree(tree, xFit, fitIdx.length), yFit);
    let holdoutFidelity: number | null = null;
    const xHold = rowsOf(holdIdx);
    const yHold = Float64Array.from(holdIdx, (r) => targets[r]!);
    if (nHold > 0) holdoutFidelity = fidelityScore(task, predictTree(tree, xHold, nHold), yHold);

    // 3. Rules (regression: per-node Σ y² for the spread).
    let sumSq: Float64Array | undefined;
    if (task === 'regression') {
      sumSq = new Float64Array(tree.nodes.length);
      for (let i = 0; i < fitIdx.length; i++) {
        let node = tree.nodes[0]!;
        for (;;) {
          sumSq[node.id]! += yFit[i]! * yFit[i]!;
          if (node.feature < 0) break;
          node = tree.nodes[xFit[i * F + node.feature]! <= node.threshold ? node.left : node.right]!;
        }
      }
    }
    const rules = treeRules(tree, names, task === 'classification' ? options.classNames : undefined, sumSq);

    // 4. Permutation importance of the surrogate (its fidelity drop), no model calls.
    let pMean: Float64Array | null = null;
    let pStd: Float64Array | null = null;
    if (doPerm) {
      const xs = nHold > 0 ? xHold : xFit;
      const ys = nHold > 0 ? yHold : yFit;
      const treeModel = fromFunction(
        async (x) => {
          const rows = x.shape[0]!;
          const leaves = treeLeaves(tree, x.data, rows);
          const width = task === 'classification' ? K : 1;
          const out = new Float32Array(rows * width);
          leaves.forEach((id, i) => {
            const p = tree.nodes[id]!.prediction;
            if (task === 'classification') out[i * K + p] = 1;
            else out[i] = p;
          });
          return { shape: [rows, width], data: out };
        },
        { inputShape: [F], outputShape: [task === 'classification' ? K : 1], name: 'surrogate tree' },
      );
      const imp = await permutationImportance(treeModel, {
        data: { shape: [permRows, F], data: Float32Array.from(xs) },
        labels: ys,
        metric: task === 'classification' ? 'accuracy' : (out, lab) => fidelityScore('regression', out.data, lab),
        nRepeats: repeats,
        seed,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p) => report(calls + Math.round((p.done / p.total) * permCalls)),
      });
      pMean = imp.importancesMean;
      pStd = imp.importancesStd;
    }
    const importances = names.map((name, feature) => ({
      feature,
      name,
      impurity: tree.featureImportances[feature]!,
      permutationMean: pMean ? pMean[feature]! : null,
      permutationStd: pStd ? pStd[feature]! : null,
    }));
    return {
      task,
      tree,
      rules,
      featureNames: names,
      ...(task === 'classification' && options.classNames ? { classNames: [...options.classNames] } : {}),
      fidelityMetric: task === 'classification' ? 'agreement' : 'r2',
      trainFidelity,
      holdoutFidelity,
      trainRows: fitIdx.length,
      holdoutRows: nHold,
      importances,
      targets,
      holdoutIndices: holdIdx,
      modelCalls: ctx.modelCalls,
    };
  }
}

function treeOptions(o: GlobalSurrogateOptions, task: TreeTask, K: number) {
  return {
    task,
    ...(o.criterion !== undefined ? { criterion: o.criterion } : {}),
    ...(o.maxDepth !== undefined ? { maxDepth: o.maxDepth } : {}),
    ...(o.minSamplesLeaf !== undefined ? { minSamplesLeaf: o.minSamplesLeaf } : {}),
    ...(o.minSamplesSplit !== undefined ? { minSamplesSplit: o.minSamplesSplit } : {}),
    ...(o.minImpurityDecrease !== undefined ? { minImpurityDecrease: o.minImpurityDecrease } : {}),
    ...(K > 0 ? { classes: K } : {}),
  };
}

/** `new GlobalSurrogate(model).fit(options)`. */
export function globalSurrogate(model: Model, options: GlobalSurrogateOptions): Promise<GlobalSurrogateResult> {
  return new GlobalSurrogate(model).fit(options);
}
