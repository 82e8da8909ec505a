/**
 * Forward-pass machinery the perturbation-based metrics share (faithfulness family): validation of
 * the input, maps, target, seed and batching; one evaluation of f(x) that resolves the target; and
 * a streaming evaluator of perturbed rows that returns the explained scalar of each row.
 *
 * Rows are built by the metric in a fixed order (perturbation p, example r), so every random draw
 * made while building them is the same whatever `perturbationsPerEval` or the adapter.
 */
import { pearsonOrNull } from './stats/pearson.js';
import type { Model } from '../../model.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import { ModelCaller, resolveBaselines, validateInput, validateTarget, type ResolvedTarget } from './common.js';
import { resolveBatching, evaluatePerturbations, perturbationCalls, type Batching } from './perturbation/batching.js';
import { evaluateInputs, inputCalls, type TargetReader } from './perturbation/target.js';
import { checkMaps } from './metric-maps.js';
import type { FeatureMask } from './perturbation/feature-mask.js';
import type { MetricInput, MetricOptions } from './metric-spec.js';

export interface MetricContext {
  readonly model: Model;
  readonly x: Tensor;
  readonly attributions: Tensor;
  /** Examples. */
  readonly n: number;
  /** Values per example. */
  readonly per: number;
  readonly seed: number;
  readonly batching: Batching;
  readonly ctx: ModelCaller;
  readonly target: ResolvedTarget | undefined;
  /** Read the explained scalar through a softmax of the output row. */
  readonly softmax: boolean;
}

/** Validates what every perturbation metric takes (typed errors) and makes its model caller. */
export function metricContext(input: MetricInput, options: MetricOptions & { readonly softmax?: unknown }): MetricContext {
  const { model, x, attributions } = input;
  const n = validateInput(model, x);
  checkMaps(model, x, attributions);
  const target = validateTarget(model, input.target, n);
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer, got ${String(seed)}`);
  const batching = resolveBatching({ perturbationsPerEval: options.perturbationsPerEval }, model.inputShape);
  const softmax = boolOption(options.softmax, 'softmax', false);
  return {
    model, x, attributions, n, per: sizeOf(model.inputShape), seed, batching, target, softmax,
    ctx: new ModelCaller(model, options.signal, options.onProgress),
  };
}

/** Model calls of `evaluateMetricRows` for `count` perturbations of every example (plus f(x)). */
export function metricCalls(m: MetricContext, count: number): number {
  return inputCalls(m.batching, m.n) + perturbationCalls(m.batching, count, m.n);
}

function scalarOf(reader: TargetReader, softmax: boolean, outPer: number, out: Float32Array, off: number, i: number, tmp: Float32Array): number {
  if (!softmax) return reader.value(out, off, i);
  let max = -Infinity;
  for (let j = 0; j < outPer; j++) max = Math.max(max, out[off + j]!);
  let s = 0;
  for (let j = 0; j < outPer; j++) s += Math.exp(out[off + j]! - max);
  for (let j = 0; j < outPer; j++) tmp[j] = Math.exp(out[off + j]! - max) / s;
  return reader.value(tmp, 0, i);
}

export interface MetricRows {
  /** The explained scalar of f(x) per example. */
  readonly fx: Float64Array;
  /** The explained scalar of perturbed row (p, r) at [p · n + r]. */
  readonly values: Float64Array;
  /** The resolved target (class index per example, or a seed). */
  readonly target: ResolvedTarget;
}

/**
 * Plans the calls (progress total), evaluates f(x) (resolving the target) and then `count`
 * perturbations of every example: `fill(p, r, dst, off)` writes perturbation p of example r.
 */
export async function evaluateMetricRows(
  m: MetricContext,
  count: number,
  fill: (p: number, r: number, dst: Float32Array, off: number) => void,
): Promise<MetricRows> {
  m.ctx.plan(metricCalls(m, count));
  const ev = await evaluateInputs(m.ctx, m.x, m.target, m.batching);
  const outPer = sizeOf(m.model.outputShape);
  const tmp = new Float32Array(outPer);
  const fx = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) fx[i] = scalarOf(ev.reader, m.softmax, outPer, ev.outputs.data, i * outPer, i, tmp);
  const values = new Float64Array(count * m.n);
  await evaluatePerturbations(m.ctx, { count, rowsPer: m.n, fill }, m.batching, (p, r, out, off) => {
    values[p * m.n + r] = scalarOf(ev.reader, m.softmax, outPer, out, off, r, tmp);
  });
  return { fx, values, target: ev.target };
}

/** Area under a curve by the trapezoid rule (x ascending). */
export function trapezoid(x: readonly number[], y: ArrayLike<number>): number {
  let s = 0;
  for (let k = 1; k < x.length; k++) s += ((y[k - 1]! + y[k]!) / 2) * (x[k]! - x[k - 1]!);
  return s;
}

/** Pearson correlation; 0 when either side is constant (no linear relation can be measured). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearsonOrNull(a, b) ?? 0;
}

/** Ranks 1…n with ties given their average rank (for Spearman's correlation). */
export function averageRanks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => v[i]! - v[j]! || i - j);
  const ranks = new Float64Array(n);
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && v[idx[e]!] === v[idx[s]!]) e++;
    const r = (s + e + 1) / 2;
    for (let k = s; k < e; k++) ranks[idx[k]!] = r;
    s = e;
  }
  return ranks;
}

/** Spearman's rank correlation (Pearson of average ranks); 0 when either side is constant. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(averageRanks(a), averageRanks(b));
}

/** A finite number option ≥ `min` (default `fallback`). */
export function numberOption(value: unknown, name: string, fallback: number, min = -Infinity): number {
  if (value === undefined) return fallback;
  const v = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new InvalidArgumentError(`${name} must be a finite number${min > -Infinity ? ` ≥ ${min}` : ''}, got ${String(value)}`);
  }
  return v;
}

/** An integer option ≥ `min` (default `fallback`); numeric strings accepted (CLI `k=v`). */
export function intOption(value: unknown, name: string, fallback: number, min = 1): number {
  const v = numberOption(value, name, fallback);
  if (!Number.isInteger(v) || v < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  return v;
}

/** A boolean option; 'true' / 'false' strings accepted (CLI `k=v`). */
export function boolOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'true' || value === true) return true;
  if (value === 'false' || value === false) return false;
  throw new InvalidArgumentError(`${name} must be true or false, got ${String(value)}`);
}

/**
 * Group ids of example i ordered by their summed attribution (|summed| where `absolute`):
 * descending (most relevant first, MoRF) or ascending (LeRF); ties keep the lower group id first.
 * Groups without elements are left out.
 */
export function groupOrder(row: ArrayLike<number>, mask: FeatureMask, i: number, absolute: boolean, descending: boolean): Int32Array {
  const F = mask.groups;
  const score = new Float64Array(F);
  const ids: number[] = [];
  for (let g = 0; g < F; g++) {
    const els = mask.elements(i, g);
    if (els.length === 0) continue;
    let s = 0;
    for (let k = 0; k < els.length; k++) s += row[els[k]!]!;
    score[g] = absolute ? Math.abs(s) : s;
    ids.push(g);
  }
  ids.sort((a, b) => (descending ? score[b]! - score[a]! : score[a]! - score[b]!) || a - b);
  return Int32Array.from(ids);
}

/** A metric's replacement value: a number, a tensor like x's rows, or Quantus' per-example 'black' (min x), 'white' (max x), 'mean'. */
export type MetricBaseline = number | Tensor | 'black' | 'white' | 'mean' | string;

/** Resolves a MetricBaseline (numeric strings accepted, CLI `k=v`) to [n, ...inputShape] values. */
export function resolveMetricBaseline(value: MetricBaseline | undefined, x: Tensor, inputShape: readonly number[]): Float32Array {
  const n = x.shape[0]!;
  if (value === 'black' || value === 'white' || value === 'mean') {
    const per = sizeOf(inputShape);
    const out = new Float32Array(n * per);
    for (let i = 0; i < n; i++) {
      const row = x.data.subarray(i * per, (i + 1) * per);
      let v = value === 'black' ? Infinity : value === 'white' ? -Infinity : 0;
      for (let j = 0; j < per; j++) v = value === 'black' ? Math.min(v, row[j]!) : value === 'white' ? Math.max(v, row[j]!) : v + row[j]! / per;
      out.fill(v, i * per, (i + 1) * per);
    }
    return out;
  }
  if (typeof value === 'string') {
    if (value.trim() === '' || !Number.isFinite(Number(value))) throw new InvalidArgumentError(`baseline must be a number, a tensor, 'black', 'white' or 'mean', got '${value}'`);
    return resolveBaselines(Number(value), n, inputShape).data;
  }
  return resolveBaselines(value, n, inputShape).data;
}
