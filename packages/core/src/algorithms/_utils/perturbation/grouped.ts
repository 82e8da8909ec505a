/**
 * Shared option handling and result formatting of the feature-group perturbation methods
 * (feature ablation, feature permutation, Shapley values, Shapley value sampling).
 */
import type { Tensor } from '../../../tensor.js';
import { InvalidArgumentError } from '../../../errors.js';
import { resolveBaselines } from '../common.js';
import type { CoreResult } from '../gradient-method.js';
import { perturbationCalls, resolveBatching, type Batching, type PerturbationOptions } from './batching.js';
import { resolveFeatureMask, spreadGroups, type FeatureMask, type FeatureMaskInput } from './feature-mask.js';
import { inputCalls, type InputEvaluation } from './target.js';

/** Options of a method over feature groups with replacement values. */
export interface GroupedOptions extends PerturbationOptions {
  readonly baselines?: number | Tensor;
  readonly featureMask?: FeatureMaskInput;
}

export interface GroupedInputs {
  readonly batching: Batching;
  /** [N, ...inputShape]. */
  readonly baselines: Tensor;
  readonly mask: FeatureMask;
}

/** Resolves (so validates, in this order) batching, baselines and the feature mask. */
export function resolveGroupedInputs(options: GroupedOptions, n: number, inputShape: readonly number[]): GroupedInputs {
  const batching = resolveBatching(options, inputShape);
  const baselines = resolveBaselines(options.baselines, n, inputShape);
  return { batching, baselines, mask: resolveFeatureMask(options.featureMask, n, inputShape) };
}

/**
 * Model calls of a grouped method: the inputs, then `perturbations(F)` perturbations of N rows
 * (F = groups of the feature mask). Resolves batching, then the mask.
 */
export function groupedCalls(
  options: PerturbationOptions & { readonly featureMask?: FeatureMaskInput },
  n: number,
  inputShape: readonly number[],
  perturbations: (groups: number) => number,
): number {
  const b = resolveBatching(options, inputShape);
  const F = resolveFeatureMask(options.featureMask, n, inputShape).groups;
  return inputCalls(b, n) + perturbationCalls(b, perturbations(F), n);
}

/** The result of a grouped method: every element gets its group's value (`values` [N, F]). */
export function groupedResult(x: Tensor, mask: FeatureMask, values: Float64Array, ev: InputEvaluation): CoreResult {
  return {
    attributions: { shape: [...x.shape], data: spreadGroups(mask, x.shape[0]!, values) },
    outputs: ev.outputs,
    target: ev.target,
  };
}

/** An integer seed (default 0); InvalidArgumentError otherwise. */
export function checkSeed(seed: number | undefined): number {
  const s = seed ?? 0;
  if (!Number.isInteger(s)) throw new InvalidArgumentError(`seed must be an integer, got ${String(seed)}`);
  return s;
}

/**
 * Writes example i of `base` (`per` values) at dst[off …], then replaces the elements `els` with
 * example i of `replace`.
 */
export function fillReplaced(
  dst: Float32Array,
  off: number,
  base: Float32Array,
  replace: Float32Array,
  i: number,
  per: number,
  els: Int32Array,
): void {
  dst.set(base.subarray(i * per, (i + 1) * per), off);
  for (let k = 0; k < els.length; k++) dst[off + els[k]!] = replace[i * per + els[k]!]!;
}
