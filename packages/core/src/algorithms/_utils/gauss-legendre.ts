/**
 * Gauss–Legendre nodes and weights in O(1) work per node, so an n-point rule costs O(n) and any
 * index range can be computed on its own (path methods ask only for the chunk they evaluate).
 *
 * Roots are numbered from x = 1: root k = 1 … ⌈n/2⌉ is x_k = cos θ_k with θ_k ∈ (0, π/2]
 * ascending; by symmetry −x_k is a root too, with the same weight w_k = 2 / (dPₙ(cos θ)/dθ)²
 * (= 2 / ((1 − x²) Pₙ′(x)²)).
 *
 * - n ≤ 100: Newton on Pₙ evaluated by the three-term recurrence (O(n) per evaluation).
 * - n > 100: Newton in θ on Stieltjes' expansion (Szegő, Orthogonal Polynomials §8.21; the
 *   interior expansion of Hale & Townsend 2013, "Fast and accurate computation of
 *   Gauss–Legendre and Gauss–Jacobi quadrature nodes and weights", eq. 3.2):
 *
 *     Pₙ(cos θ) = Cₙ Σ_{m<M} h_m cos(αₘ) / (2 sin θ)^{m+½},   αₘ = (n + m + ½) θ − (m + ½) π/2,
 *     Cₙ = (2/√π) Γ(n + 1)/Γ(n + 3/2),   h₀ = 1,  h_m = h_{m−1} (m − ½)² / (m (n + m + ½)),
 *
 *   summed until the terms fall below 1e-17 of the first, which takes O(1) terms for a fixed
 *   θ-distance from the ends. The few roots nearest ±1 where it does not converge within
 *   MAX_TERMS terms (about the first six, whatever n) are polished by Newton in θ on the
 *   recurrence in Reinsch's form (exact in 1 − x, so their α and weights keep full relative
 *   precision), O(n) once per n, and cached. Initial guesses: θ ≈ t + (t cot t − 1)/(8 t ρ²) with t = j₀,ₖ/ρ, ρ = n + ½,
 *   j₀,ₖ the k-th zero of the Bessel function J₀ by McMahon's expansion (the leading terms of
 *   Bogaert 2014, "Iteration-free computation of Gauss–Legendre quadrature nodes and weights").
 *   Cₙ comes from the asymptotic series ln(Γ(z + ¼)/Γ(z + ¾)) = −½ ln z − 1/(64 z²) +
 *   5/(2048 z⁴) − 61/(49152 z⁶) + 1385/(1048576 z⁸) − …, z = n + ¾ (Bernoulli-polynomial form of
 *   the Γ-ratio expansion; the next term is below 1e-19 relative for n > 100).
 *
 * Both paths agree to ~3e-16 in the nodes where both run (approximation.test.ts compares the
 * large-n path with the recurrence at n = 101 … 5000, and with 40-digit values at both ends).
 */

export const RECURRENCE_MAX_N = 100;
const MAX_TERMS = 40;
const TERM_TOL = 1e-17;

/** Pₙ(x) and Pₙ′(x) by the three-term recurrence; `oneMinusX2` = 1 − x² (passed to avoid cancellation). */
function legendre(n: number, x: number, oneMinusX2: number): [number, number] {
  if (n === 0) return [1, 0];
  let p0 = 1;
  let p1 = x;
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  // Pₙ′(x) = n (Pₙ₋₁ − x Pₙ) / (1 − x²)
  return [p1, (n * (p0 - x * p1)) / oneMinusX2];
}

/** Newton on the recurrence from x0 (n ≤ 100; as before the O(n) path existed); returns the root and Pₙ′ there. */
function newtonRecurrence(n: number, x0: number): { x: number; dp: number } {
  let x = x0;
  for (let iter = 0; iter < 100; iter++) {
    const [p, d] = legendre(n, x, 1 - x * x);
    const dx = p / d;
    x -= dx;
    if (Math.abs(dx) <= 1e-16 * Math.max(1, Math.abs(x))) break;
  }
  return { x, dp: legendre(n, x, 1 - x * x)[1] };
}

/**
 * Pₙ(1 − y) and y(2 − y)·Pₙ′(1 − y) (= (1 − x²) Pₙ′(x)) for x = 1 − y near 1, by the recurrence
 * rewritten for Dₖ = Pₖ − Pₖ₋₁ (Reinsch's modification): k Dₖ = (k − 1) Dₖ₋₁ − (2k − 1) y Pₖ₋₁.
 * It works with y itself, so roots within 1e-12 of 1 keep their relative precision (x = cos θ
 * in float64 cannot).
 */
function legendreNearOne(n: number, y: number): [number, number] {
  let p = 1; // P₀
  let d = -y; // D₁ = P₁ − P₀ = −y
  for (let k = 2; k <= n; k++) {
    p += d; // Pₖ₋₁
    d = ((k - 1) * d - (2 * k - 1) * y * p) / k;
  }
  const pn = p + d;
  // (1 − x²) Pₙ′ = n (Pₙ₋₁ − x Pₙ) = n (y Pₙ − Dₙ)
  return [pn, n * (y * pn - d)];
}

/**
 * Newton in θ on f(θ) = Pₙ(cos θ) (Reinsch recurrence) from a close guess θ0 (large n, the
 * roots nearest ±1): stops once a step is below 1e-9 of θ and applies that step to f′ to first
 * order (f″ = −cot θ f′ − n(n + 1) f, Legendre's equation in θ), so a good guess costs one O(n)
 * evaluation. Returns θ, f′(θ) = −sin θ Pₙ′(cos θ).
 */
function polishNearOne(n: number, theta0: number): { theta: number; df: number } {
  let theta = theta0;
  for (let iter = 0; iter < 100; iter++) {
    const sh = Math.sin(theta / 2);
    const s = Math.sin(theta);
    const [p, q] = legendreNearOne(n, 2 * sh * sh);
    const df = -q / s; // −sin θ Pₙ′ = −(1 − x²) Pₙ′ / sin θ
    const dt = p / df;
    theta -= dt;
    if (Math.abs(dt) < 1e-9 * theta) {
      const d2 = -(Math.cos(theta + dt) / s) * df - n * (n + 1) * p;
      return { theta, df: df - d2 * dt };
    }
  }
  const sh = Math.sin(theta / 2);
  return { theta, df: -legendreNearOne(n, 2 * sh * sh)[1] / Math.sin(theta) };
}

/** One root of the rule: x = cos θ, weight w, and α = (1 − x)/2 = sin²(θ/2) of −x on [0, 1]. */
export interface LegendreRoot {
  /** The root cos θ ∈ [0, 1). */
  readonly x: number;
  /** (1 − x)/2, the [0, 1] image of the mirrored root −x (computed without cancellation where possible). */
  readonly alpha: number;
  readonly weight: number;
}

/**
 * The roots of the n-point rule computed on demand: `root(k)` for k = 1 … ⌈n/2⌉ (from x = 1).
 * O(1) per root for n > 100 after an O(n) set-up of the boundary roots (done on first use).
 */
export class LegendreRoots {
  readonly half: number;
  private readonly rho: number;
  private readonly cn: number = 0;
  private readonly h: Float64Array;
  /** Roots k ≤ boundary are polished with the recurrence (all of them for n ≤ 100). */
  readonly boundary: number;
  private cache: LegendreRoot[] | undefined;

  constructor(readonly n: number) {
    this.half = Math.floor((n + 1) / 2);
    this.rho = n + 0.5;
    this.h = new Float64Array(MAX_TERMS);
    this.h[0] = 1;
    for (let m = 1; m < MAX_TERMS; m++) this.h[m] = (this.h[m - 1]! * (m - 0.5) * (m - 0.5)) / (m * (n + m + 0.5));
    if (n <= RECURRENCE_MAX_N) {
      this.boundary = this.half;
      return;
    }
    const z = n + 0.75;
    const z2 = 1 / (z * z);
    const series = z2 * (-1 / 64 + z2 * (5 / 2048 + z2 * (-61 / 49152 + z2 * (1385 / 1048576))));
    this.cn = (2 / Math.sqrt(Math.PI)) * Math.exp(series) / Math.sqrt(z);
    let b = 0;
    while (b < this.half && !this.converges(this.guess(b + 1))) b++;
    this.boundary = b;
  }

  /** Whether the expansion's terms at θ fall below TERM_TOL within MAX_TERMS. */
  private converges(theta: number): boolean {
    const u = 1 / (2 * Math.sin(theta));
    let q = 1;
    for (let m = 1; m < MAX_TERMS; m++) {
      q *= u;
      if (this.h[m]! * q < TERM_TOL) return true;
    }
    return false;
  }

  /**
   * Initial guess for root k as the phase φ = ρ θ − (k − ¼) π: θ ≈ t + (t cot t − 1)/(8 t ρ²),
   * t = j₀,ₖ/ρ, with j₀,ₖ = β + δ (McMahon), β = (k − ¼) π, so φ ≈ δ + (t cot t − 1)/(8 t ρ)
   * without cancellation.
   */
  private guessPhase(k: number): number {
    const beta = (k - 0.25) * Math.PI;
    const b2 = 1 / (beta * beta);
    const delta = (1 / (8 * beta)) * (1 + b2 * (-31 / 48 + b2 * (3779 / 1920 + b2 * (-6277237 / 430080))));
    const t = Math.min((beta + delta) / this.rho, Math.PI / 2);
    const corr = t < 1e-8 ? -t / 24 : (t / Math.tan(t) - 1) / (8 * t);
    return delta + corr / this.rho;
  }

  private guess(k: number): number {
    return Math.min(((k - 0.25) * Math.PI + this.guessPhase(k)) / this.rho, Math.PI / 2);
  }

  // Results of `stieltjes` (no allocation per call).
  private f = 0;
  private df = 0;
  private sin = 0;
  private cos = 0;

  /**
   * f(θ) = Pₙ(cos θ)/Cₙ and df = f′(θ)/Cₙ by Stieltjes' expansion at θ = (β + φ)/ρ,
   * β = (k − ¼) π; the phase α₀ = ρθ − π/4 = φ + (k − ½) π is reduced exactly through φ, so
   * cos α₀ = (−1)ᵏ sin φ and sin α₀ = (−1)ᵏ⁻¹ cos φ.
   */
  private stieltjes(k: number, phi: number): void {
    const theta = ((k - 0.25) * Math.PI + phi) / this.rho;
    const s = Math.sin(theta);
    const c = Math.cos(theta);
    const u = 1 / (2 * s);
    const cot = c / s;
    const sign = k % 2 === 0 ? 1 : -1;
    let ca = sign * Math.sin(phi);
    let sa = -sign * Math.cos(phi);
    const root2s = Math.sqrt(2 * s);
    let q = 1 / root2s;
    let f = 0;
    let df = 0;
    for (let m = 0; m < MAX_TERMS; m++) {
      const hq = this.h[m]! * q;
      f += hq * ca;
      df -= hq * ((this.rho + m) * sa + (m + 0.5) * cot * ca);
      if (m > 0 && hq * root2s < TERM_TOL) break;
      // α_{m+1} = α_m + θ − π/2
      const nc = sa * c + ca * s;
      sa = sa * s - ca * c;
      ca = nc;
      q *= u;
    }
    this.f = f;
    this.df = df;
    this.sin = s;
    this.cos = c;
  }

  /**
   * Newton in the phase until a step is below 1e-8 (the step after it would be below 1e-16):
   * then the last step is applied to cos θ, sin θ and to f′ to first order (f″ = −cot θ f′ at a
   * root, from Legendre's equation), without another evaluation.
   */
  private interior(k: number): LegendreRoot {
    let phi = this.n % 2 === 1 && k === this.half ? 0 : this.guessPhase(k);
    let dt = 0;
    for (let iter = 0; iter < 20; iter++) {
      this.stieltjes(k, phi);
      dt = this.f / this.df;
      phi -= this.rho * dt;
      if (Math.abs(this.rho * dt) < 1e-8) break;
    }
    if (this.n % 2 === 1 && k === this.half) {
      // θ = π/2 exactly (φ = 0): x = 0.
      this.stieltjes(k, 0);
      const d = this.df * this.cn;
      return { x: 0, alpha: 0.5, weight: 2 / (d * d) };
    }
    const s = this.sin;
    const c = this.cos;
    const d = this.df * (1 + (c / s) * dt) * this.cn;
    const x = c + s * dt;
    const sn = s - c * dt;
    return { x, alpha: (sn * sn) / (2 * (1 + x)), weight: 2 / (d * d) };
  }

  private boundaryRoots(): LegendreRoot[] {
    if (!this.cache) {
      const out: LegendreRoot[] = [];
      const n = this.n;
      for (let k = 1; k <= this.boundary; k++) {
        if (n > RECURRENCE_MAX_N) {
          const { theta, df } = polishNearOne(n, this.guess(k));
          const sh = Math.sin(theta / 2);
          out.push({ x: Math.cos(theta), alpha: sh * sh, weight: 2 / (df * df) });
          continue;
        }
        const { x, dp } = newtonRecurrence(n, Math.cos((Math.PI * (k - 0.25)) / (n + 0.5)));
        const weight = 2 / ((1 - x * x) * dp * dp);
        // The middle root of an odd rule is 0 exactly (its weight from the polished iterate).
        out.push(n % 2 === 1 && k === this.half ? { x: 0, alpha: 0.5, weight } : { x, alpha: 0.5 * (1 - x), weight });
      }
      this.cache = out;
    }
    return this.cache;
  }

  /** Root k (1 … ⌈n/2⌉, from x = 1). */
  root(k: number): LegendreRoot {
    return k <= this.boundary ? this.boundaryRoots()[k - 1]! : this.interior(k);
  }
}

const recent: LegendreRoots[] = [];

/** The (cached: the last few n) root set of the n-point rule. */
export function legendreRoots(n: number): LegendreRoots {
  const hit = recent.find((r) => r.n === n);
  if (hit) return hit;
  const r = new LegendreRoots(n);
  recent.unshift(r);
  if (recent.length > 4) recent.pop();
  return r;
}
