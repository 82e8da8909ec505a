/**
 * erf(x), accurate to ~1e-7 absolute in float32 arithmetic (webasm and GL compute in f32):
 * |x| < 1 by its Maclaurin series (13 terms, Horner in x²; truncation < 1e-10), |x| >= 1 as
 * 1 − erfc(|x|) with Numerical Recipes' Chebyshev erfc (relative error < 1.2e-7, and erfc(1) < 0.16),
 * odd-extended.
 */
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { mapUnaryBody } from './unary.js';

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/** (2/√π) Σ (−1)^n x^(2n+1) / (n! (2n+1)), Horner in u = x². */
const SERIES = (() => {
  const c = Array.from({ length: 13 }, (_, n) => ((n % 2 ? -1 : 1) * 2) / Math.sqrt(Math.PI) / (factorial(n) * (2 * n + 1)));
  let e = c[12]!.toPrecision(17);
  for (let n = 11; n >= 0; n--) e = `${c[n]!.toPrecision(17)} + u * (${e})`;
  return e;
})();

const ERFC =
  'const t = 1 / (1 + 0.5 * z);\n' +
  'const e = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));';

const BODY = `const z = Math.abs(v);
if (z < 1) { const u = v * v; return v * (${SERIES}); }
${ERFC}
return v > 0 ? 1 - e : e - 1;`;

export const erf = (rt: GpujsRuntime, x: GpuTensor) => mapUnaryBody(rt, x, BODY);
