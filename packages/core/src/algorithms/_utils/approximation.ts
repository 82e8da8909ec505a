/**
 * Integration nodes α ∈ [0, 1] and weights for path methods (integrated gradients), following
 * Captum's `approximation_methods`:
 *
 * - `gausslegendre`: the n-point Gauss–Legendre rule on [−1, 1] (nodes ascending) mapped to
 *   [0, 1] by α = (1 + node)/2 with weights w/2, in float64; weights 2/((1 − x²)·Pₙ′(x)²).
 *   Exact for polynomials of degree ≤ 2n − 1. Up to 100 points the nodes come from Newton
 *   iteration on Pₙ by its three-term recurrence; above, from an O(1)-per-node asymptotic
 *   expansion polished by Newton (gauss-legendre.ts), so 10⁷ points cost O(10⁷), and any index
 *   range can be computed alone (`lazyQuadratureRule`).
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
 *
 * `lazyQuadratureRule(method, n).slice(start, end)` gives the values of indices [start, end)
 * only (O(end − start)), identical to the same indices of `quadratureRule(method, n)`.
 */
import { InvalidArgumentError } from '../../errors.js';
import { legendreRoots } from './gauss-legendre.js';

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

/**
 * A quadrature rule computed on demand: `slice(start, end)` gives the points and weights of
 * indices [start, end) in O(end − start) time and memory, so a path method with 10⁷ steps asks
 * only for the chunk of steps it is about to evaluate. Every index's values are the same
 * whatever the slice they are asked in (`quadratureRule(m, n)` is `lazyQuadratureRule(m, n).slice(0, n)`).
 */
export interface LazyQuadratureRule {
  readonly method: Quadrature;
  /** Number of points. */
  readonly n: number;
  /** Points α_k ∈ [0, 1] (ascending) and weights w_k for k ∈ [start, end). */
  slice(start: number, end: number): QuadratureRule;
}

/** torch.linspace(start, end, n) element i in float32 (see linspaceF32). */
function linspaceAt(s: number, e: number, step: number, n: number, i: number): number {
  if (n === 1) return s;
  return i < Math.floor(n / 2) ? f32(s + f32(step * i)) : f32(e - f32(step * (n - 1 - i)));
}

function checkSteps(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`steps must be an integer ≥ 1, got ${n}`);
}

function checkRange(n: number, start: number, end: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > n || start > end) {
    throw new InvalidArgumentError(`quadrature slice [${start}, ${end}) is not inside [0, ${n})`);
  }
}

/**
 * The lazy form of `quadratureRule`: validates `method` and `n` (throws InvalidArgumentError
 * like quadratureRule) and computes nothing else until `slice` is called. Gauss–Legendre costs
 * O(1) per point (gauss-legendre.ts) after an O(n) set-up on the first slice near an end.
 */
export function lazyQuadratureRule(method: Quadrature, n: number): LazyQuadratureRule {
  checkSteps(n);
  const riemann = (start: number, end: number, weight: (k: number) => number): LazyQuadratureRule => {
    const s = f32(start);
    const e = f32(end);
    const step = n === 1 ? 0 : f32(f32(e - s) / (n - 1));
    return {
      method,
      n,
      slice(a, b) {
        checkRange(n, a, b);
        const alphas = new Float64Array(b - a);
        const weights = new Float64Array(b - a);
        for (let k = a; k < b; k++) {
          alphas[k - a] = linspaceAt(s, e, step, n, k);
          weights[k - a] = weight(k);
        }
        return { alphas, weights };
      },
    };
  };
  switch (method) {
    case 'gausslegendre':
      return {
        method,
        n,
        slice(a, b) {
          checkRange(n, a, b);
          const roots = legendreRoots(n);
          const alphas = new Float64Array(b - a);
          const weights = new Float64Array(b - a);
          for (let i = a; i < b; i++) {
            // Ascending index i: the mirrored root −x_k for i < ⌈n/2⌉ (k = i + 1), else x_k (k = n − i).
            const left = i < roots.half;
            const r = roots.root(left ? i + 1 : n - i);
            alphas[i - a] = left ? r.alpha : 0.5 * (1 + r.x);
            weights[i - a] = 0.5 * r.weight;
          }
          return { alphas, weights };
        },
      };
    case 'riemann_left':
      return riemann(0, 1 - 1 / n, () => 1 / n);
    case 'riemann_right':
      return riemann(1 / n, 1, () => 1 / n);
    case 'riemann_middle':
      return riemann(1 / (2 * n), 1 - 1 / (2 * n), () => 1 / n);
    case 'riemann_trapezoid':
      if (n < 2) throw new InvalidArgumentError('riemann_trapezoid needs steps ≥ 2');
      return riemann(0, 1, (k) => (k === 0 || k === n - 1 ? 1 / (2 * n) : 1 / n));
    default:
      throw new InvalidArgumentError(
        `unknown quadrature '${String(method)}'; expected one of ${QUADRATURES.join(', ')}`,
      );
  }
}

/** n-point Gauss–Legendre nodes (ascending) and weights on [−1, 1]. */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`Gauss–Legendre needs n ≥ 1 points, got ${n}`);
  const roots = legendreRoots(n);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let k = 1; k <= roots.half; k++) {
    const { x, weight } = roots.root(k);
    // Symmetric pair: −x at k − 1, +x at n − k (ascending order).
    nodes[k - 1] = -x;
    nodes[n - k] = x;
    weights[k - 1] = weight;
    weights[n - k] = weight;
  }
  if (n % 2 === 1) nodes[(n - 1) / 2] = 0;
  return { nodes, weights };
}

/** Nodes and weights of `method` with `n` points on [0, 1] (all n materialised; see lazyQuadratureRule). */
export function quadratureRule(method: Quadrature, n: number): QuadratureRule {
  return lazyQuadratureRule(method, n).slice(0, n);
}
