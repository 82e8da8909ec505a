/**
 * Correlation analysis over a dataset: the Pearson and Spearman correlation of every input
 * element (feature) with every model output, from one forward pass over the data.
 *
 * Spearman = Pearson of the ranks, ties getting the average of the ranks they span. A feature or
 * output that is constant over the dataset has no defined correlation: its entries are `null`
 * (listed in `constantFeatures` / `constantOutputs`), never NaN. Sums in float64.
 *
 * Model calls: ⌈M / maxRowsPerCall⌉. Memory: the outputs (M·outputs) and one column at a time.
 */
import type { Model } from '../../model.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { ShapeError, throwIfAborted } from '../../errors.js';
import { ModelCaller, validateInput, type Progress } from '../_utils/common.js';
import { evaluatePerturbations, perturbationCalls, resolveBatching } from '../_utils/perturbation/index.js';

export interface CorrelationOptions {
  /** The dataset, [M ≥ 2, ...inputShape]. */
  readonly data: Tensor;
  readonly maxRowsPerCall?: number;
  readonly internalBatchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export interface CorrelationResult {
  /** [features][outputs]: Pearson r, or null where a feature or output is constant. */
  readonly pearson: (number | null)[][];
  /** [features][outputs]: Spearman ρ (average ranks for ties), or null where constant. */
  readonly spearman: (number | null)[][];
  /** Model outputs on the data, [M, ...outputShape]. */
  readonly outputs: Tensor;
  readonly constantFeatures: number[];
  readonly constantOutputs: number[];
  readonly modelCalls: number;
}

/** Ranks 1 … n of `v`, ties sharing the mean of their ranks. */
export function averageRanks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a]! - v[b]! || a - b);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && v[order[j + 1]!] === v[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = r;
    i = j + 1;
  }
  return ranks;
}

/** Centred column and its norm (0 for a constant column). */
function centre(v: ArrayLike<number>): { c: Float64Array; norm: number } {
  const n = v.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i]!;
  const mu = s / n;
  const c = new Float64Array(n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    c[i] = v[i]! - mu;
    ss += c[i]! * c[i]!;
  }
  // A column whose values are all equal centres to exact zeros.
  let constant = true;
  for (let i = 1; i < n && constant; i++) if (v[i] !== v[0]) constant = false;
  return { c, norm: constant ? 0 : Math.sqrt(ss) };
}

function pearsonOf(a: { c: Float64Array; norm: number }, b: { c: Float64Array; norm: number }): number | null {
  if (a.norm === 0 || b.norm === 0) return null;
  let s = 0;
  for (let i = 0; i < a.c.length; i++) s += a.c[i]! * b.c[i]!;
  return Math.max(-1, Math.min(1, s / (a.norm * b.norm)));
}

/** Pearson and Spearman correlation of each feature with each output of `model` over `data`. */
export async function correlation(model: Model, options: CorrelationOptions): Promise<CorrelationResult> {
  const data = options.data;
  const m = validateInput(model, data, 'data');
  if (m < 2) throw new ShapeError(`correlation needs at least 2 data rows, got ${m}`);
  const batching = resolveBatching(options, model.inputShape);
  const per = sizeOf(model.inputShape);
  const outPer = sizeOf(model.outputShape);
  const ctx = new ModelCaller(model, options.signal, options.onProgress);
  throwIfAborted(options.signal);
  ctx.plan(perturbationCalls(batching, 1, m));
  const out = new Float32Array(m * outPer);
  await evaluatePerturbations(
    ctx,
    { count: 1, rowsPer: m, fill: (_p, i, dst, off) => dst.set(data.data.subarray(i * per, (i + 1) * per), off) },
    batching,
    (_p, i, o, off) => out.set(o.subarray(off, off + outPer), i * outPer),
  );
  const column = (src: Float32Array, stride: number, j: number) => {
    const c = new Float64Array(m);
    for (let i = 0; i < m; i++) c[i] = src[i * stride + j]!;
    return c;
  };
  const outCols = Array.from({ length: outPer }, (_, k) => column(out, outPer, k));
  const outP = outCols.map(centre);
  const outS = outCols.map((c) => centre(averageRanks(c)));
  const pearson: (number | null)[][] = [];
  const spearman: (number | null)[][] = [];
  const constantFeatures: number[] = [];
  for (let j = 0; j < per; j++) {
    throwIfAborted(options.signal);
    const col = column(data.data, per, j);
    const p = centre(col);
    const s = centre(averageRanks(col));
    if (p.norm === 0) constantFeatures.push(j);
    pearson.push(outP.map((o) => pearsonOf(p, o)));
    spearman.push(outS.map((o) => pearsonOf(s, o)));
  }
  return {
    pearson,
    spearman,
    outputs: { shape: [m, ...model.outputShape], data: out },
    constantFeatures,
    constantOutputs: outP.flatMap((o, k) => (o.norm === 0 ? [k] : [])),
    modelCalls: ctx.modelCalls,
  };
}
