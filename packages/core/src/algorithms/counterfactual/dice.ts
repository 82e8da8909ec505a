/**
 * Diverse counterfactual sets in the spirit of DiCE (Mothilal, Sharma & Tan 2020), model-agnostic
 * (forward calls only): k counterfactuals that trade validity, proximity and diversity.
 *
 * DiCE's objective for a set C = {c₁…c_k}:
 *   (1/k) Σ yloss(f(c_i), desired) + λ₁ (1/k) Σ dist(c_i, x) − λ₂ dpp_diversity(C),
 * dpp_diversity = det K, K_ab = 1 / (1 + dist(c_a, c_b)) (the "inverse_dist" kernel). DiCE
 * optimises it by gradients or, model-agnostically, by random sampling or a genetic algorithm.
 * Here (documented variant, the genetic route):
 *
 * 1. Population: `population` candidates per generation. Generation 0: each candidate copies x
 *    and redraws 1 … `maxChanged` random mutable units (a feature uniformly in its sampling range
 *    — the given range, else the data's min / max — or a one-hot group to a random vertex).
 * 2. Fitness (lower is better): `validityWeight` · max(0, −s(c)) + proximityWeight · dist(c, x)
 *    + sparsityWeight · (changed units) / (mutable units); s is the validity score.
 * 3. `generations` rounds: the best half survives (elitism); children are a uniform crossover of
 *    two survivors (per unit) followed by mutation (each unit redrawn with probability
 *    1 / units, or reverted to x with the same probability). All candidates are projected onto
 *    the feasible set (box, integers, one-hot vertices, immutables).
 * 4. Every valid distinct candidate seen is kept (the pool); nearest first, candidates are
 *    sparsified (DiCE's post-hoc sparsity: revert units while still valid) until 2k distinct ones
 *    are found or 20 · k were tried.
 * 5. Selection (greedy DPP): start with the closest; then add, k − 1 times, the candidate that
 *    maximises  diversityWeight · log det K(S ∪ {c}) − proximityWeight · dist(c, x); duplicates
 *    (distance 0 to a chosen one) are never chosen. `diversity` reports det K of the set and the
 *    smallest pairwise distance.
 *
 * Fewer than k distinct valid counterfactuals → the ones found ('found'); none → 'not-found'.
 * Seeded (createRng(seed)); bit-reproducible per engine. Model calls: one per generation
 * (`population` rows), then sparsification (one per changed unit of 2k candidates) and one for
 * the result rows.
 */
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { InvalidArgumentError, throwIfAborted } from '../../errors.js';
import { createRng, type Rng } from '../../random/prng.js';
import { checkNonNegative, checkPositiveInt, ModelCaller } from '../_utils/common.js';
import {
  dist,
  evaluate,
  finish,
  project,
  resolveDesired,
  resolveProblem,
  row,
  scoreOf,
  type Counterfactual,
  type CounterfactualOptions,
  type CounterfactualResult,
  type Problem,
} from './cf-common.js';
import { samplingRanges, sparsify } from './cf-search.js';

export interface DiceOptions extends CounterfactualOptions {
  /** k, the counterfactuals wanted (default 4). */
  readonly count?: number;
  /** Candidates per generation (default 200). */
  readonly population?: number;
  /** Default 15. */
  readonly generations?: number;
  /** Most units redrawn in a generation-0 candidate (default 3). */
  readonly maxChanged?: number;
  /** Default 1. */
  readonly proximityWeight?: number;
  /** Default 1. */
  readonly diversityWeight?: number;
  /** Default 0.5. */
  readonly sparsityWeight?: number;
  /** Default 10. */
  readonly validityWeight?: number;
}

export interface DiceResult extends CounterfactualResult {
  readonly requested: number;
  /** det K of the returned set (1 for one counterfactual) and its smallest pairwise distance. */
  readonly diversity: { readonly dppDeterminant: number; readonly minPairwiseDistance: number };
}

interface Settings {
  k: number;
  pop: number;
  gens: number;
  maxChanged: number;
  wp: number;
  wd: number;
  ws: number;
  wv: number;
  seed: number;
}

/** DiCE-style diverse counterfactuals on any model. */
export class Dice {
  constructor(readonly model: Model) {}

  async generate(x: Tensor, options: DiceOptions = {}): Promise<DiceResult> {
    const p0 = resolveProblem(this.model, x, options, 'dice');
    const s: Settings = {
      k: checkPositiveInt(options.count, 'count', 4),
      pop: checkPositiveInt(options.population, 'population', 200, 2),
      gens: checkPositiveInt(options.generations, 'generations', 15),
      maxChanged: checkPositiveInt(options.maxChanged, 'maxChanged', 3),
      wp: checkNonNegative(options.proximityWeight, 'proximityWeight', 1),
      wd: checkNonNegative(options.diversityWeight, 'diversityWeight', 1),
      ws: checkNonNegative(options.sparsityWeight, 'sparsityWeight', 0.5),
      wv: checkNonNegative(options.validityWeight, 'validityWeight', 10),
      seed: options.seed ?? 0,
    };
    if (!Number.isInteger(s.seed)) throw new InvalidArgumentError(`seed must be an integer, got ${String(s.seed)}`);
    const ctx = new ModelCaller(this.model, options.signal, options.onProgress);
    throwIfAborted(options.signal);
    ctx.plan(2 + s.gens);
    const orig = await evaluate(ctx, p0, p0.x);
    const p = resolveDesired(p0, orig, options);
    return diceSearch(ctx, p, orig, s);
  }
}

/** log det of a small symmetric positive-definite matrix (Cholesky); −∞ when not PD. */
function logDet(a: Float64Array, n: number): number {
  const l = new Float64Array(n * n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let v = a[i * n + j]!;
      for (let q = 0; q < j; q++) v -= l[i * n + q]! * l[j * n + q]!;
      if (i === j) {
        if (!(v > 1e-12)) return -Infinity;
        l[i * n + i] = Math.sqrt(v);
        s += Math.log(v);
      } else l[i * n + j] = v / l[j * n + j]!;
    }
  }
  return s;
}

function kernel(p: Problem, set: readonly Float32Array[]): Float64Array {
  const n = set.length;
  const k = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) k[a * n + b] = a === b ? 1 : 1 / (1 + dist(p, set[a]!, set[b]!));
  return k;
}

async function diceSearch(ctx: ModelCaller, p: Problem, orig: Float32Array, s: Settings): Promise<DiceResult> {
  const { d, units } = p;
  const { lo, hi } = samplingRanges(p);
  const rng = createRng(s.seed);
  const redraw = (v: Float32Array, u: readonly number[], r: Rng) => {
    if (u.length > 1) {
      const pick = u[r.int(u.length)]!;
      for (const j of u) v[j] = j === pick ? 1 : 0;
    } else {
      const j = u[0]!;
      v[j] = lo[j]! + r.uniform() * (hi[j]! - lo[j]!);
    }
  };
  let pop: Float32Array[] = [];
  for (let i = 0; i < s.pop; i++) {
    const v = Float32Array.from(p.x);
    const m = 1 + rng.int(Math.min(s.maxChanged, units.length));
    for (let c = 0; c < m; c++) redraw(v, units[rng.int(units.length)]!, rng);
    project(p, v);
    pop.push(v);
  }
  const pool = new Map<string, { v: Float32Array; d: number }>();
  const changedUnits = (v: Float32Array) => units.reduce((n, u) => n + (u.some((j) => v[j] !== p.x[j]) ? 1 : 0), 0);
  for (let g = 0; g < s.gens; g++) {
    const rows = new Float32Array(pop.length * d);
    pop.forEach((v, i) => rows.set(v, i * d));
    const out = await evaluate(ctx, p, rows);
    const fit = pop.map((v, i) => {
      const sc = scoreOf(p, out, i).score;
      const dd = dist(p, v, p.x);
      if (sc > 0 && dd > 0) pool.set(Array.from(v).join(','), { v, d: dd });
      return { v, f: s.wv * Math.max(0, -sc) + s.wp * dd + s.ws * (changedUnits(v) / units.length) };
    });
    fit.sort((a, b) => a.f - b.f);
    const elite = fit.slice(0, Math.max(2, Math.ceil(pop.length / 2))).map((e) => e.v);
    const next = elite.slice();
    while (next.length < s.pop) {
      const a = elite[rng.int(elite.length)]!;
      const b = elite[rng.int(elite.length)]!;
      const c = Float32Array.from(a);
      for (const u of units) {
        if (rng.uniform() < 0.5) for (const j of u) c[j] = b[j]!;
        const r = rng.uniform() * units.length;
        if (r < 1) redraw(c, u, rng);
        else if (r < 2) for (const j of u) c[j] = p.x[j]!;
      }
      project(p, c);
      next.push(c);
    }
    pop = next;
  }
  // Nearest first, sparsified until 2k distinct candidates (or 20·k tried): near candidates often
  // sparsify to the same point (one feature's minimal change), so the first 2k alone can leave a
  // single distinct counterfactual.
  const ranked = [...pool.values()].sort((a, b) => a.d - b.d).slice(0, 20 * s.k);
  const cands: Float32Array[] = [];
  const seen = new Set<string>();
  for (const { v } of ranked) {
    if (cands.length >= 2 * s.k) break;
    throwIfAborted(ctx.signal);
    const sp = await sparsify(ctx, p, v);
    const key = Array.from(sp).join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    cands.push(sp);
  }
  // Greedy DPP selection.
  const chosen: Float32Array[] = [];
  const left = cands.slice().sort((a, b) => dist(p, a, p.x) - dist(p, b, p.x));
  if (left.length > 0) chosen.push(left.shift()!);
  while (chosen.length < s.k && left.length > 0) {
    let best = -1;
    let bestV = -Infinity;
    left.forEach((c, i) => {
      if (chosen.some((q) => dist(p, q, c) === 0)) return;
      const set = [...chosen, c];
      const v = s.wd * logDet(kernel(p, set), set.length) - s.wp * dist(p, c, p.x);
      if (v > bestV) {
        bestV = v;
        best = i;
      }
    });
    if (best < 0) break;
    chosen.push(left.splice(best, 1)[0]!);
  }
  let rows: Counterfactual[] = [];
  if (chosen.length > 0) {
    const data = new Float32Array(chosen.length * d);
    chosen.forEach((v, i) => data.set(v, i * d));
    const out = await evaluate(ctx, p, data);
    rows = chosen.map((v, i) => row(p, v, out.slice(i * p.k, (i + 1) * p.k)));
  }
  let minPair = Infinity;
  for (let a = 0; a < chosen.length; a++) for (let b = a + 1; b < chosen.length; b++) minPair = Math.min(minPair, dist(p, chosen[a]!, chosen[b]!));
  const det = chosen.length > 0 ? Math.exp(logDet(kernel(p, chosen), chosen.length)) : 0;
  const base = finish('dice', p, orig, rows, ctx.modelCalls, `no valid counterfactual in ${s.gens} generations of ${s.pop}; raise generations / population or relax the constraints`);
  return {
    ...base,
    message: base.status === 'found' && rows.length < s.k ? `${rows.length} distinct valid counterfactual(s) of ${s.k} requested` : base.message,
    requested: s.k,
    diversity: { dppDeterminant: det, minPairwiseDistance: chosen.length > 1 ? minPair : 0 },
  };
}

/** Functional form of `new Dice(model).generate(x, options)`. */
export function diceCounterfactuals(model: Model, x: Tensor, options: DiceOptions = {}): Promise<DiceResult> {
  return new Dice(model).generate(x, options);
}
