/**
 * Feature permutation (in-batch) — Captum's `FeaturePermutation`: for each feature (group of the
 * feature mask, default one per element), the group's values are shuffled across the N examples
 * of the batch, and
 *
 *   attr[i, j] = f(xᵢ) − f(xᵢ with group g(j) taken from x_{σ_g(i)})
 *
 * for the target output; every element of a group gets the group's value. Needs N ≥ 2.
 *
 * σ_g is a uniformly random permutation of the N examples (Fisher–Yates from
 * createRng(seed).derive(g)): it depends only on the seed, g and N, so the same seed gives a
 * bit-identical result on every adapter. As in Captum, σ_g may leave some examples in place
 * (their attribution for g is then 0).
 *
 * Model calls: the inputs, then F perturbations of N rows (one per group), in calls of at most
 * `perturbationsPerEval` perturbations / `maxRowsPerCall` rows.
 */
import { forwardMethod, perturbationCommon } from '../_utils/method-entries.js';
import type { Tensor } from '../../tensor.js';
import { ShapeError } from '../../errors.js';
import { createRng } from '../../random/prng.js';
import { shuffledRange } from '../../random/shuffle.js';
import type { ModelCaller, ResolvedTarget } from '../_utils/common.js';
import type { CoreResult } from '../_utils/gradient-method.js';
import {
  evaluateInputs,
  evaluatePerturbations,
  PerturbationMethod,
  resolveBatching,
  resolveFeatureMask,
  type Batching,
  type FeatureMask,
  type FeatureMaskInput,
  type PerturbationOptions,
} from '../_utils/perturbation/index.js';
import { checkSeed, groupedCalls, groupedResult } from '../_utils/perturbation/grouped.js';

export interface FeaturePermutationOptions extends PerturbationOptions {
  readonly featureMask?: FeatureMaskInput;
  /** Default 0. */
  readonly seed?: number;
}

/** A uniformly random permutation of 0 … n − 1 (Fisher–Yates) from createRng(seed).derive(key). */
export function seededPermutation(seed: number, key: number, n: number): Int32Array {
  return shuffledRange(createRng(seed).derive(key), n);
}

export class FeaturePermutation extends PerturbationMethod<FeaturePermutationOptions> {
  readonly id = 'feature-permutation';

  validateOptions(x: Tensor, options: FeaturePermutationOptions): void {
    if (x.shape[0]! < 2) {
      throw new ShapeError(`feature permutation shuffles features across the batch and needs at least 2 examples, got ${x.shape[0]}`);
    }
    checkSeed(options.seed);
    resolveBatching(options, this.model.inputShape);
    resolveFeatureMask(options.featureMask, x.shape[0]!, this.model.inputShape);
  }

  plannedCalls(x: Tensor, options: FeaturePermutationOptions): number {
    return groupedCalls(options, x.shape[0]!, this.model.inputShape, (F) => F);
  }

  run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: FeaturePermutationOptions): Promise<CoreResult> {
    const inputShape = this.model.inputShape;
    return featurePermutation(
      ctx,
      x,
      resolveFeatureMask(options.featureMask, x.shape[0]!, inputShape),
      target,
      resolveBatching(options, inputShape),
      checkSeed(options.seed),
    );
  }
}

export async function featurePermutation(
  ctx: ModelCaller,
  x: Tensor,
  mask: FeatureMask,
  target: ResolvedTarget | undefined,
  batching: Batching,
  seed: number,
): Promise<CoreResult> {
  const n = x.shape[0]!;
  const per = mask.per;
  const F = mask.groups;
  const ev = await evaluateInputs(ctx, x, target, batching);
  let lastG = -1;
  let perm: Int32Array = new Int32Array(0);
  const value = new Float64Array(n * F);
  await evaluatePerturbations(
    ctx,
    {
      count: F,
      rowsPer: n,
      fill(g, i, dst, off) {
        if (g !== lastG) {
          perm = seededPermutation(seed, g, n);
          lastG = g;
        }
        dst.set(x.data.subarray(i * per, (i + 1) * per), off);
        const src = perm[i]! * per;
        const els = mask.elements(i, g);
        for (let k = 0; k < els.length; k++) dst[off + els[k]!] = x.data[src + els[k]!]!;
      },
    },
    batching,
    (g, i, out, off) => {
      value[i * F + g] = ev.fx[i]! - ev.reader.value(out, off, i);
    },
  );
  return groupedResult(x, mask, value, ev);
}

/** METHODS entry `feature-permutation`: forward-only; featureMask one group per element, seed 0. */
export const featurePermutationMethod = forwardMethod(
  'feature-permutation',
  'Feature permutation (in-batch)',
  ['target', 'featureMask', 'seed', 'perturbationsPerEval', 'internalBatchSize'],
  { seed: 0 },
  (model, x, o) => new FeaturePermutation(model).attribute(x, { ...perturbationCommon(o), featureMask: o.featureMask, seed: o.seed }),
);
