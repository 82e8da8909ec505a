/**
 * Occlusion (Zeiler & Fergus 2014) — Captum's `Occlusion`: a window of `slidingWindowShapes`
 * slides over the input (all per-example dimensions) with `strides`; per dimension there are
 * ⌈(size − window) / stride⌉ + 1 positions, starting at k·stride, the last windows clipped at the
 * border. Each element gets the mean, over the windows covering it, of
 *
 *   f(x) − f(x with the window set to the baseline)
 *
 * for the target output. Windows are enumerated row-major over the position grid; one
 * perturbation = one window occluded in all N examples.
 *
 * Model calls: the inputs once, then W·N rows (W windows) in calls of at most
 * `perturbationsPerEval` windows and `maxRowsPerCall` rows. Sums in float64.
 */
import { forwardMethod, perturbationCommon } from '../_utils/method-entries.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import { resolveBaselines, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { type CoreResult } from '../_utils/gradient-method.js';
import {
  evaluateInputs,
  evaluatePerturbations,
  inputCalls,
  perturbationCalls,
  PerturbationMethod,
  resolveBatching,
  type Batching,
  type PerturbationOptions,
} from '../_utils/perturbation/index.js';
import { fillReplaced } from '../_utils/perturbation/grouped.js';

export interface OcclusionOptions extends PerturbationOptions {
  /** Window extent per input dimension (length = rank of the per-example input). Required. */
  readonly slidingWindowShapes: readonly number[];
  /** Step per dimension, or one step for all (default 1). */
  readonly strides?: number | readonly number[];
  /** Occlusion values: a number, or [N, ...], [1, ...] or [...inputShape] (default 0). */
  readonly baselines?: number | Tensor;
}

/** The window grid: per dimension the window, stride and number of positions. */
export interface OcclusionGrid {
  readonly inputShape: readonly number[];
  readonly window: readonly number[];
  readonly strides: readonly number[];
  /** Positions per dimension: ⌈(size − window) / stride⌉ + 1. */
  readonly positions: readonly number[];
  /** Total windows (product of positions). */
  readonly count: number;
}

/** Validates window and strides against the per-example input shape. */
export function occlusionGrid(
  inputShape: readonly number[],
  window: readonly number[] | undefined,
  strides: number | readonly number[] | undefined,
): OcclusionGrid {
  const rank = inputShape.length;
  if (!Array.isArray(window)) {
    throw new InvalidArgumentError(`slidingWindowShapes is required: one window extent per input dimension (${rank})`);
  }
  if (window.length !== rank) {
    throw new InvalidArgumentError(
      `slidingWindowShapes has ${window.length} entries but the input has ${rank} dimensions [${inputShape.join(', ')}]`,
    );
  }
  const st = strides === undefined ? new Array<number>(rank).fill(1) : typeof strides === 'number' ? new Array<number>(rank).fill(strides) : [...strides];
  if (st.length !== rank) throw new InvalidArgumentError(`strides has ${st.length} entries but the input has ${rank} dimensions`);
  const positions = inputShape.map((size, d) => {
    const w = window[d]!;
    const s = st[d]!;
    if (!Number.isInteger(w) || w < 1) throw new InvalidArgumentError(`window extent ${String(w)} in dimension ${d} is not an integer ≥ 1`);
    if (w > size) throw new InvalidArgumentError(`window extent ${w} in dimension ${d} exceeds the input size ${size}`);
    if (!Number.isInteger(s) || s < 1) throw new InvalidArgumentError(`stride ${String(s)} in dimension ${d} is not an integer ≥ 1`);
    return Math.ceil((size - w) / s) + 1;
  });
  return { inputShape: [...inputShape], window: [...window], strides: st, positions, count: positions.reduce((a, b) => a * b, 1) };
}

/** Flat element indices (row-major within one example) of window w, ascending. */
export function windowElements(grid: OcclusionGrid, w: number): Int32Array {
  const rank = grid.inputShape.length;
  const lo: number[] = new Array<number>(rank);
  const hi: number[] = new Array<number>(rank);
  let rest = w;
  for (let d = rank - 1; d >= 0; d--) {
    const k = rest % grid.positions[d]!;
    rest = Math.floor(rest / grid.positions[d]!);
    lo[d] = k * grid.strides[d]!;
    hi[d] = Math.min(lo[d]! + grid.window[d]!, grid.inputShape[d]!);
  }
  let size = 1;
  for (let d = 0; d < rank; d++) size *= hi[d]! - lo[d]!;
  const out = new Int32Array(size);
  const idx = lo.slice();
  for (let k = 0; k < size; k++) {
    let flat = 0;
    for (let d = 0; d < rank; d++) flat = flat * grid.inputShape[d]! + idx[d]!;
    out[k] = flat;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < hi[d]!) break;
      idx[d] = lo[d]!;
    }
  }
  return out;
}

/** Caches the elements of the last window asked for (rows arrive window by window). */
function windowCache(grid: OcclusionGrid): (w: number) => Int32Array {
  let last = -1;
  let els: Int32Array = new Int32Array(0);
  return (w) => {
    if (w !== last) {
      els = windowElements(grid, w);
      last = w;
    }
    return els;
  };
}

export class Occlusion extends PerturbationMethod<OcclusionOptions> {
  readonly id = 'occlusion';

  validateOptions(x: Tensor, options: OcclusionOptions): void {
    resolveBatching(options, this.model.inputShape);
    occlusionGrid(this.model.inputShape, options?.slidingWindowShapes, options?.strides);
    resolveBaselines(options.baselines, x.shape[0]!, this.model.inputShape);
  }

  plannedCalls(x: Tensor, options: OcclusionOptions): number {
    const b = resolveBatching(options, this.model.inputShape);
    const grid = occlusionGrid(this.model.inputShape, options.slidingWindowShapes, options.strides);
    return inputCalls(b, x.shape[0]!) + perturbationCalls(b, grid.count, x.shape[0]!);
  }

  run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: OcclusionOptions): Promise<CoreResult> {
    const inputShape = this.model.inputShape;
    return occlusion(
      ctx,
      x,
      resolveBaselines(options.baselines, x.shape[0]!, inputShape),
      occlusionGrid(inputShape, options.slidingWindowShapes, options.strides),
      target,
      resolveBatching(options, inputShape),
    );
  }
}

/** The occlusion computation on validated inputs (`baselines` [N, ...inputShape]). */
export async function occlusion(
  ctx: ModelCaller,
  x: Tensor,
  baselines: Tensor,
  grid: OcclusionGrid,
  target: ResolvedTarget | undefined,
  batching: Batching,
): Promise<CoreResult> {
  const n = x.shape[0]!;
  const per = sizeOf(grid.inputShape);
  const ev = await evaluateInputs(ctx, x, target, batching);
  const sum = new Float64Array(n * per);
  const covered = new Float64Array(per);
  const fillEls = windowCache(grid);
  const takeEls = windowCache(grid);
  await evaluatePerturbations(
    ctx,
    {
      count: grid.count,
      rowsPer: n,
      fill: (w, i, dst, off) => fillReplaced(dst, off, x.data, baselines.data, i, per, fillEls(w)),
    },
    batching,
    (w, i, out, off) => {
      const diff = ev.fx[i]! - ev.reader.value(out, off, i);
      const els = takeEls(w);
      for (let k = 0; k < els.length; k++) sum[i * per + els[k]!] += diff;
      if (i === 0) for (let k = 0; k < els.length; k++) covered[els[k]!]++;
    },
  );
  const attr = new Float32Array(n * per);
  for (let i = 0; i < n; i++) for (let j = 0; j < per; j++) attr[i * per + j] = sum[i * per + j]! / covered[j]!;
  return { attributions: { shape: [...x.shape], data: attr }, outputs: ev.outputs, target: ev.target };
}

/** METHODS entry `occlusion`: forward-only; baselines 0, strides 1; `window` is required. */
export const occlusionMethod = forwardMethod(
  'occlusion',
  'Occlusion (sliding window)',
  ['target', 'baselines', 'window', 'strides', 'perturbationsPerEval', 'internalBatchSize'],
  { baselines: 0, strides: 1 },
  (model, x, o) =>
    new Occlusion(model).attribute(x, {
      ...perturbationCommon(o),
      baselines: o.baselines,
      slidingWindowShapes: o.window as readonly number[],
      strides: o.strides,
    }),
);
