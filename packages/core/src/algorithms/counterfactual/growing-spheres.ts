/**
 * Growing Spheres (Laugel, Lesot, Marsala, Renard & Detyniecki 2018): a model-agnostic
 * counterfactual ("closest enemy") from forward calls only.
 *
 * 1. Draw `samples` points uniformly in the ball of radius η around x; while any is an enemy
 *    (valid for the desired outcome), halve η and draw again (at most `maxHalvings` times).
 * 2. Grow: draw `samples` points uniformly in the layer (shell) a₀ ≤ ‖z‖ ≤ a₁, starting with
 *    [η, 2η] and moving out by η (a₀ ← a₁, a₁ ← a₁ + η) until a layer holds an enemy (at most
 *    `maxLayers` layers: then the result is 'not-found').
 * 3. The enemy of that layer closest to x (in the method's distance) is the candidate.
 * 4. Feature selection (the paper's sparsity step): revert the changed features to x, smallest
 *    scaled change first, keeping each reversion while the point stays an enemy.
 *
 * Distances are taken in scaled coordinates z = (x' − x) / scale (MAD for l1-mad; 1, or `scale`,
 * for l2), where the spheres are drawn. A uniform point in a shell: direction = a normalised
 * standard-normal vector over the mutable features, radius = (a₀ᵈ + u (a₁ᵈ − a₀ᵈ))^{1/d} with d
 * the mutable dimension. Every sample is then projected onto the feasible set (box, integers,
 * one-hot vertices, immutables fixed), so with constraints the draw is no longer uniform.
 * The enemy found is at a distance ≥ the true minimum (any valid point is), and within the width
 * η of the first layer holding an enemy when the cap of enemies there is hit.
 *
 * Seeded: the i-th draw of step k uses createRng(seed).derive(k); bit-reproducible per engine.
 * Model calls: one per drawn ball / layer (`samples` rows each), then one per changed feature.
 */
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { InvalidArgumentError, throwIfAborted } from '../../errors.js';
import { createRng } from '../../random/prng.js';
import { checkPositiveInt, ModelCaller } from '../_utils/common.js';
import {
  describe,
  dist,
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
import { sparsify } from './cf-search.js';

export interface GrowingSpheresOptions extends CounterfactualOptions {
  /** Points per ball / layer (default 500). */
  readonly samples?: number;
  /** Initial radius η in scaled units (default 1). */
  readonly radius?: number;
  /** Most layers grown (default 100). */
  readonly maxLayers?: number;
  /** Most halvings of η (default 20). */
  readonly maxHalvings?: number;
  /** Feature-selection step (default true). */
  readonly sparsify?: boolean;
}

export interface GrowingSpheresResult extends CounterfactualResult {
  /** η after halving, and the layer [a₀, a₁] where the enemy was found. */
  readonly radius: number;
  readonly layer: readonly [number, number];
}

/** Growing Spheres on any model (forward calls only). */
export class GrowingSpheres {
  constructor(readonly model: Model) {}

  async generate(x: Tensor, options: GrowingSpheresOptions = {}): Promise<GrowingSpheresResult> {
    const p0 = resolveProblem(this.model, x, options, 'growing-spheres');
    const samples = checkPositiveInt(options.samples, 'samples', 500);
    const maxLayers = checkPositiveInt(options.maxLayers, 'maxLayers', 100);
    const maxHalvings = checkPositiveInt(options.maxHalvings, 'maxHalvings', 20, 0);
    const eta = options.radius ?? 1;
    if (!(eta > 0) || !Number.isFinite(eta)) throw new InvalidArgumentError(`radius must be a positive number, got ${String(eta)}`);
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer, got ${String(seed)}`);
    const ctx = new ModelCaller(this.model, options.signal, options.onProgress);
    throwIfAborted(options.signal);
    ctx.plan(3);
    const orig = await evaluate(ctx, p0, p0.x);
    const p = resolveDesired(p0, orig, options);
    return growingSpheres(ctx, p, orig, { samples, maxLayers, maxHalvings, eta, seed, sparsify: options.sparsify ?? true });
  }
}

interface Settings {
  samples: number;
  maxLayers: number;
  maxHalvings: number;
  eta: number;
  seed: number;
  sparsify: boolean;
}

async function growingSpheres(ctx: ModelCaller, p: Problem, orig: Float32Array, s: Settings): Promise<GrowingSpheresResult> {
  const { d } = p;
  const mut: number[] = [];
  for (let j = 0; j < d; j++) if (p.mutable[j]) mut.push(j);
  const dim = mut.length;
  const root = createRng(s.seed);
  let draw = 0;
  const rows = new Float32Array(s.samples * d);
  // Draws `samples` projected points in the shell [a0, a1]; returns the closest enemy, if any.
  const layer = async (a0: number, a1: number): Promise<Float32Array | undefined> => {
    const rng = root.derive(draw++);
    const dir = new Float64Array(dim);
    const p0 = Math.pow(a0, dim);
    const p1 = Math.pow(a1, dim);
    for (let i = 0; i < s.samples; i++) {
      let n2 = 0;
      for (let q = 0; q < dim; q++) {
        dir[q] = rng.normal();
        n2 += dir[q]! * dir[q]!;
      }
      const r = Math.pow(p0 + rng.uniform() * (p1 - p0), 1 / dim) / Math.sqrt(n2 || 1);
      const off = i * d;
      rows.set(p.x, off);
      mut.forEach((j, q) => (rows[off + j] = p.x[j]! + p.scale[j]! * r * dir[q]!));
      project(p, rows, off);
    }
    ctx.plan(1);
    const out = await evaluate(ctx, p, rows);
    let best = -1;
    let bestD = Infinity;
    for (let i = 0; i < s.samples; i++) {
      if (scoreOf(p, out, i).score <= 0) continue;
      const dd = dist(p, rows, p.x, i * d);
      if (dd < bestD) {
        bestD = dd;
        best = i;
      }
    }
    return best < 0 ? undefined : rows.slice(best * d, (best + 1) * d);
  };
  let eta = s.eta;
  for (let h = 0; h < s.maxHalvings && (await layer(0, eta)); h++) eta /= 2;
  let a0 = eta;
  let a1 = 2 * eta;
  let enemy: Float32Array | undefined;
  for (let l = 0; l < s.maxLayers; l++) {
    enemy = await layer(a0, a1);
    if (enemy) break;
    a0 = a1;
    a1 += eta;
  }
  const extra = { radius: eta, layer: [a0, a1] as const };
  if (!enemy) {
    return { ...finish('growing-spheres', p, orig, [], ctx.modelCalls, `no enemy within ${a0} scaled units after ${s.maxLayers} layers; raise maxLayers / radius or relax the constraints`), ...extra };
  }
  const cf = s.sparsify ? await sparsify(ctx, p, enemy) : enemy;
  const row = await describe(ctx, p, cf);
  return { ...finish('growing-spheres', p, orig, [row], ctx.modelCalls, ''), ...extra };
}

/** Functional form of `new GrowingSpheres(model).generate(x, options)`. */
export function growingSpheresCounterfactual(model: Model, x: Tensor, options: GrowingSpheresOptions = {}): Promise<GrowingSpheresResult> {
  return new GrowingSpheres(model).generate(x, options);
}
