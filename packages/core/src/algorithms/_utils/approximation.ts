/**
 * Integration nodes α ∈ [0, 1] and weights for path methods (integrated gradients), following
 * Captum's `approximation_methods`:
 *
 * - `gausslegendre`: the n-point Gauss–Legendre rule on [−1, 1] (nodes ascending) mapped to
 *   [0, 1] by α = (1 + node)/2 with weights w/2. Nodes are found here by Newton iteration on the
 *   Legendre polynomial Pₙ (three-term recurrence) in float64; weights 2/((1 − x²)·Pₙ′(x)²).
 *   Exact for polynomials of degree ≤ 2n − 1.
 * - `riemann_left` / `riemann_right` / `riemann_middle`: weights 1/n at α = linspace(0, 1 − 1/n),
 *   linspace(1/n, 1), linspace(1/(2n), 1 − 1/(2n)).
 * - `riemann_trapezoid`: α = linspace(0, 1, n); weights 1/n with both end weights halved (they
 *   sum to (n − 1)/n, as in Captum — not the textbook trapezoid weights 1/(n − 1)). Needs n ≥ 2.
 *
 * Captum builds the Riemann α with `torch.linspace` in float32; `linspaceF32` reproduces
 * torch's CPU scalar formula (float32 step; start + step·i for the first half, end − step·(n−1−i)
 * for the second) with float32 rounding at each operation. Gauss–Legendre α are float64, as in
 * Captum. Deviation: weights stay float64 here (Captum casts them to float32, a ≈1e-8 relative
 * effect).
 */
import { InvalidArgumentError } from '../../errors.js';

export type Quadrature = 'gausslegendre' | 'riemann_left' | 'riemann_right' | 'riemann_middle' | 'riemann_trapezoid';

export const QUADRATURES: readonly Quadrature[] = [
  'gausslegendre',
  'riemann_left',
  'riemann_right',
  'riemann_middle',
  'riemann_trapezoid',
];

export interface QuadratureRule {
  /** Integration points in [0, 1]. */
  readonly alphas: Float64Array;
  /** Weight of each point. */
  readonly weights: Float64Array;
}

const f32 = Math.fround;

/** torch.linspace(start, end, n) in float32 (CPU scalar path). */
export function linspaceF32(start: number, end: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = f32(start);
    return out;
  }
  const s = f32(start);
  const e = f32(end);
  const step = f32(f32(e - s) / (n - 1));
  const half = Math.floor(n / 2);
  for (let i = 0; i < n; i++) {
    out[i] = i < half ? f32(s + f32(step * i)) : f32(e - f32(step * (n - 1 - i)));
  }
  return out;
}

/** Pₙ(x) and Pₙ′(x) by the three-term recurrence. */
function legendre(n: number, x: number): [number, number] {
  let p0 = 1;
  let p1 = x;
  if (n === 0) return [1, 0];
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  // Pₙ′(x) = n (x Pₙ − Pₙ₋₁) / (x² − 1)
  const dp = (n * (x * p1 - p0)) / (x * x - 1);
  return [p1, dp];
}

/** n-point Gauss–Legendre nodes (ascending) and weights on [−1, 1]. */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`Gauss–Legendre needs n ≥ 1 points, got ${n}`);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const m = Math.floor((n + 1) / 2);
  for (let i = 0; i < m; i++) {
    // Initial guess for the i-th largest root.
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      const [p, d] = legendre(n, x);
      dp = d;
      const dx = p / d;
      x -= dx;
      if (Math.abs(dx) <= 1e-16 * Math.max(1, Math.abs(x))) break;
    }
    dp = legendre(n, x)[1];
    const w = 2 / ((1 - x * x) * dp * dp);
    // Symmetric pair: −x at i, +x at n−1−i (ascending order).
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  if (n % 2 === 1) nodes[(n - 1) / 2] = 0;
  return { nodes, weights };
}

/** Nodes and weights of `method` with `n` points on [0, 1]. */
export function quadratureRule(method: Quadrature, n: number): QuadratureRule {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`steps must be an integer ≥ 1, got ${n}`);
  switch (method) {
    case 'gausslegendre': {
      const { nodes, weights } = gaussLegendre(n);
      return { alphas: nodes.map((v) => 0.5 * (1 + v)), weights: weights.map((w) => 0.5 * w) };
    }
    case 'riemann_left':
      return { alphas: linspaceF32(0, 1 - 1 / n, n), weights: new Float64Array(n).fill(1 / n) };
    case 'riemann_right':
      return { alphas: linspaceF32(1 / n, 1, n), weights: new Float64Array(n).fill(1 / n) };
    case 'riemann_middle':
      return { alphas: linspaceF32(1 / (2 * n), 1 - 1 / (2 * n), n), weights: new Float64Array(n).fill(1 / n) };
    case 'riemann_trapezoid': {
      if (n < 2) throw new InvalidArgumentError('riemann_trapezoid needs steps ≥ 2');
      const weights = new Float64Array(n).fill(1 / n);
      weights[0] = 1 / (2 * n);
      weights[n - 1] = 1 / (2 * n);
      return { alphas: linspaceF32(0, 1, n), weights };
    }
    default:
      throw new InvalidArgumentError(
        `unknown quadrature '${String(method)}'; expected one of ${QUADRATURES.join(', ')}`,
      );
  }
}
