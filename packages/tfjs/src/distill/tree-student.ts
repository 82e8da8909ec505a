/**
 * The "interpretable student": core's global surrogate tree (CART fitted to the teacher's
 * predictions; GlobalSurrogate, reused, not re-implemented) reported with the same fields as a
 * distilled network: fidelity on held-out rows, accuracy against labels, size (tree nodes against
 * the teacher's parameters) and forward time per example (tree prediction against teacher.forward).
 * The held-out split is the surrogate's (seeded), so fidelity is measured on rows the tree never saw.
 */
import { GlobalSurrogate, predictTree, type GlobalSurrogateResult, type Model, type Tensor, type TreeCriterion } from '@glasswing/core';
import { accuracyOf, gatherRows, graphParameterCount, prepare, timePerExample, type CommonDistillOptions, type DistillTask, type Fidelity } from './common.js';

export interface TreeDistillOptions extends CommonDistillOptions {
  /** Default 6. */
  readonly maxDepth?: number;
  /** Default 5. */
  readonly minSamplesLeaf?: number;
  readonly criterion?: TreeCriterion;
  readonly featureNames?: readonly string[];
  readonly classNames?: readonly string[];
  /** Regression: the output explained (default 0). */
  readonly output?: number;
}

export interface TreeDistillReport {
  readonly task: DistillTask;
  readonly rows: number;
  readonly trainRows: number;
  readonly holdoutRows: number;
  readonly seed: number;
  readonly architecture: readonly string[];
  readonly fidelity: Fidelity;
  readonly accuracy: { readonly metric: 'accuracy' | 'r2'; readonly student: { train: number; holdout: number | null }; readonly teacher: { train: number; holdout: number | null } } | null;
  /** studentParameters: the tree's nodes (a split stores a feature and a threshold, a leaf its value). */
  readonly size: { readonly teacherParameters: number | null; readonly studentParameters: number; readonly ratio: number | null };
  readonly speed: { readonly teacherMsPerExample: number; readonly studentMsPerExample: number; readonly speedup: number; readonly teacherBackend: string; readonly studentBackend: string } | null;
}

export interface TreeDistillResult {
  readonly report: TreeDistillReport;
  readonly surrogate: GlobalSurrogateResult;
}

/** Distil `teacher` into a decision tree (core's GlobalSurrogate). */
export async function distillTree(teacher: Model, data: Tensor, options: TreeDistillOptions = {}): Promise<TreeDistillResult> {
  const p = prepare(teacher, data, options, false);
  const signal = options.signal;
  const surrogate = await new GlobalSurrogate(teacher).fit({
    data,
    task: p.task,
    ...(options.output !== undefined ? { output: options.output } : {}),
    ...(options.featureNames ? { featureNames: options.featureNames } : {}),
    ...(options.classNames ? { classNames: options.classNames } : {}),
    maxDepth: options.maxDepth ?? 6,
    minSamplesLeaf: options.minSamplesLeaf ?? 5,
    ...(options.criterion ? { criterion: options.criterion } : {}),
    holdout: options.holdout ?? 0.2,
    permutationRepeats: 0,
    seed: p.seed,
    maxRowsPerCall: p.teacherBatch,
    ...(signal ? { signal } : {}),
    onProgress: (q) => options.onProgress?.({ done: q.done, total: q.total + 1, phase: 'teacher' }),
  });
  const tree = surrogate.tree;
  const holdIdx = surrogate.holdoutIndices;
  const all = Int32Array.from({ length: p.rows }, (_, i) => i);
  const inHold = new Uint8Array(p.rows);
  holdIdx.forEach((r) => (inHold[r] = 1));
  const trainIdx = all.filter((r) => !inHold[r]);
  const hold = holdIdx.length > 0;
  const predict = (idx: Int32Array) => predictTree(tree, gatherRows(data.data, idx, p.features), idx.length);
  let accuracy: TreeDistillReport['accuracy'] = null;
  if (p.labels) {
    // Class predictions as one-hot rows for accuracyOf; regression: the values themselves.
    const K = p.task === 'classification' ? Math.max(p.outputs, 2) : 1;
    const asRows = (pred: Float64Array) => (p.task === 'classification' ? oneHot(pred, K) : pred);
    const teacherPred = (idx: Int32Array) => Float64Array.from(idx, (r) => surrogate.targets[r]!);
    const lab = (idx: Int32Array) => Float64Array.from(idx, (r) => p.labels![r]!);
    const acc = (pred: Float64Array, idx: Int32Array) => accuracyOf(p.task, asRows(pred), lab(idx), idx.length, K);
    accuracy = {
      metric: p.task === 'classification' ? 'accuracy' : 'r2',
      student: { train: acc(predict(trainIdx), trainIdx), holdout: hold ? acc(predict(holdIdx), holdIdx) : null },
      teacher: { train: acc(teacherPred(trainIdx), trainIdx), holdout: hold ? acc(teacherPred(holdIdx), holdIdx) : null },
    };
  }
  const teacherParameters = graphParameterCount(teacher);
  const studentParameters = tree.nodes.length;
  let speed: TreeDistillReport['speed'] = null;
  if (options.timing ?? true) {
    const evalRows = hold ? holdIdx : trainIdx;
    const n = Math.min(evalRows.length, 256);
    const x = gatherRows(data.data, evalRows.subarray(0, n), p.features);
    const tMs = await timePerExample(() => teacher.forward({ shape: [n, ...teacher.inputShape], data: x }), n);
    const sMs = await timePerExample(() => predictTree(tree, x, n), n);
    speed = { teacherMsPerExample: tMs, studentMsPerExample: sMs, speedup: sMs > 0 ? tMs / sMs : Infinity, teacherBackend: teacher.backend, studentBackend: 'decision tree (JavaScript)' };
  }
  options.onProgress?.({ done: 1, total: 1, phase: 'evaluate' });
  return {
    surrogate,
    report: {
      task: p.task,
      rows: p.rows,
      trainRows: trainIdx.length,
      holdoutRows: holdIdx.length,
      seed: p.seed,
      architecture: [`decision tree: depth ${tree.depth}, ${tree.leaves} leaves, ${tree.nodes.length} nodes`],
      fidelity: { metric: surrogate.fidelityMetric, train: surrogate.trainFidelity, holdout: surrogate.holdoutFidelity },
      accuracy,
      size: { teacherParameters, studentParameters, ratio: teacherParameters ? studentParameters / teacherParameters : null },
      speed,
    },
  };
}

function oneHot(classes: Float64Array, K: number): Float64Array {
  const out = new Float64Array(classes.length * K);
  classes.forEach((c, i) => (out[i * K + c] = 1));
  return out;
}


