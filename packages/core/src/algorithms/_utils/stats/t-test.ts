/**
 * Student's t distribution and the two-sample t-test (TCAV significance). Implemented here
 * because core has no runtime dependencies; the formulas are the textbook ones:
 *
 *   ln Γ(z)            Lanczos approximation (g = 7, 9 terms), |error| < 1e-13 for z > 0.5,
 *                      reflection formula below.
 *   I_x(a, b)          regularized incomplete beta, by its continued fraction evaluated with the
 *                      modified Lentz method (converges fast for x < (a + 1) / (a + b + 2); the
 *                      symmetry I_x(a, b) = 1 − I_{1−x}(b, a) covers the other side).
 *   P(|T_ν| ≥ t)       = I_{ν / (ν + t²)}(ν / 2, 1 / 2)   (two-sided tail of Student's t).
 *
 * `tTestIndependent` is scipy.stats.ttest_ind with its default `equal_var=True` (Student's test,
 * pooled variance, ν = n₁ + n₂ − 2), which is what Captum's TCAV tutorial calls to compare a
 * concept's scores with the random concepts' scores.
 */
import { InvalidArgumentError } from '../../../errors.js';

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (and non-integer z ≤ 0 through the reflection formula, as ln |Γ(z)|). */
export function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - logGamma(1 - z);
  const x = z - 1;
  let a = LANCZOS[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

const TINY = 1e-300;
const EPS = 1e-15;
const MAX_TERMS = 10_000;

/** Continued fraction of I_x(a, b) (without the prefactor), modified Lentz method. */
function betaFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_TERMS; m++) {
    const m2 = 2 * m;
    // Even step.
    let num = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    // Odd step.
    num = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPS) return h;
  }
  return h;
}

/** Regularized incomplete beta function I_x(a, b), a, b > 0, 0 ≤ x ≤ 1. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new InvalidArgumentError(`incomplete beta: a and b must be > 0 (got a = ${a}, b = ${b})`);
  if (!(x >= 0 && x <= 1)) throw new InvalidArgumentError(`incomplete beta: x must be in [0, 1] (got ${x})`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(lnFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(a, b, x)) / a;
  return 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(|T| ≥ |t|) for Student's t with ν degrees of freedom (two-sided tail). ν > 0. */
export function studentTTwoSided(t: number, df: number): number {
  if (!(df > 0)) throw new InvalidArgumentError(`Student's t: degrees of freedom must be > 0 (got ${df})`);
  if (Number.isNaN(t)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** P(T ≤ t) for Student's t with ν degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = studentTTwoSided(t, df) / 2;
  return t >= 0 ? 1 - tail : tail;
}

export interface TTestResult {
  /** t statistic (mean(a) − mean(b)) / (s_p √(1/n₁ + 1/n₂)). */
  readonly statistic: number;
  /** Two-sided p-value. */
  readonly pValue: number;
  /** Degrees of freedom n₁ + n₂ − 2. */
  readonly df: number;
}

function meanVar(v: readonly number[]): [number, number] {
  let m = 0;
  for (const x of v) m += x;
  m /= v.length;
  let s = 0;
  for (const x of v) s += (x - m) * (x - m);
  return [m, s];
}

/**
 * Two-sided two-sample Student's t-test with pooled variance (scipy.stats.ttest_ind,
 * equal_var=True). Both samples need ≥ 2 values. When both samples are constant: p = 1 when
 * their means are equal (scipy gives NaN; no evidence of a difference), p = 0 otherwise.
 */
export function tTestIndependent(a: readonly number[], b: readonly number[]): TTestResult {
  if (a.length < 2 || b.length < 2) {
    throw new InvalidArgumentError(`t-test needs at least 2 values per sample (got ${a.length} and ${b.length})`);
  }
  if (![...a, ...b].every(Number.isFinite)) throw new InvalidArgumentError('t-test: the samples contain a non-finite value');
  const [ma, ssa] = meanVar(a);
  const [mb, ssb] = meanVar(b);
  const df = a.length + b.length - 2;
  const pooled = (ssa + ssb) / df;
  const se = Math.sqrt(pooled * (1 / a.length + 1 / b.length));
  if (se === 0) {
    return ma === mb ? { statistic: 0, pValue: 1, df } : { statistic: ma > mb ? Infinity : -Infinity, pValue: 0, df };
  }
  const statistic = (ma - mb) / se;
  return { statistic, pValue: studentTTwoSided(statistic, df), df };
}
