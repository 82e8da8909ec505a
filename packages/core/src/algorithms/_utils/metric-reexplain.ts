/**
 * What the robustness metrics (sensitivity-max, avg-sensitivity, local-lipschitz) share: perturbing
 * every example `nSamples` times, re-explaining the perturbed inputs with `input.explain` in chunks
 * of `perturbationsPerEval` rows, and handing each (example, sample) pair to the metric.
 *
 * Rows are laid out example-major (row i·nSamples + s is sample s of example i, Captum's
 * `repeat_interleave` order) and drawn from one seeded generator in that order, so the perturbations
 * — and the scores — do not depend on `perturbationsPerEval`. The class explained on a perturbed
 * input is the one explained on the original (the given target, or each example's argmax found by
 * one forward pass), as Captum expands `target` with the inputs.
 */
import type { Tensor } from '../../tensor.js';
import { sizeOf } from '../../tensor.js';
import { InvalidArgumentError, NumericError, ShapeError, throwIfAborted } from '../../errors.js';
import { createRng, type Rng } from '../../random/prng.js';
import { ModelCaller, expandedSeeds } from './caller.js';
import { argmaxRows, validateInput, validateTarget } from './common.js';
import { checkMetricInt, checkSeed } from './metric-options.js';
import { checkMaps } from './metric-maps.js';
import type { MetricInput, MetricOptions } from './metric-spec.js';
import type { ResolvedTarget, Target } from './types.js';

/** Writes one perturbed copy of `x` (an example's flat input) into `out`, drawing from `rng`. */
export type Perturbation = (x: Float32Array, out: Float32Array, rng: Rng) => void;

/** Uniform noise in the L∞ ball of radius r: out = x + U(−r, r) per value (Captum `default_perturb_func`). */
export function uniformPerturbation(radius: number): Perturbation {
  return (x, out, rng) => {
    for (let j = 0; j < x.length; j++) out[j] = x[j]! + radius * (2 * rng.uniform() - 1);
  };
}

/** Gaussian noise: out = x + N(0, std²) per value (Quantus `gaussian_noise`). */
export function gaussianPerturbation(std: number): Perturbation {
  return (x, out, rng) => {
    for (let j = 0; j < x.length; j++) out[j] = x[j]! + std * rng.normal();
  };
}

/** A vector norm: 'fro' (= 2, what Captum's default `norm_ord` gives a flattened row), 'inf', or p ≥ 1. */
export type NormOrd = 'fro' | 'inf' | number;

export function checkNormOrd(value: unknown, metric: string): NormOrd {
  if (value === undefined) return 'fro';
  if (value === 'fro' || value === 'inf') return value;
  const p = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof p === 'number' && Number.isFinite(p) && p >= 1) return p;
  throw new InvalidArgumentError(`${metric}: norm must be 'fro', 'inf' or a number ≥ 1, got ${String(value)}`);
}

/** ‖v‖ for `ord` (float64 accumulation). */
export function vectorNorm(v: ArrayLike<number>, ord: NormOrd): number {
  let acc = 0;
  if (ord === 'inf') {
    for (let j = 0; j < v.length; j++) acc = Math.max(acc, Math.abs(v[j]!));
    return acc;
  }
  const p = ord === 'fro' ? 2 : ord;
  for (let j = 0; j < v.length; j++) acc += Math.abs(v[j]!) ** p;
  return acc ** (1 / p);
}

export interface ReexplainPlan {
  readonly metric: string;
  readonly nSamples: number;
  readonly perturb: Perturbation;
}

/** One perturbed sample of one example, handed to the metric. */
export interface ReexplainedSample {
  readonly example: number;
  readonly sample: number;
  /** The example's input, its perturbed copy, its explanation and the perturbed input's explanation (flat). */
  readonly x: Float32Array;
  readonly xPerturbed: Float32Array;
  readonly explanation: Float32Array;
  readonly explanationPerturbed: Float32Array;
}

/**
 * Checks the input (the explainer, x, the maps, the target, the options), then re-explains
 * N × nSamples perturbed inputs in chunks and calls `visit` for each row in order. Progress counts
 * the forward pass that finds argmax targets (if any) and one step per explainer call.
 */
export async function reexplainPerturbed(
  input: MetricInput,
  options: MetricOptions,
  plan: ReexplainPlan,
  visit: (s: ReexplainedSample) => void,
): Promise<{ explainerCalls: number; targets: readonly number[] }> {
  const { metric, nSamples, perturb } = plan;
  const explain = input.explain;
  if (typeof explain !== 'function') {
    throw new InvalidArgumentError(`${metric} needs the 'explain' input (the explainer that re-explains perturbed inputs)`);
  }
  const { model, x, attributions } = input;
  const n = validateInput(model, x);
  const { size } = checkMaps(model, x, attributions);
  const seed = checkSeed(options.seed, metric);
  const rowsTotal = n * nSamples;
  const perCall = checkMetricInt(options.perturbationsPerEval, 'perturbationsPerEval', metric, rowsTotal);
  const calls = Math.ceil(rowsTotal / perCall);
  const caller = new ModelCaller(model, options.signal, options.onProgress);

  let target: ResolvedTarget | undefined = validateTarget(model, input.target as Target | undefined, n);
  caller.plan(calls + (target ? 0 : 1));
  if (!target) target = { kind: 'index', indices: argmaxRows(await caller.forward(x)) };
  const seeds = expandedSeeds(target, (r) => Math.floor(r / nSamples));

  const rng = createRng(seed);
  let done = caller.modelCalls;
  const total = calls + done;
  for (let start = 0; start < rowsTotal; start += perCall) {
    const end = Math.min(rowsTotal, start + perCall);
    const rows = end - start;
    const xp = new Float32Array(rows * size);
    for (let r = start; r < end; r++) {
      const i = Math.floor(r / nSamples);
      perturb(x.data.subarray(i * size, (i + 1) * size), xp.subarray((r - start) * size, (r - start + 1) * size), rng);
    }
    throwIfAborted(options.signal);
    const rowSeed = seeds(start, end);
    const explainTarget: Target = rowSeed.kind === 'index' ? rowSeed.indices : rowSeed;
    const e: Tensor = await explain(model, { shape: [rows, ...model.inputShape], data: xp }, { target: explainTarget, signal: options.signal });
    throwIfAborted(options.signal);
    const want = [rows, ...model.inputShape];
    if (!e || !Array.isArray(e.shape) || e.shape.length !== want.length || e.shape.some((d, k) => d !== want[k]) || e.data.length !== sizeOf(want)) {
      throw new ShapeError(`${metric}: the explainer returned shape [${e?.shape?.join(', ') ?? ''}] for ${rows} perturbed inputs, expected [${want.join(', ')}]`);
    }
    for (let r = start; r < end; r++) {
      const i = Math.floor(r / nSamples);
      const row = e.data.subarray((r - start) * size, (r - start + 1) * size);
      const bad = row.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new NumericError(`${metric}: the explainer returned a non-finite value (${row[bad]}) for sample ${r % nSamples} of example ${i}`);
      visit({
        example: i,
        sample: r % nSamples,
        x: x.data.subarray(i * size, (i + 1) * size),
        xPerturbed: xp.subarray((r - start) * size, (r - start + 1) * size),
        explanation: attributions.data.subarray(i * size, (i + 1) * size),
        explanationPerturbed: row,
      });
    }
    done++;
    options.onProgress?.({ done, total });
  }
  return { explainerCalls: calls, targets: target.kind === 'index' ? target.indices : new Array<number>(n).fill(-1) };
}

/**
 * ‖e(x) − e(x + δ)‖ / ‖e(x)‖ of a re-explained sample (the sensitivity metrics), in `norm`; the
 * denominator is 1 without `normalise` or when ‖e(x)‖ = 0 (Captum's `safe_div`). Keeps ‖e(x)‖ per example.
 */
export function explanationChange(norm: NormOrd, normalise: boolean): (s: ReexplainedSample) => number {
  const denominators: number[] = [];
  return (s) => {
    if (denominators[s.example] === undefined) {
      const d = normalise ? vectorNorm(s.explanation, norm) : 1;
      denominators[s.example] = d === 0 ? 1 : d;
    }
    const diff = new Float64Array(s.explanation.length);
    for (let j = 0; j < diff.length; j++) diff[j] = s.explanation[j]! - s.explanationPerturbed[j]!;
    return vectorNorm(diff, norm) / denominators[s.example]!;
  };
}
