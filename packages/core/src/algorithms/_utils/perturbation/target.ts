/**
 * Target selection for forward-only methods: the explained scalar of an output row (the target
 * class's output, or the dot product with an explicit output seed), and the first forward pass
 * over the unperturbed inputs that resolves a predicted-class target.
 */
import { sizeOf, type Tensor } from '../../../tensor.js';
import { argmaxRows, type ModelCaller, type ResolvedTarget } from '../common.js';
import type { Batching } from './batching.js';
import { evaluatePerturbations, perturbationCalls } from './batching.js';

/** Reads the explained scalar of output rows for a resolved target. */
export class TargetReader {
  private readonly outPer: number;
  constructor(
    readonly target: ResolvedTarget,
    outputShape: readonly number[],
  ) {
    this.outPer = sizeOf(outputShape);
  }

  /** The target scalar of example i's target, read from the output row at out[off …]. */
  value(out: Float32Array, off: number, i: number): number {
    const t = this.target;
    if (t.kind === 'index') return out[off + t.indices[i]!]!;
    let s = 0;
    const seed = t.seed.data;
    const base = i * this.outPer;
    for (let j = 0; j < this.outPer; j++) s += seed[base + j]! * out[off + j]!;
    return s;
  }
}

export interface InputEvaluation {
  /** f(x), [N, ...outputShape]. */
  readonly outputs: Tensor;
  /** The target (resolved to each example's predicted class where none was given). */
  readonly target: ResolvedTarget;
  readonly reader: TargetReader;
  /** The target scalar of f(x) per example (float64 of float32 outputs). */
  readonly fx: Float64Array;
}

/** Model calls `evaluateInputs` makes for N examples. */
export function inputCalls(b: Batching, n: number): number {
  return perturbationCalls(b, 1, n);
}

/** One (chunked) forward pass over x; resolves the target and reads f(x) of the target. */
export async function evaluateInputs(
  ctx: ModelCaller,
  x: Tensor,
  target: ResolvedTarget | undefined,
  batching: Batching,
): Promise<InputEvaluation> {
  const n = x.shape[0]!;
  const per = x.data.length / n;
  const outShape = ctx.model.outputShape;
  const outPer = sizeOf(outShape);
  const data = new Float32Array(n * outPer);
  await evaluatePerturbations(
    ctx,
    { count: 1, rowsPer: n, fill: (_p, r, dst, off) => dst.set(x.data.subarray(r * per, (r + 1) * per), off) },
    batching,
    (_p, r, out, off) => data.set(out.subarray(off, off + outPer), r * outPer),
  );
  const outputs: Tensor = { shape: [n, ...outShape], data };
  const resolved = target ?? { kind: 'index' as const, indices: argmaxRows(outputs) };
  const reader = new TargetReader(resolved, outShape);
  const fx = new Float64Array(n);
  for (let i = 0; i < n; i++) fx[i] = reader.value(data, i * outPer, i);
  return { outputs, target: resolved, reader, fx };
}
