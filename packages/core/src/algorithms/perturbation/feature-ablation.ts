/**
 * Feature ablation — Captum's `FeatureAblation`: for each feature (group of the feature mask),
 *
 *   attr[i, j] = f(xᵢ) − f(xᵢ with every element of group g(j) set to its baseline)
 *
 * for the target output; every element of a group gets the group's full value (not divided by
 * the group size). Groups ids come from `featureMask` (default: one group per element); an id no
 * element of an example carries gives that example 0 there.
 *
 * Model calls: the inputs once (f(x), predicted-class target), then F ablated copies of the N
 * examples, F·N rows streamed in calls of at most `perturbationsPerEval` perturbations (each
 * perturbation = one group ablated in all N examples, as Captum) and `maxRowsPerCall` rows.
 * Differences are taken in float64 from the float32 outputs.
 */
import { groupMethod } from '../_utils/method-entries.js';
import type { Tensor } from '../../tensor.js';
import type { ModelCaller, ResolvedTarget } from '../_utils/common.js';
import type { CoreResult } from '../_utils/gradient-method.js';
import {
  evaluateInputs,
  evaluatePerturbations,
  PerturbationMethod,
  type Batching,
  type FeatureMask,
  type FeatureMaskInput,
} from '../_utils/perturbation/index.js';
import { fillReplaced, groupedCalls, groupedResult, resolveGroupedInputs, type GroupedOptions } from '../_utils/perturbation/grouped.js';

export interface FeatureAblationOptions extends GroupedOptions {
  /**
   * Replacement values: a number, or a tensor [N, ...inputShape] (per example),
   * [1, ...inputShape] or [...inputShape]. Default 0.
   */
  readonly baselines?: number | Tensor;
  /** Group id per element ([...inputShape], [1, ...] or [N, ...]); default one group per element. */
  readonly featureMask?: FeatureMaskInput;
}

export class FeatureAblation extends PerturbationMethod<FeatureAblationOptions> {
  readonly id = 'feature-ablation';

  validateOptions(x: Tensor, options: FeatureAblationOptions): void {
    resolveGroupedInputs(options, x.shape[0]!, this.model.inputShape);
  }

  plannedCalls(x: Tensor, options: FeatureAblationOptions): number {
    return groupedCalls(options, x.shape[0]!, this.model.inputShape, (F) => F);
  }

  run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: FeatureAblationOptions): Promise<CoreResult> {
    const { baselines, mask, batching } = resolveGroupedInputs(options, x.shape[0]!, this.model.inputShape);
    return featureAblation(ctx, x, baselines, mask, target, batching);
  }
}

/** The ablation computation on validated inputs (`baselines` [N, ...inputShape]). */
export async function featureAblation(
  ctx: ModelCaller,
  x: Tensor,
  baselines: Tensor,
  mask: FeatureMask,
  target: ResolvedTarget | undefined,
  batching: Batching,
): Promise<CoreResult> {
  const n = x.shape[0]!;
  const per = mask.per;
  const F = mask.groups;
  const ev = await evaluateInputs(ctx, x, target, batching);
  const groupValue = new Float64Array(n * F);
  await evaluatePerturbations(
    ctx,
    {
      count: F,
      rowsPer: n,
      fill: (g, i, dst, off) => fillReplaced(dst, off, x.data, baselines.data, i, per, mask.elements(i, g)),
    },
    batching,
    (g, i, out, off) => {
      groupValue[i * F + g] = ev.fx[i]! - ev.reader.value(out, off, i);
    },
  );
  return groupedResult(x, mask, groupValue, ev);
}

/** METHODS entry `feature-ablation`: forward-only; baselines 0, featureMask one group per element. */
export const featureAblationMethod = groupMethod('feature-ablation', 'Feature ablation', FeatureAblation);
