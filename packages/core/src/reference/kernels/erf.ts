/**
 * erf: evaluated in float64, then rounded to float32.
 * |x| < 2: the Maclaurin series 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)) (terms until negligible);
 * |x| >= 2: 1 − erfc(x) with erfc from its continued fraction
 *   erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated bottom-up.
 * Both are accurate to ~1e-15 on their ranges; beyond |x| = 6 erf is ±1 in float32 (and double to 1e-17).
 */
import type { Tensor } from '../../tensor.js';
import { checkTensor } from './util.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x; // (−1)ⁿ x^(2n+1) / n!
  let sum = x;
  for (let n = 1; n < 100; n++) {
    term *= -x2 / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/** erfc(x) for x >= 2 via the continued fraction (80 levels: converged to double precision at x = 2). */
function erfcFraction(x: number): number {
  let f = x;
  for (let k = 80; k >= 1; k--) f = x + k / 2 / f;
  return (Math.exp(-x * x) * INV_SQRT_PI) / f;
}

/** erf of one float64 number. */
export function erfScalar(x: number): number {
  if (Number.isNaN(x) || x === 0) return x; // keeps the sign of −0
  const a = Math.abs(x);
  if (a < 2) return erfSeries(x);
  if (a >= 6) return x > 0 ? 1 : -1;
  const r = 1 - erfcFraction(a);
  return x > 0 ? r : -r;
}

export function erf(x: Tensor): Tensor {
  checkTensor(x, 'erf');
  const a = x.data;
  const o = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) o[i] = erfScalar(a[i]!);
  return { shape: [...x.shape], data: o };
}
