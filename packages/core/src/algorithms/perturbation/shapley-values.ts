/**
 * Exact Shapley values by coalition enumeration — Captum's `ShapleyValues`. The players are the
 * F groups of the feature mask (default: one per element); coalition S takes the elements of its
 * groups from x and all others from the baseline; v(S) is the target output. Then
 *
 *   φ_g = Σ_{S ∌ g} |S|! (F − |S| − 1)! / F! · (v(S ∪ {g}) − v(S)),
 *
 * and every element of group g gets φ_g. Efficiency holds: Σ_g φ_g = v(all) − v(∅) =
 * f(x) − f(baseline).
 *
 * Each of the 2^F coalitions is evaluated once per example (coalition = bitmask, enumerated in
 * increasing order; one perturbation = one coalition for all N examples) and streamed into the
 * accumulators: v(S) adds w(|S| − 1)·v(S) to each g ∈ S and subtracts w(|S|)·v(S) from each
 * g ∉ S (float64). Memory: N·F accumulators plus one call's rows.
 *
 * Limit: F ≤ 20 (2^20 ≈ 10⁶ rows per example); more throws InvalidArgumentError — use
 * Shapley value sampling or KernelSHAP, or group features with a mask.
 */
import { groupMethod } from '../_utils/method-entries.js';
import type { Tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
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
import { groupedCalls, groupedResult, resolveGroupedInputs, type GroupedOptions } from '../_utils/perturbation/grouped.js';

/** Most players (features or groups) exact enumeration accepts. */
export const MAX_EXACT_SHAPLEY_FEATURES = 20;

export interface ShapleyValuesOptions extends GroupedOptions {
  /** Values of absent features: a number, or [N, ...], [1, ...] or [...inputShape] (default 0). */
  readonly baselines?: number | Tensor;
  /** Group id per element; default one player per element. */
  readonly featureMask?: FeatureMaskInput;
}

function checkPlayers(mask: FeatureMask): void {
  if (mask.groups > MAX_EXACT_SHAPLEY_FEATURES) {
    throw new InvalidArgumentError(
      `exact Shapley values enumerate 2^F coalitions; F = ${mask.groups} features/groups exceeds the limit of ${MAX_EXACT_SHAPLEY_FEATURES}. ` +
        'Group features with a featureMask, or use shapley-value-sampling or kernel-shap',
    );
  }
}

/** w(s) = s!(F − s − 1)!/F! for s = 0 … F − 1, in float64. */
export function shapleyWeights(F: number): Float64Array {
  const w = new Float64Array(F);
  // w(s) = 1 / (F · C(F − 1, s)).
  let binom = 1;
  for (let s = 0; s < F; s++) {
    w[s] = 1 / (F * binom);
    binom = (binom * (F - 1 - s)) / (s + 1);
  }
  return w;
}

function popcount(v: number): number {
  let c = 0;
  while (v) {
    v &= v - 1;
    c++;
  }
  return c;
}

export class ShapleyValues extends PerturbationMethod<ShapleyValuesOptions> {
  readonly id = 'shapley-values';

  validateOptions(x: Tensor, options: ShapleyValuesOptions): void {
    checkPlayers(resolveGroupedInputs(options, x.shape[0]!, this.model.inputShape).mask);
  }

  plannedCalls(x: Tensor, options: ShapleyValuesOptions): number {
    return groupedCalls(options, x.shape[0]!, this.model.inputShape, (F) => 2 ** F);
  }

  run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: ShapleyValuesOptions): Promise<CoreResult> {
    const { baselines, mask, batching } = resolveGroupedInputs(options, x.shape[0]!, this.model.inputShape);
    return shapleyValues(ctx, x, baselines, mask, target, batching);
  }
}

/** The enumeration on validated inputs (`baselines` [N, ...inputShape]). */
export async function shapleyValues(
  ctx: ModelCaller,
  x: Tensor,
  baselines: Tensor,
  mask: FeatureMask,
  target: ResolvedTarget | undefined,
  batching: Batching,
): Promise<CoreResult> {
  checkPlayers(mask);
  const n = x.shape[0]!;
  const per = mask.per;
  const F = mask.groups;
  const w = shapleyWeights(F);
  const ev = await evaluateInputs(ctx, x, target, batching);
  const phi = new Float64Array(n * F);
  await evaluatePerturbations(
    ctx,
    {
      count: 2 ** F,
      rowsPer: n,
      fill(S, i, dst, off) {
        dst.set(baselines.data.subarray(i * per, (i + 1) * per), off);
        for (let g = 0; g < F; g++) {
          if ((S >>> g) & 1) {
            const els = mask.elements(i, g);
            for (let k = 0; k < els.length; k++) dst[off + els[k]!] = x.data[i * per + els[k]!]!;
          }
        }
      },
    },
    batching,
    (S, i, out, off) => {
      const v = ev.reader.value(out, off, i);
      const s = popcount(S);
      const plus = s > 0 ? w[s - 1]! * v : 0;
      const minus = s < F ? w[s]! * v : 0;
      const base = i * F;
      for (let g = 0; g < F; g++) phi[base + g] += (S >>> g) & 1 ? plus : -minus;
    },
  );
  return groupedResult(x, mask, phi, ev);
}

/** METHODS entry `shapley-values`: forward-only, exact; baselines 0, featureMask one group per element (≤ 20 groups). */
export const shapleyValuesMethod = groupMethod('shapley-values', 'Shapley values (exact, ≤ 20 features/groups)', ShapleyValues);
