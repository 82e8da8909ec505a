/**
 * Batching options shared by the perturbation methods, and the streaming evaluator that sends
 * perturbed rows to the model.
 *
 * A perturbation method describes its work as `count` perturbations of `rowsPer` rows each
 * (e.g. one ablated copy of each of the N examples, or one coalition combined with each of B
 * background rows). Global row q = p·rowsPer + r is row r of perturbation p. The evaluator
 * builds rows lazily, in increasing q, into one reusable buffer, sends at most
 * `perturbationsPerEval` perturbations (and at most `maxRowsPerCall` rows) per model call, and
 * hands each output row to a consumer in increasing q. Memory is one buffer of
 * min(rows per call, total rows) input rows, whatever the number of perturbations; results are
 * meant to be streamed into accumulators by the consumer.
 *
 * Because rows are built and consumed in the same order whatever the chunking, a method that
 * draws random numbers while building rows gets the same samples (and the same result) for every
 * batch size, adapter and model.
 */
import { sizeOf } from '../../../tensor.js';
import { InvalidArgumentError } from '../../../errors.js';
import { chunkCount, type CommonOptions, type ModelCaller } from '../common.js';

export interface PerturbationOptions extends CommonOptions {
  /**
   * Most perturbations evaluated in one model call (Captum's `perturbations_per_eval`).
   * Default: as many as `maxRowsPerCall` allows. Never changes the results.
   */
  readonly perturbationsPerEval?: number;
  /**
   * Most rows in one model call. Default: `internalBatchSize` when given, else
   * min(1024, ⌊2²² / values per row⌋) (at most ~16 MB of float32 input per call), at least 1.
   * Never changes the results.
   */
  readonly maxRowsPerCall?: number;
}

/** Default most rows per call. */
export const DEFAULT_MAX_ROWS_PER_CALL = 1024;
/** Default most input values per call (float32 values, 16 MiB). */
export const DEFAULT_MAX_VALUES_PER_CALL = 1 << 22;

export interface Batching {
  /** Most perturbations per call (∞ = unlimited). */
  readonly perturbationsPerEval: number;
  /** Most rows per call (finite). */
  readonly maxRowsPerCall: number;
}

function positiveInt(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${name} must be an integer ≥ 1, got ${String(value)}`);
  }
  return value;
}

/** Validates and fills in the batching options for rows of `inputShape`. */
export function resolveBatching(options: PerturbationOptions, inputShape: readonly number[]): Batching {
  const ppe = positiveInt(options.perturbationsPerEval, 'perturbationsPerEval');
  const rows = positiveInt(options.maxRowsPerCall, 'maxRowsPerCall');
  const ibs = positiveInt(options.internalBatchSize, 'internalBatchSize');
  const per = Math.max(1, sizeOf(inputShape));
  const fallback = Math.max(1, Math.min(DEFAULT_MAX_ROWS_PER_CALL, Math.floor(DEFAULT_MAX_VALUES_PER_CALL / per)));
  return { perturbationsPerEval: ppe ?? Number.POSITIVE_INFINITY, maxRowsPerCall: rows ?? ibs ?? fallback };
}

/** Rows per model call for perturbations of `rowsPer` rows. */
export function rowsPerCall(b: Batching, rowsPer: number): number {
  const byPerturbations = Number.isFinite(b.perturbationsPerEval) ? b.perturbationsPerEval * rowsPer : Number.POSITIVE_INFINITY;
  return Math.max(1, Math.min(b.maxRowsPerCall, byPerturbations));
}

/** Model calls `evaluatePerturbations` makes for `count` perturbations of `rowsPer` rows. */
export function perturbationCalls(b: Batching, count: number, rowsPer: number): number {
  return chunkCount(count * rowsPer, rowsPerCall(b, rowsPer));
}

export interface PerturbationSource {
  /** Number of perturbations. */
  readonly count: number;
  /** Rows per perturbation (≥ 1). */
  readonly rowsPer: number;
  /**
   * Writes row r of perturbation p (one example, `values` numbers) into dst at offset `off`.
   * Called exactly once per row, in increasing p·rowsPer + r.
   */
  fill(p: number, r: number, dst: Float32Array, off: number): void;
}

/**
 * Receives the model output of row r of perturbation p: `out[off .. off + outputSize)`. Called
 * exactly once per row, in increasing p·rowsPer + r, right after the call that computed it
 * (the array is reused afterwards: copy what you keep).
 */
export type PerturbationConsumer = (p: number, r: number, out: Float32Array, off: number) => void;

/**
 * Evaluates every row of `source` with forward calls through `ctx` (counted, abortable between
 * calls, progress-reporting, shape- and finiteness-checked) and streams the outputs to `consume`.
 * Holds one input buffer of at most `rowsPerCall` rows. The caller plans the calls on `ctx`
 * (`perturbationCalls`) before the first call, for progress totals.
 */
export async function evaluatePerturbations(
  ctx: ModelCaller,
  source: PerturbationSource,
  batching: Batching,
  consume: PerturbationConsumer,
): Promise<void> {
  const { count, rowsPer } = source;
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(rowsPer) || rowsPer < 1) {
    throw new InvalidArgumentError(`invalid perturbation source: ${count} perturbations of ${rowsPer} rows`);
  }
  const inputShape = ctx.model.inputShape;
  const per = sizeOf(inputShape);
  const outPer = sizeOf(ctx.model.outputShape);
  const total = count * rowsPer;
  if (total === 0) return;
  const step = Math.min(total, rowsPerCall(batching, rowsPer));
  const buffer = new Float32Array(step * per);
  let p = 0;
  let r = 0;
  for (let start = 0; start < total; start += step) {
    const rows = Math.min(step, total - start);
    // Build rows [start, start + rows).
    let bp = p;
    let br = r;
    for (let k = 0; k < rows; k++) {
      source.fill(bp, br, buffer, k * per);
      if (++br === rowsPer) {
        br = 0;
        bp++;
      }
    }
    const data = rows === step ? buffer : buffer.subarray(0, rows * per);
    const out = await ctx.forward({ shape: [rows, ...inputShape], data });
    for (let k = 0; k < rows; k++) {
      consume(p, r, out.data, k * outPer);
      if (++r === rowsPer) {
        r = 0;
        p++;
      }
    }
  }
}
