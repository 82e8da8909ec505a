/**
 * Shared pieces of the path methods (integrated gradients and its layer / neuron variants,
 * conductance, GradientSHAP, NoiseTunnel over them): points x′ + α (x − x′) of step-major rows
 * (row r = k·N + i: example i at α_k), quadrature-weighted gradient sums, and the final
 * (x − x′) ⊙ Σ scaling with its delta.
 *
 * Memory is bounded by the chunk, not by the number of steps: the quadrature rule is lazy
 * (`PathSteps` asks it only for the steps of the chunk being evaluated), path points are built
 * one chunk at a time, and gradients are reduced into float64 per-example accumulators in row
 * order, so results do not depend on the chunking. Without `internalBatchSize` a path method
 * sends at most `pathBatchSize` rows per call.
 */
import type { Tensor } from '../../tensor.js';
import { lazyQuadratureRule, type LazyQuadratureRule, type Quadrature } from './approximation.js';
import { checkBatchSize } from './common.js';

/** Most rows per model call of a path method when `internalBatchSize` is unset. */
export const PATH_CHUNK_ROWS = 16_384;
/** Most input values (rows × values per row) per model call of a path method when `internalBatchSize` is unset. */
export const PATH_CHUNK_VALUES = 2 ** 22;

/**
 * Rows per model call of a path method: `internalBatchSize` when given, else
 * max(1, min(PATH_CHUNK_ROWS, ⌊PATH_CHUNK_VALUES / rowValues⌋, modelRows)) (16,384 rows and
 * 16 MiB of float32 input per call at most, and no more than the model's `maxRowsPerCall`, the
 * rows its backend runs at once), so that steps × N rows never go to the model in one call
 * however many steps there are. Problems below that size (the default 50 steps on a batch of
 * tabular or MNIST-sized examples) still take a single call.
 */
export function pathBatchSize(internalBatchSize: number | undefined, rowValues: number, modelRows?: number): number {
  if (internalBatchSize !== undefined) return checkBatchSize(internalBatchSize);
  const hint = modelRows !== undefined && Number.isInteger(modelRows) && modelRows >= 1 ? modelRows : Infinity;
  return Math.max(1, Math.min(PATH_CHUNK_ROWS, hint, Math.floor(PATH_CHUNK_VALUES / Math.max(1, rowValues))));
}

/**
 * Samples per example per partition of a sampling method (NoiseTunnel's `nSamplesBatchSize`)
 * when unset: all `nSamples`, unless the N × samples noisy copies (`batchValues` = N × values
 * per example each) would exceed PATH_CHUNK_VALUES; then as many as fit (at least one).
 */
export function samplesPerPartition(nSamples: number, batchValues: number): number {
  return Math.max(1, Math.min(nSamples, Math.floor(PATH_CHUNK_VALUES / Math.max(1, batchValues))));
}

/**
 * The quadrature steps of step-major rows over N examples, computed lazily: rows [s, e) cover
 * steps ⌊s/N⌋ … ⌊(e − 1)/N⌋, and only those are computed (cached for the last range, since a
 * chunk's points and its gradient reduction ask for the same one).
 */
export class PathSteps {
  readonly rule: LazyQuadratureRule;
  private s = -1;
  private e = -1;
  private k0 = 0;
  private alphas: Float64Array = new Float64Array(0);
  private weights: Float64Array = new Float64Array(0);

  constructor(method: Quadrature | LazyQuadratureRule, steps: number, readonly n: number) {
    this.rule = typeof method === 'string' ? lazyQuadratureRule(method, steps) : method;
  }

  /** Number of steps. */
  get steps(): number {
    return this.rule.n;
  }

  /** Makes rows [s, e) current; alpha(r) / weight(r) then read rows in that range. */
  use(s: number, e: number): this {
    if (s !== this.s || e !== this.e) {
      const k0 = Math.floor(s / this.n);
      const k1 = e > s ? Math.floor((e - 1) / this.n) + 1 : k0;
      const slice = this.rule.slice(k0, k1);
      this.k0 = k0;
      this.alphas = slice.alphas;
      this.weights = slice.weights;
      this.s = s;
      this.e = e;
    }
    return this;
  }

  /** α of row r (in the current range). */
  alpha(r: number): number {
    return this.alphas[Math.floor(r / this.n) - this.k0]!;
  }

  /** Weight of row r (in the current range). */
  weight(r: number): number {
    return this.weights[Math.floor(r / this.n) - this.k0]!;
  }
}

/**
 * Path points for step-major rows [s, e): row r holds start_i + α_k (end_i − start_i), where
 * end_i is row i of `end` and start_i is row `startRow + i` of `start` (`per` values a row).
 */
export function pathPoints(
  end: Float32Array,
  start: Float32Array,
  startRow: number,
  n: number,
  per: number,
  steps: PathSteps,
  s: number,
  e: number,
): Float32Array {
  steps.use(s, e);
  const data = new Float32Array((e - s) * per);
  for (let r = s; r < e; r++) {
    const a = steps.alpha(r);
    const i = r % n;
    const o = (r - s) * per;
    const b0 = (startRow + i) * per;
    for (let j = 0; j < per; j++) {
      const b = start[b0 + j]!;
      data[o + j] = b + a * (end[i * per + j]! - b);
    }
  }
  return data;
}

/** Scaled inputs x′ + α (x − x′) for step-major rows [s, e) (row k·N + i). */
export function scaledRows(x: Tensor, baselines: Tensor, steps: PathSteps, s: number, e: number): Tensor {
  const n = x.shape[0]!;
  const per = x.data.length / n;
  return { shape: [e - s, ...x.shape.slice(1)], data: pathPoints(x.data, baselines.data, 0, n, per, steps, s, e) };
}

/** acc[i·per + j] += w_k · g[row r, j] for the step-major gradient rows [s, e) (float64, in row order). */
export function accumulateWeighted(
  acc: Float64Array,
  g: Float32Array,
  steps: PathSteps,
  n: number,
  per: number,
  s: number,
  e: number,
): void {
  steps.use(s, e);
  for (let r = s; r < e; r++) {
    const w = steps.weight(r);
    const i = r % n;
    const o = (r - s) * per;
    for (let j = 0; j < per; j++) acc[i * per + j] += w * g[o + j]!;
  }
}

/**
 * attr = (end − start) ⊙ acc per example (start_i = row `startRow + i` of `start`), and
 * delta_i = Σ attr_i − gap(i) (gap: the explained quantity at the end minus at the start).
 */
export function pathAttributions(
  end: Float32Array,
  start: Float32Array,
  startRow: number,
  acc: Float64Array,
  n: number,
  per: number,
  gap: (i: number) => number,
): { attr: Float32Array; delta: Float64Array } {
  const attr = new Float32Array(n * per);
  const delta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < per; j++) {
      const k = i * per + j;
      const v = (end[k]! - start[(startRow + i) * per + j]!) * acc[k]!;
      attr[k] = v;
      sum += v;
    }
    delta[i] = sum - gap(i);
  }
  return { attr, delta };
}
