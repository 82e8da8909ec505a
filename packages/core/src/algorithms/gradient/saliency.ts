/**
 * Saliency (Simonyan et al. 2014): the gradient of the target output with respect to the input,
 * by default its absolute value — Captum's `Saliency` (abs defaults to true).
 *
 * Model calls: ⌈N / internalBatchSize⌉ forward calls if the target is the predicted class, then
 * ⌈N / internalBatchSize⌉ gradient calls.
 */
import { common, inputMethod } from '../_utils/method-entries.js';
import type { Tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkBatchSize, chunkCount, type CommonOptions, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { GradientMethod, type CoreResult } from '../_utils/gradient-method.js';
import { resolveTargetRows, sliceRows, targetCalls } from '../_utils/rows.js';

export interface SaliencyOptions extends CommonOptions {
  /** Return |gradient| (Captum default: true). */
  readonly abs?: boolean;
}

export class Saliency extends GradientMethod<SaliencyOptions> {
  readonly id = 'saliency';

  validateOptions(options: SaliencyOptions): void {
    if (options.abs !== undefined && typeof options.abs !== 'boolean') {
      throw new InvalidArgumentError(`abs must be a boolean, got ${String(options.abs)}`);
    }
    checkBatchSize(options.internalBatchSize);
  }

  plannedCalls(rows: number, resolveTarget: boolean, options: SaliencyOptions): number {
    return gradientTimesCalls(rows, resolveTarget, options.internalBatchSize);
  }

  run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: SaliencyOptions): Promise<CoreResult> {
    return gradientTimes(ctx, x, target, options.internalBatchSize, (options.abs ?? true) ? 'abs' : 'none');
  }
}

/**
 * Input gradients of the target, post-processed element-wise: 'none' → g, 'abs' → |g|,
 * 'input' → x·g. Shared by Saliency and InputXGradient.
 */
export async function gradientTimes(
  ctx: ModelCaller,
  x: Tensor,
  target: ResolvedTarget | undefined,
  internalBatchSize: number | undefined,
  mode: 'none' | 'abs' | 'input',
): Promise<CoreResult> {
  const n = x.shape[0]!;
  const max = checkBatchSize(internalBatchSize);
  const per = x.data.length / n;
  const resolved = await resolveTargetRows(ctx, x, target, max);
  const attr = new Float32Array(x.data.length);
  const outSize = ctx.model.outputShape.reduce((a, b) => a * b, 1);
  const outputs = new Float32Array(n * outSize);
  await ctx.gradientRows(n, max, (s, e) => sliceRows(x, s, e), resolved, (s, _e, res) => {
    const g = res.inputGradient.data;
    const off = s * per;
    for (let k = 0; k < g.length; k++) {
      const v = g[k]!;
      attr[off + k] = mode === 'abs' ? Math.abs(v) : mode === 'input' ? x.data[off + k]! * v : v;
    }
    outputs.set(res.outputs.data, s * outSize);
  });
  return {
    attributions: { shape: [...x.shape], data: attr },
    outputs: { shape: [n, ...ctx.model.outputShape], data: outputs },
    target: resolved,
  };
}

/** Model calls `gradientTimes` makes: the forward chunks that resolve the target (if needed), then the gradient chunks. */
export function gradientTimesCalls(rows: number, resolveTarget: boolean, internalBatchSize: number | undefined): number {
  const max = checkBatchSize(internalBatchSize);
  return targetCalls(rows, resolveTarget, max) + chunkCount(rows, max);
}

/** METHODS entry `saliency`: abs true (Captum's default). */
export const saliencyMethod = inputMethod('saliency', 'Saliency (|gradient|)', ['target', 'abs', 'internalBatchSize'], { abs: true }, (model, x, o) =>
  new Saliency(model).attribute(x, { ...common(o), abs: o.abs }),
);
