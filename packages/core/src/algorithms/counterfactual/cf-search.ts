/**
 * Search steps the counterfactual methods share: greedy sparsification, the bisection back to the
 * decision boundary, and the sampling ranges of the forward-only searches.
 */
import type { ModelCaller } from '../_utils/common.js';
import { evaluate, scoreOf, type Problem } from './cf-common.js';

/**
 * Greedy sparsification (Laugel et al.'s feature selection, DiCE's post-hoc sparsity): revert the
 * changed units to the example's values, smallest scaled change first, keeping each reversion
 * while x' stays valid. One model call per changed unit.
 */
export async function sparsify(ctx: ModelCaller, p: Problem, cf: Float32Array): Promise<Float32Array> {
  let cur = Float32Array.from(cf);
  const changed = p.units
    .map((u) => ({ u, size: u.reduce((s, j) => s + Math.abs(cur[j]! - p.x[j]!) / p.scale[j]!, 0) }))
    .filter((c) => c.size > 0)
    .sort((a, b) => a.size - b.size);
  for (const { u } of changed) {
    const trial = Float32Array.from(cur);
    for (const j of u) trial[j] = p.x[j]!;
    const out = await evaluate(ctx, p, trial);
    if (scoreOf(p, out).score > 0) cur = trial;
  }
  return cur;
}

/**
 * The closest valid point to x on the segment x → cf along the continuous (non-integer,
 * non-categorical) features, by bisection (`iters` model calls, one call of 1 row each); integer
 * and categorical features keep the counterfactual's values. Returns cf unchanged when no
 * continuous feature changed.
 */
export async function pullToBoundary(ctx: ModelCaller, p: Problem, cf: Float32Array, iters = 30): Promise<Float32Array> {
  const cont: number[] = [];
  for (let j = 0; j < p.d; j++) if (p.mutable[j] && !p.isInt[j] && p.groupOf[j]! < 0 && cf[j] !== p.x[j]) cont.push(j);
  if (cont.length === 0) return cf;
  const at = (a: number) => {
    const v = Float32Array.from(cf);
    for (const j of cont) v[j] = p.x[j]! + a * (cf[j]! - p.x[j]!);
    return v;
  };
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < iters; i++) {
    const mid = (lo + hi) / 2;
    const out = await evaluate(ctx, p, at(mid));
    if (scoreOf(p, out).score > 0) hi = mid;
    else lo = mid;
  }
  return at(hi);
}

/** Per-feature sampling ranges: the given range, else the data's min / max, else x ± 3·scale. */
export function samplingRanges(p: Problem): { lo: Float64Array; hi: Float64Array } {
  const lo = Float64Array.from(p.lo);
  const hi = Float64Array.from(p.hi);
  const m = p.data ? p.data.shape[0]! : 0;
  for (let j = 0; j < p.d; j++) {
    if (Number.isFinite(lo[j]!) && Number.isFinite(hi[j]!)) continue;
    let a = Infinity;
    let b = -Infinity;
    for (let i = 0; i < m; i++) {
      const v = p.data!.data[i * p.d + j]!;
      a = Math.min(a, v);
      b = Math.max(b, v);
    }
    if (m === 0 || a === b) {
      a = p.x[j]! - 3 * p.scale[j]!;
      b = p.x[j]! + 3 * p.scale[j]!;
    }
    if (!Number.isFinite(lo[j]!)) lo[j] = Math.min(a, p.x[j]!);
    if (!Number.isFinite(hi[j]!)) hi[j] = Math.max(b, p.x[j]!);
  }
  return { lo, hi };
}
