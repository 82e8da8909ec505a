/**
 * Central finite differences of a seeded scalar s(row) = Σ_j seed_j · y_j, summed in float64,
 * over a batched evaluation (all perturbed points of all examples in one call per chunk).
 *
 * One-sided differences are computed too: where they disagree the point sits on a kink (ReLU,
 * max-pool tie) within ±h and the coordinate is reported as non-smooth instead of compared.
 */
import type { Tensor } from '@glasswing/core';
import { ConformanceError, type Tolerance } from './numeric.js';

/** Evaluates s for every row of `points`; `owner[r]` is the example row r perturbs. */
export type SeededEvaluator = (points: Tensor, owner: readonly number[]) => Promise<Float64Array>;

export interface FiniteDifferenceOptions {
  /** Step. */
  readonly h: number;
  /** Coordinates (flat, per example) to perturb. */
  readonly coords: readonly number[];
  /** Maximum rows per evaluation call. */
  readonly chunk?: number;
}

export interface FiniteDifferenceResult {
  /** [example][coord] central difference. */
  readonly central: Float64Array[];
  /** [example][coord] |forward − backward| one-sided difference (≈ h·|f''| where smooth). */
  readonly disagreement: Float64Array[];
}

/** Σ_j seed[row]_j · outputs[row]_j in float64. */
export function seededSums(outputs: Tensor, seed: Tensor, owner: readonly number[]): Float64Array {
  const rows = outputs.shape[0]!;
  const per = outputs.data.length / rows;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const so = owner[r]! * per;
    let s = 0;
    for (let j = 0; j < per; j++) s += seed.data[so + j]! * outputs.data[r * per + j]!;
    out[r] = s;
  }
  return out;
}

export async function centralDifferences(
  base: Tensor,
  evaluate: SeededEvaluator,
  options: FiniteDifferenceOptions,
): Promise<FiniteDifferenceResult> {
  const n = base.shape[0]!;
  const per = base.data.length / n;
  const { h, coords } = options;
  const rowsPerExample = 1 + 2 * coords.length;
  const total = n * rowsPerExample;
  const chunk = Math.max(rowsPerExample, options.chunk ?? 512);
  const values = new Float64Array(total);
  // row layout: example e, then [base, +h c0, −h c0, +h c1, −h c1, ...]
  for (let start = 0; start < total; start += chunk) {
    const end = Math.min(total, start + chunk);
    const data = new Float32Array((end - start) * per);
    const owner: number[] = [];
    for (let r = start; r < end; r++) {
      const e = Math.floor(r / rowsPerExample);
      const k = r % rowsPerExample;
      const row = data.subarray((r - start) * per, (r - start + 1) * per);
      row.set(base.data.subarray(e * per, (e + 1) * per));
      if (k > 0) {
        const c = coords[(k - 1) >> 1]!;
        row[c] = row[c]! + ((k - 1) % 2 === 0 ? h : -h);
      }
      owner.push(e);
    }
    const s = await evaluate({ shape: [end - start, ...base.shape.slice(1)], data }, owner);
    values.set(s, start);
  }
  const central: Float64Array[] = [];
  const disagreement: Float64Array[] = [];
  for (let e = 0; e < n; e++) {
    const o = e * rowsPerExample;
    const f0 = values[o]!;
    const c = new Float64Array(coords.length);
    const k = new Float64Array(coords.length);
    for (let i = 0; i < coords.length; i++) {
      // Perturbations are applied in float32; use the step actually taken.
      const x = base.data[e * per + coords[i]!]!;
      const up = Math.fround(x + h) - x;
      const down = x - Math.fround(x - h);
      const fp = values[o + 1 + 2 * i]!;
      const fm = values[o + 2 + 2 * i]!;
      c[i] = (fp - fm) / (up + down);
      const forward = (fp - f0) / up;
      const backward = (f0 - fm) / down;
      k[i] = Math.abs(forward - backward);
    }
    central.push(c);
    disagreement.push(k);
  }
  return { central, disagreement };
}

/**
 * Compare an analytic gradient [N, ...] with finite differences at `coords`. A coordinate whose
 * one-sided differences disagree by more than 2·(atol + rtol·|central|) straddles a kink (the
 * central difference is then off by half that disagreement) and is skipped — but at most
 * `maxKinkFraction` of them may be.
 */
export function expectMatchesFiniteDifferences(
  gradient: Tensor,
  fd: FiniteDifferenceResult,
  coords: readonly number[],
  tol: Tolerance,
  what: string,
  maxKinkFraction = 0.25,
): void {
  const n = gradient.shape[0]!;
  const per = gradient.data.length / n;
  let kinks = 0;
  let worst = { excess: 0, e: -1, c: -1, g: 0, d: 0 };
  let failures = 0;
  for (let e = 0; e < n; e++) {
    for (let i = 0; i < coords.length; i++) {
      const d = fd.central[e]![i]!;
      if (fd.disagreement[e]![i]! > 2 * (tol.atol + tol.rtol * Math.abs(d))) {
        kinks++;
        continue;
      }
      const g = gradient.data[e * per + coords[i]!]!;
      if (!Number.isFinite(g)) throw new ConformanceError(`${what}: non-finite gradient ${g}`);
      const excess = Math.abs(g - d) - (tol.atol + tol.rtol * Math.abs(d));
      if (excess > 0) {
        failures++;
        if (excess > worst.excess) worst = { excess, e, c: coords[i]!, g, d };
      }
    }
  }
  const total = n * coords.length;
  if (kinks > maxKinkFraction * total) {
    throw new ConformanceError(`${what}: ${kinks}/${total} coordinates are non-smooth at step h; the check is inconclusive`);
  }
  if (failures > 0) {
    throw new ConformanceError(
      `${what}: ${failures}/${total - kinks} coordinates differ from central finite differences ` +
        `(atol ${tol.atol}, rtol ${tol.rtol}); worst: example ${worst.e}, flat index ${worst.c}: ` +
        `analytic ${worst.g}, finite difference ${worst.d}`,
    );
  }
}
