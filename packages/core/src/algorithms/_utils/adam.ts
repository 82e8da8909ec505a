/**
 * Adam (Kingma & Ba 2015) over a Float32Array of parameters, minimising: θ ← θ − lr·m̂/(√v̂ + ε)
 * with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ). Written here rather than taken from a library because
 * @glasswing/core has no runtime dependencies; it is a dozen lines. State is kept in Float64Array
 * so results do not depend on the order of float32 roundings beyond the parameters themselves.
 */
import { InvalidArgumentError } from '../../errors.js';

export interface AdamOptions {
  /** Step size (default 0.05, lucent's feature-visualization default). */
  readonly lr?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  readonly lr: number;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;

  constructor(size: number, options: AdamOptions = {}) {
    this.lr = options.lr ?? 0.05;
    this.b1 = options.beta1 ?? 0.9;
    this.b2 = options.beta2 ?? 0.999;
    this.eps = options.epsilon ?? 1e-8;
    if (!(this.lr > 0) || !Number.isFinite(this.lr)) throw new InvalidArgumentError(`lr must be a positive number, got ${this.lr}`);
    for (const [k, b] of [['beta1', this.b1], ['beta2', this.b2]] as const) {
      if (!(b >= 0 && b < 1)) throw new InvalidArgumentError(`${k} must be in [0, 1), got ${b}`);
    }
    if (!(this.eps > 0)) throw new InvalidArgumentError(`epsilon must be positive, got ${this.eps}`);
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /**
   * One descent step of `params` along the loss gradient `grad` (same length). `lrScale`
   * multiplies the step size for this step only (a learning-rate schedule; default 1).
   */
  step(params: Float32Array, grad: ArrayLike<number>, lrScale = 1): void {
    this.t++;
    const c1 = 1 - Math.pow(this.b1, this.t);
    const c2 = 1 - Math.pow(this.b2, this.t);
    for (let i = 0; i < params.length; i++) {
      const g = grad[i]!;
      const m = (this.m[i] = this.b1 * this.m[i]! + (1 - this.b1) * g);
      const v = (this.v[i] = this.b2 * this.v[i]! + (1 - this.b2) * g * g);
      params[i] = params[i]! - (this.lr * lrScale * (m / c1)) / (Math.sqrt(v / c2) + this.eps);
    }
  }
}
