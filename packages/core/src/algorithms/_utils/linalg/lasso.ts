/**
 * Lasso by cyclic coordinate descent in Gram form (float64), and feature ranking along the lasso
 * path.
 *
 * `lassoGram` minimises ½ βᵀGβ − cᵀβ + λ‖β‖₁, where G = XᵀWX and c = XᵀWy (any weighted least
 * squares problem without intercept; centre X and y first for one with an intercept). Each sweep
 * updates β_j ← S(c_j − Σ_{k≠j} G_jk β_k, λ) / G_jj (S = soft threshold) in index order; it stops
 * when the largest coefficient change in a sweep is ≤ tol · max|β| or after maxIter sweeps.
 *
 * `lassoPathOrder` ranks features by when they enter the lasso path: λ runs down a geometric grid
 * of `steps` values from λ_max = max|c_j| (where β = 0) to λ_max · 1e-6, warm-started; a feature's
 * rank is the first grid point where its coefficient becomes non-zero (ties: the larger |β_j| at
 * that point, then the lower index); features never entering come last, by |c_j|. This plays the
 * role of scikit-learn's `lars_path` in SHAP's `num_features(k)` and LIME's `lasso_path` feature
 * selection (LARS follows the same path exactly; the grid resolves the entry order approximately
 * when two features enter between neighbouring grid points).
 */
import { InvalidArgumentError } from '../../../errors.js';

export interface LassoOptions {
  readonly maxIter?: number;
  readonly tol?: number;
  /** Starting point (warm start), length n. */
  readonly init?: ArrayLike<number>;
}

function checkSystem(g: ArrayLike<number>, c: ArrayLike<number>, n: number): void {
  if (!Number.isInteger(n) || n < 1 || g.length !== n * n || c.length !== n) {
    throw new InvalidArgumentError(`lasso: Gram matrix ${g.length} entries and c ${c.length} entries do not fit n = ${n}`);
  }
}

export function lassoGram(
  g: ArrayLike<number>,
  c: ArrayLike<number>,
  n: number,
  lambda: number,
  options: LassoOptions = {},
): Float64Array {
  checkSystem(g, c, n);
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new InvalidArgumentError(`lasso: λ must be finite and ≥ 0, got ${lambda}`);
  const maxIter = options.maxIter ?? 1000;
  const tol = options.tol ?? 1e-10;
  const beta = options.init ? Float64Array.from(options.init) : new Float64Array(n);
  // r = c − Gβ maintained incrementally.
  const r = Float64Array.from(c);
  for (let j = 0; j < n; j++) {
    if (beta[j] === 0) continue;
    for (let i = 0; i < n; i++) r[i] -= g[i * n + j]! * beta[j]!;
  }
  for (let it = 0; it < maxIter; it++) {
    let maxDelta = 0;
    let maxBeta = 0;
    for (let j = 0; j < n; j++) {
      const gjj = g[j * n + j]!;
      if (!(gjj > 0)) continue;
      const rho = r[j]! + gjj * beta[j]!;
      const next = rho > lambda ? (rho - lambda) / gjj : rho < -lambda ? (rho + lambda) / gjj : 0;
      const delta = next - beta[j]!;
      if (delta !== 0) {
        for (let i = 0; i < n; i++) r[i] -= g[i * n + j]! * delta;
        beta[j] = next;
        maxDelta = Math.max(maxDelta, Math.abs(delta));
      }
      maxBeta = Math.max(maxBeta, Math.abs(next));
    }
    if (maxDelta <= tol * Math.max(maxBeta, 1e-300)) break;
  }
  return beta;
}

/** Feature indices ordered by entry into the lasso path (see the file comment). */
export function lassoPathOrder(g: ArrayLike<number>, c: ArrayLike<number>, n: number, steps = 100): number[] {
  checkSystem(g, c, n);
  let lambdaMax = 0;
  for (let j = 0; j < n; j++) lambdaMax = Math.max(lambdaMax, Math.abs(c[j]!));
  const entered = new Array<number>(n).fill(Number.POSITIVE_INFINITY);
  const magnitude = new Float64Array(n);
  if (lambdaMax > 0) {
    let beta: Float64Array = new Float64Array(n);
    const ratio = Math.pow(1e-6, 1 / Math.max(1, steps - 1));
    let lambda = lambdaMax;
    for (let s = 0; s < steps; s++, lambda *= ratio) {
      beta = lassoGram(g, c, n, lambda, { init: beta });
      for (let j = 0; j < n; j++) {
        if (entered[j] === Number.POSITIVE_INFINITY && beta[j] !== 0) {
          entered[j] = s;
          magnitude[j] = Math.abs(beta[j]!);
        }
      }
      if (entered.every((e) => e !== Number.POSITIVE_INFINITY)) break;
    }
  }
  const idx = Array.from({ length: n }, (_, j) => j);
  idx.sort((a, b) => {
    if (entered[a] !== entered[b]) return entered[a]! - entered[b]!;
    if (entered[a] === Number.POSITIVE_INFINITY) return Math.abs(c[b]!) - Math.abs(c[a]!) || a - b;
    return magnitude[b]! - magnitude[a]! || a - b;
  });
  return idx;
}
