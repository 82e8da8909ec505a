/**
 * Gradient-based counterfactuals (Wachter, Mittelstadt & Russell 2017): the x' nearest to x that
 * the model assigns the desired outcome, from
 *
 *   min_{x'} λ · max(0, margin − s(x')) + d(x', x) + β · Σ_j |x'_j − x_j| / scale_j
 *
 * with s the validity score (cf-common.ts: desired-class logit minus the strongest rival, or the
 * signed distance of a single output to the threshold), d the MAD-scaled L1 distance (Wachter's
 * choice) or the squared L2 distance, and β an optional extra sparsity weight. Wachter's
 * squared-error loss (f(x') − y')² is replaced by the hinge on the score: it is zero once x' is
 * valid by `margin`, so the distance term alone decides where on the valid side x' lands, and it
 * applies to class outputs and thresholds alike.
 *
 * λ starts at `lambda` and doubles (`lambdaFactor`) after every round of `steps` Adam steps
 * (`_utils/adam.ts`, cosine-decayed step size) until the projected x' is valid, at most
 * `maxRounds` rounds — Wachter's "increase λ until the prediction is close enough".
 * Optimisation runs in scaled coordinates z = (x' − x) / scale, so one step size fits every
 * feature. Constraints: immutable features get no gradient; after every step x' is clipped to its
 * box (one-hot categorical features to [0, 1]); at the end of a round x' is projected onto the
 * feasible set (integers rounded, each one-hot group set to the vertex of its largest relaxed value:
 * "relax and round") and validity is judged on the projected point.
 *
 * Once valid: the greedy sparsification (`sparsify`, default on for l1-mad) reverts changed
 * features that the outcome does not need, and a bisection on the segment x → x' (continuous
 * features) moves x' back to just inside the valid side, so the margin does not inflate the
 * change. On a linear score this gives the closed-form minima (counterfactual.test.ts).
 *
 * Model calls: one gradient call (1 row) per step, one forward call per round, then at most
 * (changed features) + 30 + 1 forward calls for sparsification, bisection and the result.
 */
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { InvalidArgumentError, throwIfAborted } from '../../errors.js';
import { checkNonNegative, checkPositiveInt, ModelCaller, requireGradients } from '../_utils/common.js';
import { Adam } from '../_utils/adam.js';
import {
  describe,
  evaluate,
  finish,
  project,
  resolveDesired,
  resolveProblem,
  scoreOf,
  type CounterfactualOptions,
  type CounterfactualResult,
  type Problem,
} from './cf-common.js';
import { pullToBoundary, sparsify } from './cf-search.js';

export interface WachterOptions extends CounterfactualOptions {
  /** Initial λ (default 0.1). */
  readonly lambda?: number;
  /** λ multiplier per round (default 2). */
  readonly lambdaFactor?: number;
  /** Most rounds (default 12). */
  readonly maxRounds?: number;
  /** Adam steps per round (default 150). */
  readonly steps?: number;
  /** Adam step size in scaled units (default 0.05). */
  readonly lr?: number;
  /** Score margin the loss asks for (default 0.05, output units). */
  readonly margin?: number;
  /** Extra L1 sparsity weight β (default 0). */
  readonly sparsity?: number;
  /** Post-hoc greedy sparsification (default: true for l1-mad, false for l2). */
  readonly sparsify?: boolean;
}

export interface WachterResult extends CounterfactualResult {
  /** λ of the last round. */
  readonly lambda: number;
  readonly rounds: number;
}

interface Settings {
  lambda: number;
  factor: number;
  rounds: number;
  steps: number;
  lr: number;
  margin: number;
  beta: number;
  sparsify: boolean;
}

function settings(o: WachterOptions, distance: string): Settings {
  const pos = (v: number | undefined, name: string, def: number) => {
    if (v === undefined) return def;
    if (!(v > 0) || !Number.isFinite(v)) throw new InvalidArgumentError(`${name} must be a positive number, got ${String(v)}`);
    return v;
  };
  const factor = pos(o.lambdaFactor, 'lambdaFactor', 2);
  if (factor <= 1) throw new InvalidArgumentError(`lambdaFactor must be > 1, got ${factor}`);
  return {
    lambda: pos(o.lambda, 'lambda', 0.1),
    factor,
    rounds: checkPositiveInt(o.maxRounds, 'maxRounds', 12),
    steps: checkPositiveInt(o.steps, 'steps', 150),
    lr: pos(o.lr, 'lr', 0.05),
    margin: checkNonNegative(o.margin, 'margin', 0.05),
    beta: checkNonNegative(o.sparsity, 'sparsity', 0),
    sparsify: o.sparsify ?? distance === 'l1-mad',
  };
}

/** Wachter et al. counterfactuals on a model with gradients. */
export class Wachter {
  constructor(readonly model: Model) {}

  async generate(x: Tensor, options: WachterOptions = {}): Promise<WachterResult> {
    requireGradients(this.model, 'wachter counterfactuals');
    const p0 = resolveProblem(this.model, x, options, 'wachter');
    const s = settings(options, p0.distance);
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer, got ${String(seed)}`);
    const ctx = new ModelCaller(this.model, options.signal, options.onProgress);
    throwIfAborted(options.signal);
    ctx.plan(1 + s.steps + 1 + 32);
    const orig = await evaluate(ctx, p0, p0.x);
    const p = resolveDesired(p0, orig, options);
    return wachterSearch(ctx, p, orig, s);
  }
}

/** The search itself, on a validated problem (deterministic: no randomness is needed). */
async function wachterSearch(ctx: ModelCaller, p: Problem, orig: Float32Array, s: Settings): Promise<WachterResult> {
  const { d, scale } = p;
  const z = new Float32Array(d);
  const xp = new Float32Array(d);
  const grad = new Float64Array(d);
  const loZ = new Float64Array(d);
  const hiZ = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const cat = p.groupOf[j]! >= 0;
    loZ[j] = ((cat ? 0 : p.lo[j]!) - p.x[j]!) / scale[j]!;
    hiZ[j] = ((cat ? 1 : p.hi[j]!) - p.x[j]!) / scale[j]!;
  }
  const toX = () => {
    for (let j = 0; j < d; j++) xp[j] = p.x[j]! + scale[j]! * z[j]!;
  };
  let lambda = s.lambda;
  let found: Float32Array | undefined;
  let rounds = 0;
  // The rival class of the seed: from the outputs of the previous call (the original's at first).
  let rival = p.k === 1 ? -1 : scoreOf(p, orig).rival;
  const seed = new Float32Array(p.k);
  for (let r = 0; r < s.rounds && !found; r++) {
    rounds++;
    if (r > 0) ctx.plan(s.steps + 1);
    const adam = new Adam(d, { lr: s.lr });
    for (let t = 0; t < s.steps; t++) {
      toX();
      // d s / d x' in one VJP: seed +1 on the desired output and −1 on the rival (one output: ±1).
      seed.fill(0);
      if (p.k === 1) seed[0] = p.side === 'above' ? 1 : -1;
      else {
        seed[p.cls!] = 1;
        seed[rival] = -1;
      }
      const res = await ctx.gradient(
        { shape: [1, ...p.model.inputShape], data: Float32Array.from(xp) },
        { kind: 'tensor', seed: { shape: [1, ...p.model.outputShape], data: Float32Array.from(seed) } },
      );
      const sc = scoreOf(p, res.outputs.data);
      if (p.k > 1) rival = sc.rival;
      const active = sc.score < s.margin;
      const g = res.inputGradient.data;
      for (let j = 0; j < d; j++) {
        if (!p.mutable[j]) {
          grad[j] = 0;
          continue;
        }
        const zj = z[j]!;
        const dist = p.distance === 'l1-mad' ? Math.sign(zj) : 2 * zj;
        grad[j] = (active ? -lambda * g[j]! * scale[j]! : 0) + dist + s.beta * Math.sign(zj);
      }
      // Cosine decay from lr to lr / 100 over the round.
      adam.step(z, grad, 0.01 + 0.99 * 0.5 * (1 + Math.cos((Math.PI * t) / s.steps)));
      for (let j = 0; j < d; j++) {
        if (!p.mutable[j]) z[j] = 0;
        else z[j] = Math.min(hiZ[j]!, Math.max(loZ[j]!, z[j]!));
      }
    }
    toX();
    const cand = Float32Array.from(xp);
    project(p, cand);
    const out = await evaluate(ctx, p, cand);
    if (scoreOf(p, out).score > 0) found = cand;
    else lambda *= s.factor;
  }
  if (!found) {
    return {
      ...finish('wachter', p, orig, [], ctx.modelCalls, `no valid counterfactual after ${rounds} rounds (λ up to ${lambda}); raise maxRounds / lambda or relax the constraints`),
      lambda,
      rounds,
    };
  }
  let cf = found;
  if (s.sparsify) cf = await sparsify(ctx, p, cf);
  let polished = false;
  if (p.distance === 'l1-mad') {
    // Sequential linear programming: re-linearise at the last point (valid or not), keep the
    // last valid one.
    const delta = Math.max(1e-5, 1e-4 * Math.abs(scoreOf(p, orig).score));
    let cur = cf;
    for (let it = 0; it < 6; it++) {
      const step = await polishL1(ctx, p, cur, delta);
      if (!step) break;
      const moved = step.next.some((v, j) => Math.abs(v - cur[j]!) > 1e-6 * p.scale[j]!);
      cur = step.next;
      if (step.valid) {
        cf = cur;
        polished = true;
        if (!moved) break;
      }
    }
  }
  if (!polished) cf = await pullToBoundary(ctx, p, cf);
  const row = await describe(ctx, p, cf);
  return { ...finish('wachter', p, orig, [row], ctx.modelCalls, ''), lambda, rounds };
}

/**
 * One sequential-linear-programming step for the L1-MAD objective: linearise s at cf (one
 * gradient call) and solve min Σ_C |Δ_j| / scale_j s.t. the linearised score reaches `delta`, over
 * the continuous mutable features C (integer and categorical ones keep cf's values), inside the
 * box. The LP is a fractional knapsack: fill features in order of |∂s/∂x_j| · scale_j, each up to
 * its bound, until the gain is met. Returns the new point and whether the model finds it valid
 * (one forward call); undefined when the LP has no solution. On a linear score it is the exact optimum (counterfactual.test.ts).
 */
async function polishL1(ctx: ModelCaller, p: Problem, cf: Float32Array, delta: number): Promise<{ next: Float32Array; valid: boolean } | undefined> {
  const C: number[] = [];
  for (let j = 0; j < p.d; j++) if (p.mutable[j] && !p.isInt[j] && p.groupOf[j]! < 0) C.push(j);
  if (C.length === 0) return undefined;
  ctx.plan(2);
  const out0 = await evaluate(ctx, p, cf);
  const sc = scoreOf(p, out0);
  const seed = new Float32Array(p.k);
  if (p.k === 1) seed[0] = p.side === 'above' ? 1 : -1;
  else {
    seed[p.cls!] = 1;
    seed[sc.rival] = -1;
  }
  const res = await ctx.gradient(
    { shape: [1, ...p.model.inputShape], data: Float32Array.from(cf) },
    { kind: 'tensor', seed: { shape: [1, ...p.model.outputShape], data: seed } },
  );
  const g = res.inputGradient.data;
  let base = sc.score;
  for (const j of C) base -= g[j]! * (cf[j]! - p.x[j]!);
  let need = delta - base;
  const next = Float32Array.from(cf);
  for (const j of C) next[j] = p.x[j]!;
  if (need > 0) {
    const order = C.filter((j) => g[j] !== 0).sort((a, b) => Math.abs(g[b]!) * p.scale[b]! - Math.abs(g[a]!) * p.scale[a]!);
    for (const j of order) {
      const up = g[j]! > 0;
      const limit = up ? p.hi[j]! - p.x[j]! : p.x[j]! - p.lo[j]!;
      const t = Math.min(limit, need / Math.abs(g[j]!));
      next[j] = p.x[j]! + (up ? t : -t);
      need -= Math.abs(g[j]!) * t;
      if (need <= 0) break;
    }
    if (need > 1e-12) return undefined;
  }
  const out = await evaluate(ctx, p, next);
  return { next, valid: scoreOf(p, out).score > 0 };
}

/** Functional form of `new Wachter(model).generate(x, options)`. */
export function wachterCounterfactual(model: Model, x: Tensor, options: WachterOptions = {}): Promise<WachterResult> {
  return new Wachter(model).generate(x, options);
}

