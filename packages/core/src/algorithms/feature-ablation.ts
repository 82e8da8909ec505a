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
import type { Tensor } from '../tensor.js';
import {
  resolveBaselines,
  type CoreResult,
  type ModelCaller,
  type ResolvedTarget,
} from './common.js';
import {
  evaluateInputs,
  evaluatePerturbations,
  inputCalls,
  perturbationCalls,
  PerturbationMethod,
  resolveBatching,
  resolveFeatureMask,
  spreadGroups,
  type Batching,
  type FeatureMask,
  type FeatureMaskInput,
  type PerturbationOptions,
} from './perturbation/index.js';

export interface FeatureAblationOptions extends PerturbationOptions {
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
    const n = x.shape[0]!;
    resolveBatching(options, this.model.inputShape);
    resolveBaselines(options.baselines, n, this.model.inputShape);
    resolveFeatureMask(options.featureMask, n, this.model.inputShape);
  }

  plannedCalls(x: Tensor, options: FeatureAblationOptions): number {
    const n = x.shape[0]!;
    const b = resolveBatching(options, this.model.inputShape);
    const mask = resolveFeatureMask(options.featureMask, n, this.model.inputShape);
    return inputCalls(b, n) + perturbationCalls(b, mask.groups, n);
  }

  run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: FeatureAblationOptions): Promise<CoreResult> {
    const n = x.shape[0]!;
    const inputShape = this.model.inputShape;
    return featureAblation(
      ctx,
      x,
      resolveBaselines(options.baselines, n, inputShape),
      resolveFeatureMask(options.featureMask, n, inputShape),
      target,
      resolveBatching(options, inputShape),
    );
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
      fill(g, i, dst, off) {
        dst.set(x.data.subarray(i * per, (i + 1) * per), off);
        const els = mask.elements(i, g);
        for (let k = 0; k < els.length; k++) dst[off + els[k]!] = baselines.data[i * per + els[k]!]!;
      },
    },
    batching,
    (g, i, out, off) => {
      groupValue[i * F + g] = ev.fx[i]! - ev.reader.value(out, off, i);
    },
  );
  return {
    attributions: { shape: [...x.shape], data: spreadGroups(mask, n, groupValue) },
    outputs: ev.outputs,
    target: ev.target,
  };
}
