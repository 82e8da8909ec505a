/**
 * Symmetric positive (semi-)definite solves in float64 by Cholesky factorisation A = L Lᵀ.
 *
 * Rank-deficient or badly conditioned systems (a pivot ≤ 1e-12 · the largest diagonal entry)
 * are refactored with a small ridge added to the diagonal, `1e-10 · mean(diag)`, growing ×100
 * until the factorisation succeeds (at most 8 tries); the ridge used is reported as `jitter`.
 * For normal equations XᵀWX β = XᵀWy this gives (close to) the minimum-norm least-squares
 * solution, as a pseudo-inverse would.
 */
import { InvalidArgumentError, NumericError } from '../../../errors.js';

export interface CholeskyFactor {
  readonly n: number;
  /** Lower triangle, row-major n × n (upper part zero). */
  readonly l: Float64Array;
  /** Ridge added to the diagonal to make the factorisation succeed (0 when none was needed). */
  readonly jitter: number;
}

function tryFactor(a: Float64Array, n: number, jitter: number, tol: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]! + jitter;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > tol)) return undefined;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Factor the symmetric n × n matrix `a` (row-major; only the lower triangle is read). */
export function choleskyFactor(a: Float64Array, n: number): CholeskyFactor {
  if (!Number.isInteger(n) || n < 0 || a.length !== n * n) {
    throw new InvalidArgumentError(`choleskyFactor: matrix has ${a.length} entries, expected ${n}×${n}`);
  }
  let maxDiag = 0;
  let sumDiag = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i * n + i]!;
    if (!Number.isFinite(d)) throw new NumericError(`choleskyFactor: non-finite diagonal entry at ${i}`);
    maxDiag = Math.max(maxDiag, Math.abs(d));
    sumDiag += Math.abs(d);
  }
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) throw new NumericError(`choleskyFactor: non-finite entry at ${i}`);
  if (n === 0) return { n, l: new Float64Array(0), jitter: 0 };
  const tol = 1e-12 * maxDiag;
  const first = maxDiag > 0 ? tryFactor(a, n, 0, tol) : undefined;
  if (first) return { n, l: first, jitter: 0 };
  let jitter = 1e-10 * (sumDiag > 0 ? sumDiag / n : 1);
  for (let attempt = 0; attempt < 8; attempt++, jitter *= 100) {
    const l = tryFactor(a, n, jitter, 0);
    if (l) return { n, l, jitter };
  }
  throw new NumericError('choleskyFactor: the matrix is not positive semi-definite');
}

/** Solve L Lᵀ x = b. */
export function choleskySolve(f: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  const { n, l } = f;
  if (b.length !== n) throw new InvalidArgumentError(`choleskySolve: right-hand side has ${b.length} entries, expected ${n}`);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** Solve the symmetric positive (semi-)definite system A x = b. */
export function solveSymmetric(a: Float64Array, b: ArrayLike<number>, n: number): Float64Array {
  return choleskySolve(choleskyFactor(a, n), b);
}
