/**
 * Weighted least squares and ridge regression in float64 from streamed sufficient statistics.
 *
 * `WeightedStats` accumulates, sample by sample, Σw, Σw·u, Σw·y, Σw·u uᵀ, Σw·u·y and Σw·y²
 * with u = z − shift and y − yShift, so memory is O(M²) whatever the number of samples.
 * Shifting by a point near the data (LIME: the explained instance and its output) keeps the
 * centred sums accurate. Accumulation is in sample order, so results do not depend on how the
 * samples were batched.
 *
 * `ridge` solves min_β,c Σ wᵢ (yᵢ − c − zᵢ·β)² + α‖β‖² (intercept not penalised), the problem
 * scikit-learn's `Ridge(alpha, fit_intercept=True).fit(X, y, sample_weight=w)` solves, and
 * reports the weighted coefficient of determination R² (as `Ridge.score(X, y, sample_weight)`).
 * `weightedLeastSquares` is the same with α = 0 and optionally no intercept.
 */
import { InvalidArgumentError, NumericError } from '../../../errors.js';
import { choleskyFactor, choleskySolve } from './cholesky.js';

export class WeightedStats {
  readonly m: number;
  sw = 0;
  readonly su: Float64Array;
  sy = 0;
  /** Lower triangle used; full m × m storage. */
  readonly suu: Float64Array;
  readonly suy: Float64Array;
  syy = 0;
  count = 0;
  private readonly shift: Float64Array;
  private readonly yShift: number;
  private readonly u: Float64Array;

  constructor(m: number, shift?: ArrayLike<number>, yShift = 0) {
    if (!Number.isInteger(m) || m < 1) throw new InvalidArgumentError(`WeightedStats needs m ≥ 1 features, got ${m}`);
    if (shift && shift.length !== m) throw new InvalidArgumentError(`shift has ${shift.length} entries for ${m} features`);
    this.m = m;
    this.su = new Float64Array(m);
    this.suu = new Float64Array(m * m);
    this.suy = new Float64Array(m);
    this.shift = shift ? Float64Array.from(shift) : new Float64Array(m);
    this.yShift = yShift;
    this.u = new Float64Array(m);
  }

  /** Add one sample: features z[off .. off+m), response y, weight w ≥ 0. */
  add(z: ArrayLike<number>, off: number, y: number, w: number): void {
    if (!(w >= 0) || !Number.isFinite(w)) throw new NumericError(`sample weight must be finite and ≥ 0, got ${w}`);
    if (!Number.isFinite(y)) throw new NumericError(`response must be finite, got ${y}`);
    this.count++;
    if (w === 0) return;
    const { m, u, su, suu, suy } = this;
    const yc = y - this.yShift;
    for (let j = 0; j < m; j++) u[j] = z[off + j]! - this.shift[j]!;
    this.sw += w;
    this.sy += w * yc;
    this.syy += w * yc * yc;
    for (let j = 0; j < m; j++) {
      const wu = w * u[j]!;
      if (wu === 0) continue;
      su[j] += wu;
      suy[j] += wu * yc;
      const row = j * m;
      for (let k = 0; k <= j; k++) suu[row + k] += wu * u[k]!;
    }
  }

  /** Centred (weighted) Gram matrix Σw (u − ū)(u − ū)ᵀ, full symmetric. */
  centredGram(): Float64Array {
    const { m, sw, su, suu } = this;
    const g = new Float64Array(m * m);
    for (let j = 0; j < m; j++) {
      for (let k = 0; k <= j; k++) {
        const v = suu[j * m + k]! - (su[j]! * su[k]!) / sw;
        g[j * m + k] = v;
        g[k * m + j] = v;
      }
    }
    return g;
  }

  /** Σw (u − ū)(y − ȳ). */
  centredCross(): Float64Array {
    const { m, sw, su, suy, sy } = this;
    const c = new Float64Array(m);
    for (let j = 0; j < m; j++) c[j] = suy[j]! - (su[j]! * sy) / sw;
    return c;
  }

  /** Uncentred Gram Σw u uᵀ, full symmetric. */
  gram(): Float64Array {
    const { m, suu } = this;
    const g = new Float64Array(m * m);
    for (let j = 0; j < m; j++) for (let k = 0; k <= j; k++) g[j * m + k] = g[k * m + j] = suu[j * m + k]!;
    return g;
  }

  /** The shift the features were stored relative to. */
  shiftOf(j: number): number {
    return this.shift[j]!;
  }

  get responseShift(): number {
    return this.yShift;
  }
}

export interface RegressionFit {
  /** Coefficients, one per feature (0 for features not in `subset`). */
  readonly coef: Float64Array;
  /** Intercept in the original (unshifted) coordinates. */
  readonly intercept: number;
  /** Weighted R² on the samples (1 − SS_res / SS_tot); NaN-free: 1 when SS_tot = 0 and the fit is exact, else 0. */
  readonly r2: number;
  /** Ridge added for a rank-deficient system (0 normally). */
  readonly jitter: number;
}

export interface RidgeOptions {
  /** L2 penalty α ≥ 0 (α = 0: plain weighted least squares). */
  readonly alpha: number;
  /** Fit an (unpenalised) intercept. Default true. */
  readonly intercept?: boolean;
  /** Fit only these features (indices); others get coefficient 0. Default all. */
  readonly subset?: readonly number[];
}

/** Ridge / weighted least squares from accumulated statistics. */
export function ridge(stats: WeightedStats, options: RidgeOptions): RegressionFit {
  const { alpha } = options;
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new InvalidArgumentError(`ridge alpha must be a finite number ≥ 0, got ${alpha}`);
  if (!(stats.sw > 0)) throw new NumericError('ridge: the samples have zero total weight (all kernel weights underflowed)');
  const m = stats.m;
  const useIntercept = options.intercept ?? true;
  const subset = options.subset ?? Array.from({ length: m }, (_, j) => j);
  for (const j of subset) {
    if (!Number.isInteger(j) || j < 0 || j >= m) throw new InvalidArgumentError(`ridge: subset index ${j} out of range [0, ${m})`);
  }
  if (!useIntercept && (stats.responseShift !== 0 || Array.from({ length: m }, (_, j) => stats.shiftOf(j)).some((v) => v !== 0))) {
    throw new InvalidArgumentError('ridge without an intercept needs statistics accumulated without a shift');
  }
  const k = subset.length;
  const gFull = useIntercept ? stats.centredGram() : stats.gram();
  const cFull = useIntercept ? stats.centredCross() : stats.suy;
  const g = new Float64Array(k * k);
  const c = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    c[a] = cFull[subset[a]!]!;
    for (let b = 0; b < k; b++) g[a * k + b] = gFull[subset[a]! * m + subset[b]!]!;
    g[a * k + a] += alpha;
  }
  const f = choleskyFactor(g, k);
  const beta = k > 0 ? choleskySolve(f, c) : new Float64Array(0);
  const coef = new Float64Array(m);
  subset.forEach((j, a) => (coef[j] = beta[a]!));
  // Residual sum of squares from the statistics: SS_res = Syy − 2βᵀc + βᵀGβ (G without α).
  const syy = useIntercept ? stats.syy - (stats.sy * stats.sy) / stats.sw : stats.syy;
  let btc = 0;
  let bgb = 0;
  for (let a = 0; a < k; a++) {
    btc += beta[a]! * c[a]!;
    let s = 0;
    for (let b = 0; b < k; b++) s += gFull[subset[a]! * m + subset[b]!]! * beta[b]!;
    bgb += beta[a]! * s;
  }
  const ssRes = Math.max(0, syy - 2 * btc + bgb);
  const ssTot = useIntercept ? Math.max(0, syy) : Math.max(0, stats.syy - (stats.sy * stats.sy) / stats.sw);
  const scale = Math.max(stats.syy, 1e-300);
  const r2 = ssTot > 1e-14 * scale ? 1 - ssRes / ssTot : ssRes <= 1e-14 * scale ? 1 : 0;
  // Intercept: c_shift = (Σw yc − Σw u·β)/Σw in shifted coordinates; undo both shifts.
  let interceptShifted = 0;
  if (useIntercept) {
    let sub = 0;
    for (let j = 0; j < m; j++) sub += stats.su[j]! * coef[j]!;
    interceptShifted = (stats.sy - sub) / stats.sw;
  }
  let back = 0;
  for (let j = 0; j < m; j++) back += stats.shiftOf(j) * coef[j]!;
  const intercept = interceptShifted + stats.responseShift - back;
  for (let j = 0; j < m; j++) if (!Number.isFinite(coef[j]!)) throw new NumericError(`ridge: coefficient ${j} is not finite`);
  return { coef, intercept, r2, jitter: f.jitter };
}

/**
 * Dense convenience: weighted least squares / ridge of y on the rows of X ([rows, m] row-major).
 */
export function weightedLeastSquares(
  x: ArrayLike<number>,
  rows: number,
  m: number,
  y: ArrayLike<number>,
  w: ArrayLike<number>,
  options: Partial<RidgeOptions> = {},
): RegressionFit {
  if (x.length !== rows * m) throw new InvalidArgumentError(`X has ${x.length} entries, expected ${rows}×${m}`);
  if (y.length !== rows || w.length !== rows) throw new InvalidArgumentError(`y and w need ${rows} entries (got ${y.length}, ${w.length})`);
  const stats = new WeightedStats(m);
  for (let r = 0; r < rows; r++) stats.add(x, r * m, y[r]!, w[r]!);
  return ridge(stats, { alpha: options.alpha ?? 0, intercept: options.intercept ?? true, ...(options.subset ? { subset: options.subset } : {}) });
}
