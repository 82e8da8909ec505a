/**
 * Shapley value sampling (Castro et al. 2009) — Captum's `ShapleyValueSampling`: for each
 * sampled permutation π of the F groups, start from the baseline and add the groups' x values
 * one by one in π's order; each group is credited the change of the target output when it is
 * added. The attribution is the mean over the permutations; every element of a group gets the
 * group's value. Each permutation's contributions telescope to f(x) − f(baseline), so the result
 * is exactly efficient (Σ_g φ_g = f(x) − f(baseline) up to float64 rounding) for any sample.
 *
 * Sampling: `nSamples` permutations in total (default 25, Captum's). With `antithetic` (default
 * true) they come in pairs π, reverse(π) — permutation 2k is drawn by a Fisher–Yates shuffle
 * from createRng(seed).derive(k) and permutation 2k + 1 is its reverse (an odd nSamples leaves
 * the last one unpaired); without it permutation k is drawn from derive(k). The permutations
 * depend only on the seed and F (never on the model, the batch size or the chunking), and are
 * shared by all examples of the batch (as Captum). Same seed ⇒ bit-identical result.
 *
 * Model calls: the inputs, then 1 + nSamples·F perturbations (the baseline, then F steps per
 * permutation) of N rows each, in calls of at most `perturbationsPerEval` perturbations /
 * `maxRowsPerCall` rows. Memory: N·F accumulators plus one call's rows.
 */
import { sampledGroupMethod } from '../_utils/method-entries.js';
import type { Tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import { createRng, type Rng } from '../../random/prng.js';
import { shuffledRange } from '../../random/shuffle.js';
import { checkPositiveInt, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { type CoreResult } from '../_utils/gradient-method.js';
import {
  evaluateInputs,
  evaluatePerturbations,
  PerturbationMethod,
  type Batching,
  type FeatureMask,
  type FeatureMaskInput,
} from '../_utils/perturbation/index.js';
import { checkSeed, groupedCalls, groupedResult, resolveGroupedInputs, type GroupedOptions } from '../_utils/perturbation/grouped.js';

export const SHAPLEY_SAMPLING_DEFAULTS = Object.freeze({ nSamples: 25, seed: 0, antithetic: true });

export interface ShapleyValueSamplingOptions extends GroupedOptions {
  readonly baselines?: number | Tensor;
  readonly featureMask?: FeatureMaskInput;
  /** Permutations in total (default 25). */
  readonly nSamples?: number;
  /** Default 0. */
  readonly seed?: number;
  /** Pair each permutation with its reverse (default true). */
  readonly antithetic?: boolean;
}

/** Permutation k of F players for a sampling run (see the module comment). */
export function samplingPermutation(root: Rng, k: number, F: number, antithetic: boolean): Int32Array {
  const draw = antithetic ? k >> 1 : k;
  const perm = shuffledRange(root.derive(draw), F);
  if (antithetic && k % 2 === 1) perm.reverse();
  return perm;
}

function checkOptions(o: ShapleyValueSamplingOptions): { nSamples: number; seed: number; antithetic: boolean } {
  const nSamples = checkPositiveInt(o.nSamples, 'nSamples', SHAPLEY_SAMPLING_DEFAULTS.nSamples);
  const seed = checkSeed(o.seed);
  const antithetic = o.antithetic ?? SHAPLEY_SAMPLING_DEFAULTS.antithetic;
  if (typeof antithetic !== 'boolean') throw new InvalidArgumentError(`antithetic must be a boolean, got ${String(antithetic)}`);
  return { nSamples, seed, antithetic };
}

export class ShapleyValueSampling extends PerturbationMethod<ShapleyValueSamplingOptions> {
  readonly id = 'shapley-value-sampling';

  validateOptions(x: Tensor, options: ShapleyValueSamplingOptions): void {
    checkOptions(options);
    resolveGroupedInputs(options, x.shape[0]!, this.model.inputShape);
  }

  plannedCalls(x: Tensor, options: ShapleyValueSamplingOptions): number {
    return groupedCalls(options, x.shape[0]!, this.model.inputShape, (F) => 1 + checkOptions(options).nSamples * F);
  }

  run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: ShapleyValueSamplingOptions): Promise<CoreResult> {
    const { baselines, mask, batching } = resolveGroupedInputs(options, x.shape[0]!, this.model.inputShape);
    return shapleyValueSampling(ctx, x, baselines, mask, target, batching, checkOptions(options));
  }
}

/** The sampling computation on validated inputs (`baselines` [N, ...inputShape]). */
export async function shapleyValueSampling(
  ctx: ModelCaller,
  x: Tensor,
  baselines: Tensor,
  mask: FeatureMask,
  target: ResolvedTarget | undefined,
  batching: Batching,
  sampling: { nSamples: number; seed: number; antithetic: boolean },
): Promise<CoreResult> {
  const n = x.shape[0]!;
  const per = mask.per;
  const F = mask.groups;
  const root = createRng(sampling.seed);
  const ev = await evaluateInputs(ctx, x, target, batching);
  // Perturbation 0: the baseline; 1 + k·F + t: permutation k with its first t + 1 groups present.
  const permCache = () => {
    let last = -1;
    let perm: Int32Array = new Int32Array(0);
    return (k: number) => {
      if (k !== last) {
        perm = samplingPermutation(root, k, F, sampling.antithetic);
        last = k;
      }
      return perm;
    };
  };
  const fillPerm = permCache();
  const takePerm = permCache();
  const vEmpty = new Float64Array(n);
  const prev = new Float64Array(n);
  const phi = new Float64Array(n * F);
  await evaluatePerturbations(
    ctx,
    {
      count: 1 + sampling.nSamples * F,
      rowsPer: n,
      fill(p, i, dst, off) {
        dst.set(baselines.data.subarray(i * per, (i + 1) * per), off);
        if (p === 0) return;
        const k = Math.floor((p - 1) / F);
        const t = (p - 1) % F;
        const perm = fillPerm(k);
        for (let q = 0; q <= t; q++) {
          const els = mask.elements(i, perm[q]!);
          for (let e = 0; e < els.length; e++) dst[off + els[e]!] = x.data[i * per + els[e]!]!;
        }
      },
    },
    batching,
    (p, i, out, off) => {
      const v = ev.reader.value(out, off, i);
      if (p === 0) {
        vEmpty[i] = v;
        return;
      }
      const k = Math.floor((p - 1) / F);
      const t = (p - 1) % F;
      const before = t === 0 ? vEmpty[i]! : prev[i]!;
      phi[i * F + takePerm(k)[t]!] += v - before;
      prev[i] = v;
    },
  );
  for (let q = 0; q < phi.length; q++) phi[q] = phi[q]! / sampling.nSamples;
  return groupedResult(x, mask, phi, ev);
}

/** METHODS entry `shapley-value-sampling`: forward-only; baselines 0, 25 antithetic permutations, seed 0. */
export const shapleyValueSamplingMethod = sampledGroupMethod(
  'shapley-value-sampling',
  'Shapley value sampling (antithetic permutations)',
  { baselines: 0, samples: SHAPLEY_SAMPLING_DEFAULTS.nSamples, seed: SHAPLEY_SAMPLING_DEFAULTS.seed },
  ShapleyValueSampling,
);
