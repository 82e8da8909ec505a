/**
 * Input × Gradient (Shrikumar et al. 2016): x ⊙ ∂f_target/∂x — Captum's `InputXGradient`.
 * The product is formed in float64 and rounded once to float32.
 *
 * Model calls: ⌈N / internalBatchSize⌉ forward calls if the target is the predicted class, then
 * ⌈N / internalBatchSize⌉ gradient calls.
 */
import { common, inputMethod } from '../_utils/method-entries.js';
import { checkBatchSize, type CommonOptions, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { GradientMethod, type CoreResult } from '../_utils/gradient-method.js';
import { gradientTimes, gradientTimesCalls } from './saliency.js';
import type { Tensor } from '../../tensor.js';

export type InputXGradientOptions = CommonOptions;

export class InputXGradient extends GradientMethod<InputXGradientOptions> {
  readonly id = 'input-x-gradient';

  validateOptions(options: InputXGradientOptions): void {
    checkBatchSize(options.internalBatchSize);
  }

  plannedCalls(rows: number, resolveTarget: boolean, options: InputXGradientOptions): number {
    return gradientTimesCalls(rows, resolveTarget, options.internalBatchSize);
  }

  run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: InputXGradientOptions): Promise<CoreResult> {
    return gradientTimes(ctx, x, target, options.internalBatchSize, 'input');
  }
}

/** METHODS entry `input-x-gradient`. */
export const inputXGradientMethod = inputMethod('input-x-gradient', 'Input × Gradient', ['target', 'internalBatchSize'], {}, (model, x, o) =>
  new InputXGradient(model).attribute(x, common(o)),
);
