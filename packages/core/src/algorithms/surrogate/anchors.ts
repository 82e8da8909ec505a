/**
 * Anchors (Ribeiro, Singh & Guestrin 2018, "Anchors: High-Precision Model-Agnostic Explanations";
 * tabular semantics as alibi's AnchorTabular): an IF–THEN rule A around one example x such that
 * the model keeps x's class on perturbations that satisfy A with probability ≥ `threshold`
 * (precision), and that holds on as much of the data as possible (coverage).
 *
 * - Predicates: each feature gives one predicate describing x — features with ≤ 2 distinct values
 *   in the data (or listed in `categorical`) give `feature = x_f`; the others are discretised by the
 *   data's quantiles (`bins`, default 4: quartiles; numpy's linear interpolation; duplicate edges
 *   merged) and give x's bin `lower < feature ≤ upper`.
 * - Perturbation distribution D(·|A): a uniformly drawn data row whose anchored features are each
 *   replaced by the value of a uniformly drawn data row that satisfies that feature's predicate
 *   (features are resampled independently; an anchored feature thus keeps x's bin).
 * - Precision = P_{z∼D(·|A)}[class(z) = class(x)], estimated from the model's predictions;
 *   coverage = share of the data rows that satisfy A (no model calls).
 * - Search: beam search over anchor size (beam `beamSize`, default 2); at each size the candidates
 *   (beam anchors plus one predicate, not below the best valid coverage) get `initSamples` draws,
 *   KL-LUCB (Kaufmann & Kalyanakrishnan 2013; β = log(405.5·K·t^1.1/δ)) picks the best
 *   `beamSize` by precision, each is then sampled until its KL confidence bounds decide
 *   precision ≥ threshold (within ε); the first size with a valid anchor returns its valid anchor of
 *   highest coverage. Without one after all features: the most precise anchor, `satisfied: false`.
 * Every draw comes from createRng(seed): bit-reproducible for a seed. Only `forward` is used.
 */
import type { Model } from '../../model.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { InvalidArgumentError, ShapeError, throwIfAborted } from '../../errors.js';
import { createRng, type Rng } from '../../random/prng.js';
import { ModelCaller, validateInput, type Progress } from '../_utils/common.js';
import { chunkCount } from '../_utils/caller.js';
import { resolveBatching } from '../_utils/perturbation/index.js';
import { formatRuleNumber } from './tree-rules.js';
import { klBounds, klLucb, type Arm } from './kl-lucb.js';

export interface AnchorsOptions {
  /** The reference data, [M ≥ 2, ...inputShape] (perturbation distribution, coverage, bins). */
  readonly data: Tensor;
  /** Precision target (default 0.95). */
  readonly threshold?: number;
  /** Quantile bins per numeric feature (default 4). */
  readonly bins?: number;
  /** Features compared by equality (besides those with ≤ 2 distinct values). */
  readonly categorical?: readonly number[];
  readonly featureNames?: readonly string[];
  readonly classNames?: readonly string[];
  /** Default 2. */
  readonly beamSize?: number;
  /** Confidence δ (default 0.1) and tolerance ε (default 0.15) of the precision bounds. */
  readonly delta?: number;
  readonly epsilon?: number;
  /** Draws per sampling step (default 100) and initial draws per candidate (default 100). */
  readonly batchSize?: number;
  readonly initSamples?: number;
  /** Most draws spent on one candidate's precision check (default 2000). */
  readonly maxSamplesPerCandidate?: number;
  readonly seed?: number;
  readonly maxRowsPerCall?: number;
  readonly internalBatchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export interface AnchorPredicate {
  readonly feature: number;
  readonly name: string;
  /** 'eq': feature = value; 'range': lower < feature ≤ upper (a missing side is unbounded). */
  readonly kind: 'eq' | 'range';
  readonly value?: number;
  readonly lower?: number;
  readonly upper?: number;
  readonly text: string;
}

export interface AnchorResult {
  /** Predicates in feature order. */
  readonly anchor: readonly AnchorPredicate[];
  readonly text: string;
  /** The model's class at the example. */
  readonly prediction: number;
  readonly className?: string;
  /** Estimated precision of the anchor and its draws. */
  readonly precision: number;
  readonly precisionSamples: number;
  /** Share of the data rows satisfying the anchor. */
  readonly coverage: number;
  /** Whether precision ≥ threshold was established. */
  readonly satisfied: boolean;
  readonly threshold: number;
  /** Every perturbation the model saw. */
  readonly samples: number;
  readonly modelCalls: number;
}

/** The numpy-linear quantile q of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

function positive(v: number | undefined, name: string, fallback: number, integer: boolean, max = Infinity): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v > 0) || v > max || (integer && !Number.isInteger(v))) {
    throw new InvalidArgumentError(`${name} must be ${integer ? 'a positive integer' : `a number in (0, ${max}]`}, got ${String(v)}`);
  }
  return v;
}

/** Explains the model's class at `example` ([inputShape] or [1, ...inputShape]) with an anchor. */
export class Anchors {
  constructor(readonly model: Model) {}

  async explain(example: Tensor, options: AnchorsOptions): Promise<AnchorResult> {
    if (!options || typeof options !== 'object') throw new InvalidArgumentError('Anchors.explain needs options {data, ...}');
    const model = this.model;
    const F = sizeOf(model.inputShape);
    if (!example || !(example.data instanceof Float32Array) || example.data.length !== F) {
      throw new ShapeError(`the example must hold one input of ${F} values ([${model.inputShape.join(', ')}]), got shape [${example?.shape?.join(', ') ?? ''}]`);
    }
    for (let j = 0; j < F; j++) if (!Number.isFinite(example.data[j]!)) throw new InvalidArgumentError(`example feature ${j} is not finite`);
    const M = validateInput(model, options.data, 'data');
    if (M < 2) throw new ShapeError(`anchors need at least 2 data rows, got ${M}`);
    const X = options.data.data;
    const threshold = positive(options.threshold, 'threshold', 0.95, false, 1);
    const bins = positive(options.bins, 'bins', 4, true);
    const beam = positive(options.beamSize, 'beamSize', 2, true);
    const delta = positive(options.delta, 'delta', 0.1, false, 1);
    const eps = positive(options.epsilon, 'epsilon', 0.15, false, 1);
    const batch = positive(options.batchSize, 'batchSize', 100, true);
    const init = positive(options.initSamples, 'initSamples', 100, true);
    const maxPer = positive(options.maxSamplesPerCandidate, 'maxSamplesPerCandidate', 2000, true);
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer, got ${String(seed)}`);
    const names = options.featureNames ? [...options.featureNames] : Array.from({ length: F }, (_, j) => `x${j}`);
    if (names.length !== F) throw new ShapeError(`featureNames has ${names.length} names but the model input has ${F} features`);
    const cats = new Set(options.categorical ?? []);
    for (const c of cats) if (!Number.isInteger(c) || c < 0 || c >= F) throw new InvalidArgumentError(`categorical feature ${c} is not in [0, ${F})`);
    const batching = resolveBatching(options, model.inputShape);
    const outPer = sizeOf(model.outputShape);
    const classOf = (o: Float32Array, off: number) => {
      if (outPer === 1) return o[off]! >= 0.5 ? 1 : 0;
      let b = 0;
      for (let j = 1; j < outPer; j++) if (o[off + j]! > o[off + b]!) b = j;
      return b;
    };

    // Predicates and, per feature, the data rows satisfying it.
    const preds: AnchorPredicate[] = [];
    const holds: Int32Array[] = [];
    for (let f = 0; f < F; f++) {
      const v = example.data[f]!;
      const col = Float64Array.from({ length: M }, (_, i) => X[i * F + f]!).sort();
      const distinct = new Set(col).size;
      let p: AnchorPredicate;
      if (cats.has(f) || distinct <= 2) {
        p = { feature: f, name: names[f]!, kind: 'eq', value: v, text: `${names[f]} = ${formatRuleNumber(v)}` };
      } else {
        const edges = [...new Set(Array.from({ length: bins - 1 }, (_, k) => quantile(col, (k + 1) / bins)))];
        let lower: number | undefined;
        let upper: number | undefined;
        for (const e of edges) {
          if (v <= e) {
            upper = e;
            break;
          }
          lower = e;
        }
        const text =
          lower !== undefined && upper !== undefined
            ? `${formatRuleNumber(lower)} < ${names[f]} ≤ ${formatRuleNumber(upper)}`
            : lower !== undefined
              ? `${names[f]} > ${formatRuleNumber(lower)}`
              : `${names[f]} ≤ ${formatRuleNumber(upper!)}`;
        p = { feature: f, name: names[f]!, kind: 'range', ...(lower !== undefined ? { lower } : {}), ...(upper !== undefined ? { upper } : {}), text };
      }
      preds.push(p);
      const rows: number[] = [];
      for (let i = 0; i < M; i++) if (satisfies(p, X[i * F + f]!)) rows.push(i);
      holds.push(Int32Array.from(rows)); // never empty when the example is a data row; else the example itself is used
    }

    const ctx = new ModelCaller(model, options.signal, options.onProgress);
    // Progress total: an estimate per anchor size (grown by the caller when exceeded).
    ctx.plan(1);
    throwIfAborted(options.signal);
    const first = await ctx.forward({ shape: [1, ...model.inputShape], data: Float32Array.from(example.data) });
    const target = classOf(first.data, 0);
    const rng = createRng(seed);
    const arms = new Map<string, Arm & { features: number[]; coverage: number }>();
    let samples = 0;
    const coverageOf = (features: number[]) => {
      let c = 0;
      for (let i = 0; i < M; i++) if (features.every((f) => satisfies(preds[f]!, X[i * F + f]!))) c++;
      return c / M;
    };
    const armOf = (features: number[]) => {
      const key = features.join(',');
      let a = arms.get(key);
      if (!a) {
        a = { features, coverage: coverageOf(features), n: 0, positives: 0, rng: rng.derive(arms.size + 1) };
        arms.set(key, a);
      }
      return a;
    };
    /** Draws `n` perturbations for each arm and updates its counts (one batched model pass). */
    const sample = async (list: readonly (Arm & { features: number[] })[], n: number) => {
      const rows = list.length * n;
      if (rows === 0) return;
      const buf = new Float32Array(rows * F);
      list.forEach((a, k) => drawInto(a.features, a.rng, n, buf, k * n * F));
      const out = await ctx.forwardRows(rows, batching.maxRowsPerCall, (s, e) => ({ shape: [e - s, ...model.inputShape], data: buf.subarray(s * F, e * F) }));
      list.forEach((a, k) => {
        for (let i = 0; i < n; i++) if (classOf(out.data, (k * n + i) * outPer) === target) a.positives++;
        a.n += n;
      });
      samples += rows;
    };
    const drawInto = (features: number[], r: Rng, n: number, dst: Float32Array, off: number) => {
      for (let i = 0; i < n; i++) {
        const row = r.int(M);
        const o = off + i * F;
        dst.set(X.subarray(row * F, (row + 1) * F), o);
        for (const f of features) {
          const h = holds[f]!;
          dst[o + f] = h.length ? X[h[r.int(h.length)]! * F + f]! : example.data[f]!;
        }
      }
    };
    const precisionOf = (a: Arm) => (a.n ? a.positives / a.n : 0);

    let beamSet: number[][] = [[]];
    let best: (Arm & { features: number[]; coverage: number }) | undefined;
    let bestValidCoverage = -1;
    let bestValid: (Arm & { features: number[]; coverage: number }) | undefined;
    for (let size = 1; size <= F && !bestValid; size++) {
      const cands: (Arm & { features: number[]; coverage: number })[] = [];
      const seen = new Set<string>();
      for (const b of beamSet) {
        for (let f = 0; f < F; f++) {
          if (b.includes(f)) continue;
          const feats = [...b, f].sort((p, q) => p - q);
          const key = feats.join(',');
          if (seen.has(key)) continue;
          seen.add(key);
          const a = armOf(feats);
          if (a.coverage > bestValidCoverage) cands.push(a);
        }
      }
      if (cands.length === 0) break;
      ctx.plan(chunkCount(cands.length * init, batching.maxRowsPerCall) + 4 * Math.min(beam, cands.length));
      await sample(cands.filter((a) => a.n < init), init);
      const chosen = await klLucb(cands, Math.min(beam, cands.length), { delta, epsilon: eps, batch, maxRounds: 200 }, (list) => sample(list as typeof cands, batch));
      for (const a of chosen) {
        // Sample until the bounds decide precision ≥ threshold within ε, or the budget is spent.
        for (;;) {
          const { lower, upper } = klBounds(precisionOf(a), a.n, Math.log(1 / delta));
          const m = precisionOf(a);
          if (!((m >= threshold && lower < threshold - eps) || (m < threshold && upper >= threshold + eps)) || a.n >= maxPer) break;
          await sample([a], batch);
        }
        const { lower } = klBounds(precisionOf(a), a.n, Math.log(1 / delta));
        if (precisionOf(a) >= threshold && lower > threshold - eps && a.coverage > bestValidCoverage) {
          bestValid = a;
          bestValidCoverage = a.coverage;
        }
        if (!best || precisionOf(a) > precisionOf(best) || (precisionOf(a) === precisionOf(best) && a.coverage > best.coverage)) best = a;
      }
      beamSet = chosen.map((a) => a.features);
    }
    const result = bestValid ?? best!;
    const anchor = result.features.map((f) => preds[f]!);
    const className = options.classNames?.[target];
    return {
      anchor,
      text: `IF ${anchor.map((p) => p.text).join(' AND ') || 'TRUE'} THEN ${className ?? `class ${target}`}`,
      prediction: target,
      ...(className !== undefined ? { className } : {}),
      precision: precisionOf(result),
      precisionSamples: result.n,
      coverage: result.coverage,
      satisfied: bestValid !== undefined,
      threshold,
      samples,
      modelCalls: ctx.modelCalls,
    };
  }
}

function satisfies(p: AnchorPredicate, v: number): boolean {
  if (p.kind === 'eq') return v === p.value;
  return (p.lower === undefined || v > p.lower) && (p.upper === undefined || v <= p.upper);
}

/** `new Anchors(model).explain(example, options)`. */
export function anchors(model: Model, example: Tensor, options: AnchorsOptions): Promise<AnchorResult> {
  return new Anchors(model).explain(example, options);
}
