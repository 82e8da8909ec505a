/**
 * Input × Gradient (Shrikumar et al. 2016): x ⊙ ∂f_target/∂x — Captum's `InputXGradient`.
 * The product is formed in float64 and rounded once to float32.
 *
 * Model calls: one forward pass if the target is the predicted class, then ⌈N / internalBatchSize⌉
 * gradient calls.
 */
import type { Model } from '../model.js';
import type { Tensor } from '../tensor.js';
import {
  attributeWith,
  checkBatchSize,
  chunkCount,
  type AttributionResult,
  type CommonOptions,
  type CoreResult,
  type GradientAttribution,
  type ModelCaller,
  type ResolvedTarget,
} from './common.js';
import { gradientTimes } from './saliency.js';

export type InputXGradientOptions = CommonOptions;

export class InputXGradient implements GradientAttribution<InputXGradientOptions> {
  readonly id = 'input-x-gradient';
  constructor(readonly model: Model) {}

  attribute(x: Tensor, options: InputXGradientOptions = {}): Promise<AttributionResult> {
    return attributeWith(this, x, options);
  }

  validateOptions(options: InputXGradientOptions): void {
    checkBatchSize(options.internalBatchSize);
  }

  plannedCalls(rows: number, resolveTarget: boolean, options: InputXGradientOptions): number {
    return (resolveTarget ? 1 : 0) + chunkCount(rows, checkBatchSize(options.internalBatchSize));
  }

  run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: InputXGradientOptions): Promise<CoreResult> {
    return gradientTimes(ctx, x, target, options.internalBatchSize, 'input');
  }
}
