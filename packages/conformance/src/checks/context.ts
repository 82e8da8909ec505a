/** What every conformance check receives, and small helpers shared by the checks. */
import type { Capabilities, Model, OutputSeed, Tensor } from '@glasswing/core';
import type { ConformanceGraph } from '../graphs/types.js';
import { ConformanceError, type Tolerance } from '../numeric.js';
import { suiteRng } from '../rng.js';

export interface ConformanceTolerance {
  /** Adapter forward / activations vs the reference executor. Default atol 1e-5, rtol 1e-4. */
  readonly forward?: Tolerance;
  /** Adapter gradients vs the reference executor. Default atol 1e-5, rtol 1e-3. */
  readonly gradient?: Tolerance;
  /** Analytic gradients vs central finite differences (h = 3e-3). Default atol 2e-3, rtol 2e-2. */
  readonly finiteDifference?: Tolerance;
  /**
   * Integrated-gradients completeness (256 Gauss–Legendre steps):
   * |δ| ≤ completeness · max(|f(x) − f(b)|, Σ|attributions|) + 1e-4. Default 0.01.
   */
  readonly completeness?: number;
  /**
   * A METHODS entry on the model under test vs on the reference executor (the `method-<id>`
   * checks): |a − e| ≤ atol + rtol · max|e| over the attribution tensor. Default atol 1e-5, rtol 1e-3.
   */
  readonly attribution?: Tolerance;
  /**
   * Model internals on the model under test vs on the reference executor where float error
   * travels through an optimisation (feature-visualization images and objective values after a
   * few Adam steps; attention rollout / flow / gradient-weighted products). Default atol 1e-4, rtol 1e-3.
   */
  readonly internals?: Tolerance;
  /**
   * Explanation-quality metrics (scores and curves) on the model under test vs on the reference
   * executor, same maps and seed (`metrics-agree`). Default atol 1e-3, rtol 1e-2 (scores pass
   * through re-explanations and rank statistics).
   */
  readonly metrics?: Tolerance;
}

export interface ResolvedTolerance {
  readonly forward: Tolerance;
  readonly gradient: Tolerance;
  readonly finiteDifference: Tolerance;
  readonly completeness: number;
  readonly attribution: Tolerance;
  readonly internals: Tolerance;
  readonly metrics: Tolerance;
}

export function resolveTolerance(t: ConformanceTolerance | undefined): ResolvedTolerance {
  return {
    forward: t?.forward ?? { atol: 1e-5, rtol: 1e-4 },
    gradient: t?.gradient ?? { atol: 1e-5, rtol: 1e-3 },
    finiteDifference: t?.finiteDifference ?? { atol: 2e-3, rtol: 2e-2 },
    completeness: t?.completeness ?? 0.01,
    attribution: t?.attribution ?? { atol: 1e-5, rtol: 1e-3 },
    internals: t?.internals ?? { atol: 1e-4, rtol: 1e-3 },
    metrics: t?.metrics ?? { atol: 1e-3, rtol: 1e-2 },
  };
}

export interface CheckContext {
  /** The model under test. */
  readonly model: Model;
  /** The same graph on core's reference executor. */
  readonly reference: Model;
  readonly spec: ConformanceGraph;
  readonly tolerance: ResolvedTolerance;
}

/** What a check's run ends with: nothing (passed), or `{ skip }` when it does not apply to the graph. */
export type CheckOutcome = void | { readonly skip: string };

/**
 * One conformance check, run once per graph. Skipped unless the model declares `requires`, or
 * when `run` returns `{ skip: reason }` (the check does not apply to this graph).
 */
export interface ConformanceCheck {
  readonly id: string;
  readonly title: string;
  readonly requires: Partial<Capabilities>;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

/** Examples per batch in the checks. */
export const BATCH = 3;
/** Finite-difference step. */
export const FD_STEP = 3e-3;

export function makeInput(spec: ConformanceGraph, batch: number, seed: number): Tensor {
  const per = spec.inputShape.reduce((a, b) => a * b, 1);
  return { shape: [batch, ...spec.inputShape], data: suiteRng(seed).normals(batch * per) };
}

/** Per-example targets covering the first, last and a middle output. */
export function makeTargets(spec: ConformanceGraph, batch: number): number[] {
  const pool = [0, spec.outputSize - 1, Math.floor(spec.outputSize / 2)];
  return Array.from({ length: batch }, (_, i) => pool[i % pool.length]!);
}

export function indexSeed(indices: readonly number[]): OutputSeed {
  return { kind: 'index', indices };
}

/** A random tensor seed [batch, ...outputShape]. */
export function randomSeed(spec: ConformanceGraph, model: Model, batch: number, seed: number): Tensor {
  return { shape: [batch, ...model.outputShape], data: suiteRng(seed).normals(batch * spec.outputSize) };
}

/** Up to `max` distinct flat coordinates in [0, size), sorted; all of them when size ≤ max. */
export function pickCoords(size: number, max: number, seed: number): number[] {
  if (size <= max) return Array.from({ length: size }, (_, i) => i);
  const rng = suiteRng(seed);
  const chosen = new Set<number>();
  while (chosen.size < max) chosen.add(rng.int(size));
  return [...chosen].sort((a, b) => a - b);
}

/** Rows of `t` picked by `owner` (row r = t[owner[r]]). */
export function gatherRows(t: Tensor, owner: readonly number[]): Tensor {
  const per = t.data.length / t.shape[0]!;
  const out = new Float32Array(owner.length * per);
  owner.forEach((e, r) => out.set(t.data.subarray(e * per, (e + 1) * per), r * per));
  return { shape: [owner.length, ...t.shape.slice(1)], data: out };
}

/** Expects `promise` to reject with a Glasswing error of one of `codes`. */
export async function expectTypedRejection(
  promise: () => Promise<unknown>,
  codes: readonly string[],
  what: string,
): Promise<void> {
  let result: unknown;
  try {
    result = await promise();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && (codes.length === 0 || codes.includes(code))) return;
    const desc = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ConformanceError(`${what}: expected a typed error with code ${codes.join(' or ') || '(any)'}, got ${desc}`);
  }
  void result;
  throw new ConformanceError(`${what}: expected a typed error with code ${codes.join(' or ') || '(any)'}, but the call succeeded`);
}

export function satisfies(caps: Capabilities, requires: Partial<Capabilities>): boolean {
  return (Object.keys(requires) as (keyof Capabilities)[]).every((k) => !requires[k] || caps[k]);
}
