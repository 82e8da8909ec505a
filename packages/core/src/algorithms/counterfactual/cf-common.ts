/**
 * What the counterfactual searches share: the problem (the example, the desired outcome, the
 * per-feature scale, ranges, immutable / integer / one-hot categorical features), the validity
 * score, the distances, the projection onto the feasible set, the greedy sparsification and the
 * result rows (changed features with before / after values).
 *
 * Desired outcome, as a signed score s(x') whose sign decides validity (valid ⇔ s(x') > 0):
 * - a model with K ≥ 2 outputs: `desired` = class k (default: for K = 2 the class not predicted);
 *   s = f_k(x') − max_{j≠k} f_j(x') (valid ⇔ argmax is k, strictly);
 * - a model with one output: `threshold` t (default 0.5); the counterfactual crosses t to the side
 *   the example is not on (or the side `desired` names: 1 = above, 0 = below);
 *   s = f(x') − t (above) or t − f(x') (below).
 *
 * Feature constraints (one "feature" is one element of the flattened input):
 * - `ranges[j] = [lo, hi]`: x'_j ∈ [lo, hi] (box), checked to contain x_j;
 * - `immutable`: x'_j = x_j always;
 * - `integer`: x'_j is rounded to the nearest integer (inside its range);
 * - `categorical`: one-hot groups of feature indices; x' keeps exactly one 1 and 0 elsewhere in
 *   each group (relaxed to [0, 1] during gradient search, projected to the vertex of the largest
 *   value: "relax and round"). A group is changed or reverted as a whole.
 *
 * Distances: `l1-mad` = Σ |x'_j − x_j| / MAD_j (Wachter et al. 2017), MAD_j the median absolute
 * deviation from the median of feature j over `data` (a feature with MAD 0 gets scale 1, as DiCE
 * does), or `scale` given; `l2` = ‖x' − x‖₂ (raw units; `scale` divides each feature if given).
 */
import type { Model } from '../../model.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { InvalidArgumentError, ShapeError, TargetError } from '../../errors.js';
import { validateInput, type ModelCaller, type Progress } from '../_utils/common.js';

export type CounterfactualDistance = 'l1-mad' | 'l2';

export interface CounterfactualOptions {
  /** Desired class (K ≥ 2 outputs), or 0 / 1 = below / above `threshold` (one output). */
  readonly desired?: number;
  /** One-output models: the decision threshold (default 0.5). */
  readonly threshold?: number;
  /** Reference rows [M, ...inputShape]: MAD scale and (for the sampling methods) default ranges. */
  readonly data?: Tensor;
  /** Default 'l1-mad' (needs `data` or `scale`). */
  readonly distance?: CounterfactualDistance;
  /** Per-feature scale (overrides the MAD from `data`). */
  readonly scale?: ArrayLike<number>;
  /** Per feature [lo, hi] or null (unbounded; the sampling methods then use the data's min / max). */
  readonly ranges?: ReadonlyArray<readonly [number, number] | null | undefined>;
  readonly immutable?: readonly number[];
  readonly integer?: readonly number[];
  /** One-hot groups (feature indices). */
  readonly categorical?: readonly (readonly number[])[];
  /** Names in the result rows (default f0, f1, …). */
  readonly featureNames?: readonly string[];
  /** Default 0. */
  readonly seed?: number;
  readonly signal?: AbortSignal;
  /** Called after every model call. */
  readonly onProgress?: (p: Progress) => void;
}

export interface FeatureChange {
  readonly feature: number;
  readonly name: string;
  readonly before: number;
  readonly after: number;
}

export interface Counterfactual {
  /** x', flattened. */
  readonly values: Float32Array;
  readonly changes: readonly FeatureChange[];
  /** Model outputs at x'. */
  readonly outputs: Float32Array;
  /** argmax of the outputs (one output: 1 when ≥ threshold, else 0). */
  readonly predicted: number;
  /** The validity score s(x') (> 0: valid). */
  readonly score: number;
  readonly valid: boolean;
  readonly distances: { readonly l1Mad: number; readonly l2: number; readonly l0: number };
}

export interface CounterfactualResult {
  readonly method: 'wachter' | 'growing-spheres' | 'dice';
  /** 'found': at least one valid counterfactual; 'not-found': none within the budget. */
  readonly status: 'found' | 'not-found';
  readonly message: string;
  readonly original: { readonly values: Float32Array; readonly outputs: Float32Array; readonly predicted: number; readonly score: number };
  readonly desired: { readonly class?: number; readonly threshold?: number; readonly side?: 'above' | 'below' };
  readonly distance: CounterfactualDistance;
  /** Feature names (`featureNames`, default f0, f1, …). */
  readonly features: readonly string[];
  /** The per-feature scale the distances use. */
  readonly scale: Float64Array;
  readonly counterfactuals: readonly Counterfactual[];
  readonly modelCalls: number;
}

/** The resolved problem. */
export interface Problem {
  readonly model: Model;
  readonly d: number;
  readonly x: Float32Array;
  readonly k: number;
  readonly cls?: number;
  readonly threshold?: number;
  readonly side?: 'above' | 'below';
  readonly distance: CounterfactualDistance;
  readonly scale: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly mutable: Uint8Array;
  readonly isInt: Uint8Array;
  /** Feature → its one-hot group index, or −1. */
  readonly groupOf: Int32Array;
  readonly groups: readonly (readonly number[])[];
  /** Units changed / reverted as a whole: a mutable non-categorical feature or a group. */
  readonly units: readonly (readonly number[])[];
  readonly names: readonly string[];
  readonly data?: Tensor;
}

function idxList(v: readonly number[] | undefined, d: number, name: string): number[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new InvalidArgumentError(`${name} must be an array of feature indices`);
  for (const j of v) if (!Number.isInteger(j) || j < 0 || j >= d) throw new InvalidArgumentError(`${name}: ${String(j)} is not a feature index in [0, ${d})`);
  return [...v];
}

function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** Median absolute deviation from the median, per column of rows [M × d]; 0 → 1 (DiCE). */
export function madScale(data: Float32Array, m: number, d: number): Float64Array {
  const out = new Float64Array(d);
  const col = new Float64Array(m);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < m; i++) col[i] = data[i * d + j]!;
    const med = median(col);
    for (let i = 0; i < m; i++) col[i] = Math.abs(col[i]! - med);
    const mad = median(col);
    out[j] = mad > 0 ? mad : 1;
  }
  return out;
}

/** Validates the options against the model and the example; the original outputs come later. */
export function resolveProblem(model: Model, x: Tensor, o: CounterfactualOptions, method: string): Problem {
  if (!o || typeof o !== 'object') throw new InvalidArgumentError(`${method} needs options`);
  const n = validateInput(model, x, 'x');
  if (n !== 1) throw new ShapeError(`${method} explains one example at a time; x has ${n} rows`);
  const d = sizeOf(model.inputShape);
  const k = sizeOf(model.outputShape);
  const names = o.featureNames ? [...o.featureNames] : Array.from({ length: d }, (_, j) => `f${j}`);
  if (names.length !== d) throw new ShapeError(`featureNames has ${names.length} names for ${d} features`);
  const distance = o.distance ?? 'l1-mad';
  if (distance !== 'l1-mad' && distance !== 'l2') throw new InvalidArgumentError(`distance must be 'l1-mad' or 'l2', got ${String(distance)}`);
  let data: Tensor | undefined;
  if (o.data !== undefined) {
    validateInput(model, o.data, 'data');
    data = o.data;
  }
  let scale: Float64Array;
  if (o.scale !== undefined) {
    if (o.scale.length !== d) throw new ShapeError(`scale has ${o.scale.length} entries for ${d} features`);
    scale = Float64Array.from(o.scale);
    scale.forEach((s, j) => {
      if (!(s > 0) || !Number.isFinite(s)) throw new InvalidArgumentError(`scale[${j}] must be a positive finite number, got ${s}`);
    });
  } else if (distance === 'l1-mad') {
    if (!data) throw new InvalidArgumentError(`distance 'l1-mad' needs data (for the MAD) or scale`);
    scale = madScale(data.data, data.shape[0]!, d);
  } else scale = new Float64Array(d).fill(1);
  const lo = new Float64Array(d).fill(-Infinity);
  const hi = new Float64Array(d).fill(Infinity);
  if (o.ranges !== undefined) {
    if (o.ranges.length !== d) throw new ShapeError(`ranges has ${o.ranges.length} entries for ${d} features`);
    o.ranges.forEach((r, j) => {
      if (r == null) return;
      const [a, b] = r;
      if (!(a <= b) || Number.isNaN(a) || Number.isNaN(b)) throw new InvalidArgumentError(`range of feature ${names[j]} is [${a}, ${b}], not lo ≤ hi`);
      lo[j] = a;
      hi[j] = b;
    });
  }
  const xv = x.data;
  for (let j = 0; j < d; j++) {
    if (xv[j]! < lo[j]! || xv[j]! > hi[j]!) throw new InvalidArgumentError(`the example's ${names[j]} = ${xv[j]} is outside its range [${lo[j]}, ${hi[j]}]`);
  }
  const mutable = new Uint8Array(d).fill(1);
  for (const j of idxList(o.immutable, d, 'immutable')) mutable[j] = 0;
  const isInt = new Uint8Array(d);
  for (const j of idxList(o.integer, d, 'integer')) {
    isInt[j] = 1;
    if (!Number.isInteger(xv[j]!)) throw new InvalidArgumentError(`integer feature ${names[j]} has the non-integer value ${xv[j]} in the example`);
  }
  const groupOf = new Int32Array(d).fill(-1);
  const groups: number[][] = [];
  (o.categorical ?? []).forEach((g, gi) => {
    const idx = idxList(g as number[], d, `categorical[${gi}]`);
    if (idx.length < 2) throw new InvalidArgumentError(`categorical group ${gi} needs at least 2 features`);
    let ones = 0;
    for (const j of idx) {
      if (groupOf[j] !== -1) throw new InvalidArgumentError(`feature ${names[j]} is in two categorical groups`);
      if (isInt[j]) throw new InvalidArgumentError(`feature ${names[j]} is both integer and categorical`);
      groupOf[j] = groups.length;
      if (xv[j] === 1) ones++;
      else if (xv[j] !== 0) throw new InvalidArgumentError(`categorical feature ${names[j]} is ${xv[j]} in the example, not 0 or 1 (one-hot)`);
    }
    if (ones !== 1) throw new InvalidArgumentError(`categorical group ${gi} (${idx.map((j) => names[j]).join(', ')}) has ${ones} ones in the example, not exactly one`);
    // A group is mutable only as a whole.
    const mut = idx.every((j) => mutable[j]);
    for (const j of idx) mutable[j] = mut ? 1 : 0;
    groups.push(idx);
  });
  const units: number[][] = [];
  const seen = new Set<number>();
  for (let j = 0; j < d; j++) {
    if (!mutable[j]) continue;
    const g = groupOf[j]!;
    if (g < 0) units.push([j]);
    else if (!seen.has(g)) {
      seen.add(g);
      units.push(groups[g]!);
    }
  }
  if (units.length === 0) throw new InvalidArgumentError(`${method}: every feature is immutable; nothing can change`);
  const p: Problem = { model, d, x: Float32Array.from(xv), k, distance, scale, lo, hi, mutable, isInt, groupOf, groups, units, names, ...(data ? { data } : {}) };
  return p;
}

/** Resolves the desired outcome from the original outputs. Throws TargetError when it is already met or out of range. */
export function resolveDesired(p: Problem, outputs: Float32Array, o: CounterfactualOptions): Problem {
  if (p.k === 1) {
    const t = o.threshold ?? 0.5;
    if (!Number.isFinite(t)) throw new InvalidArgumentError(`threshold must be a finite number, got ${t}`);
    let side: 'above' | 'below' = outputs[0]! >= t ? 'below' : 'above';
    if (o.desired !== undefined) {
      if (o.desired !== 0 && o.desired !== 1) throw new TargetError(`desired must be 0 (below the threshold) or 1 (above) for a one-output model, got ${String(o.desired)}`);
      side = o.desired === 1 ? 'above' : 'below';
      const already = side === 'above' ? outputs[0]! > t : outputs[0]! < t;
      if (already) throw new TargetError(`the example's output ${outputs[0]} is already ${side} the threshold ${t}`);
    }
    return { ...p, threshold: t, side };
  }
  if (o.threshold !== undefined) throw new InvalidArgumentError(`threshold applies to one-output models; this model has ${p.k} outputs (use desired)`);
  const pred = argmax(outputs);
  let cls = o.desired;
  if (cls === undefined) {
    if (p.k !== 2) throw new TargetError(`desired (the class to reach) is required for a model with ${p.k} outputs`);
    cls = 1 - pred;
  }
  if (!Number.isInteger(cls) || cls < 0 || cls >= p.k) throw new TargetError(`desired class ${String(cls)} is not an integer in [0, ${p.k})`);
  if (cls === pred) throw new TargetError(`the example is already predicted as the desired class ${cls}`);
  return { ...p, cls };
}

export function argmax(o: ArrayLike<number>, off = 0, k = o.length): number {
  let b = 0;
  for (let j = 1; j < k; j++) if (o[off + j]! > o[off + b]!) b = j;
  return b;
}

/** s(x') from the outputs of row `row` (> 0: valid), and the index of the strongest rival class. */
export function scoreOf(p: Problem, out: ArrayLike<number>, row = 0): { score: number; rival: number } {
  const off = row * p.k;
  if (p.k === 1) return { score: p.side === 'above' ? out[off]! - p.threshold! : p.threshold! - out[off]!, rival: -1 };
  let rival = -1;
  for (let j = 0; j < p.k; j++) if (j !== p.cls && (rival < 0 || out[off + j]! > out[off + rival]!)) rival = j;
  return { score: out[off + p.cls!]! - out[off + rival]!, rival };
}

export function predictedOf(p: Problem, out: ArrayLike<number>, row = 0): number {
  if (p.k === 1) return out[row]! >= p.threshold! ? 1 : 0;
  return argmax(out, row * p.k, p.k);
}

/** The distance the method minimises (with the problem's scale). */
export function dist(p: Problem, a: ArrayLike<number>, b: ArrayLike<number>, aOff = 0, bOff = 0): number {
  let s = 0;
  for (let j = 0; j < p.d; j++) {
    const z = (a[aOff + j]! - b[bOff + j]!) / p.scale[j]!;
    s += p.distance === 'l1-mad' ? Math.abs(z) : z * z;
  }
  return p.distance === 'l1-mad' ? s : Math.sqrt(s);
}

/** Projects v (in place) onto the feasible set: immutables, box, integers, one-hot vertices. */
export function project(p: Problem, v: Float32Array, off = 0): void {
  for (let j = 0; j < p.d; j++) {
    if (!p.mutable[j]) {
      v[off + j] = p.x[j]!;
      continue;
    }
    if (p.groupOf[j]! >= 0) continue;
    let t = Math.min(p.hi[j]!, Math.max(p.lo[j]!, v[off + j]!));
    if (p.isInt[j]) {
      t = Math.round(t);
      if (t > p.hi[j]!) t -= 1;
      if (t < p.lo[j]!) t += 1;
    }
    v[off + j] = t;
  }
  for (const g of p.groups) {
    if (!p.mutable[g[0]!]) continue;
    let best = g[0]!;
    for (const j of g) if (v[off + j]! > v[off + best]!) best = j;
    for (const j of g) v[off + j] = j === best ? 1 : 0;
  }
}

/** Runs the model on rows [R × d] (one call) and returns the outputs. */
export async function evaluate(ctx: ModelCaller, p: Problem, rows: Float32Array): Promise<Float32Array> {
  const r = rows.length / p.d;
  const out = await ctx.forward({ shape: [r, ...p.model.inputShape], data: rows });
  return out.data;
}

/** The result row of one candidate (one model call to get its outputs). */
export async function describe(ctx: ModelCaller, p: Problem, cf: Float32Array): Promise<Counterfactual> {
  const outputs = await evaluate(ctx, p, Float32Array.from(cf));
  return row(p, cf, outputs);
}

export function row(p: Problem, cf: Float32Array, outputs: Float32Array): Counterfactual {
  const changes: FeatureChange[] = [];
  let l1 = 0;
  let l2 = 0;
  for (let j = 0; j < p.d; j++) {
    const dlt = cf[j]! - p.x[j]!;
    if (dlt === 0) continue;
    changes.push({ feature: j, name: p.names[j]!, before: p.x[j]!, after: cf[j]! });
    l1 += Math.abs(dlt) / p.scale[j]!;
    l2 += dlt * dlt;
  }
  const score = scoreOf(p, outputs).score;
  return {
    values: Float32Array.from(cf),
    changes,
    outputs: Float32Array.from(outputs),
    predicted: predictedOf(p, outputs),
    score,
    valid: score > 0,
    distances: { l1Mad: l1, l2: Math.sqrt(l2), l0: changes.length },
  };
}

export function finish(
  method: CounterfactualResult['method'],
  p: Problem,
  origOut: Float32Array,
  cfs: readonly Counterfactual[],
  modelCalls: number,
  notFound: string,
): CounterfactualResult {
  const valid = cfs.filter((c) => c.valid);
  return {
    method,
    status: valid.length > 0 ? 'found' : 'not-found',
    message: valid.length > 0 ? `${valid.length} valid counterfactual(s)` : notFound,
    original: { values: Float32Array.from(p.x), outputs: Float32Array.from(origOut), predicted: predictedOf(p, origOut), score: scoreOf(p, origOut).score },
    desired: p.k === 1 ? { threshold: p.threshold!, side: p.side! } : { class: p.cls! },
    distance: p.distance,
    features: [...p.names],
    scale: Float64Array.from(p.scale),
    counterfactuals: valid,
    modelCalls,
  };
}
