/**
 * Row-batch helpers shared by the algorithms: building the row chunks sent to the model and
 * taking rows of what comes back. A "row" is one example (or one expanded copy of it).
 */
import type { Tensor } from '../../tensor.js';
import { argmaxRows, type ResolvedTarget } from './common.js';
import { chunkCount, type ModelCaller } from './caller.js';

/** Rows [start, end) of x, as a view (no copy). */
export function sliceRows(x: Tensor, start: number, end: number): Tensor {
  const per = x.data.length / x.shape[0]!;
  return { shape: [end - start, ...x.shape.slice(1)], data: x.data.subarray(start * per, end * per) };
}

/** The first n rows of t, copied. */
export function firstRows(t: Tensor, n: number): Tensor {
  const per = t.data.length / t.shape[0]!;
  return { shape: [n, ...t.shape.slice(1)], data: t.data.slice(0, n * per) };
}

/**
 * A row builder over the row-wise concatenation of `parts` (each a whole number of rows of `per`
 * values): rows [start, end) of [parts[0]; parts[1]; …] as a tensor [end − start, ...rowShape].
 */
export function stackedRows(
  parts: readonly Float32Array[],
  per: number,
  rowShape: readonly number[],
): (start: number, end: number) => Tensor {
  return (start, end) => {
    const data = new Float32Array((end - start) * per);
    let first = 0; // first row of the current part
    for (const part of parts) {
      const last = first + part.length / per;
      const a = Math.max(start, first);
      const b = Math.min(end, last);
      if (a < b) data.set(part.subarray((a - first) * per, (b - first) * per), (a - start) * per);
      first = last;
    }
    return { shape: [end - start, ...rowShape], data };
  };
}

/** The given target, or (undefined) each row's predicted class from `outputs`. */
export function targetOrPredicted(target: ResolvedTarget | undefined, outputs: Tensor): ResolvedTarget {
  return target ?? { kind: 'index', indices: argmaxRows(outputs) };
}

/**
 * The target, or (undefined) each example's predicted class from one forward pass over x, sent in
 * chunks of at most `maxRows` rows. Plan its calls with `targetCalls`.
 */
export async function resolveTargetRows(
  ctx: ModelCaller,
  x: Tensor,
  target: ResolvedTarget | undefined,
  maxRows: number,
): Promise<ResolvedTarget> {
  if (target) return target;
  const out = await ctx.forwardRows(x.shape[0]!, maxRows, (s, e) => sliceRows(x, s, e));
  return { kind: 'index', indices: argmaxRows(out) };
}

/**
 * Model calls `resolveTargetRows` makes for `rows` examples: one per chunk of the forward pass
 * (⌈rows / maxRows⌉) when the target must be resolved, none when it is given. Every method that
 * resolves a predicted-class target by a separate forward pass plans it with this.
 */
export function targetCalls(rows: number, resolveTarget: boolean, maxRows: number): number {
  return resolveTarget ? chunkCount(rows, maxRows) : 0;
}
