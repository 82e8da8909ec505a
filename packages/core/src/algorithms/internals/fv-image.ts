/**
 * Image parametrizations of feature visualization (lucid / lucent `param.image`): the optimised
 * parameters θ become a batch of images in planar [B, C, H, W] order, inside a box [lo, hi]:
 *
 * - `pixel`: raw = θ (initialised N(0, sd²), lucent's pixel_image);
 * - `fft`: raw = irfft2(scale ⊙ θ) / 4 per channel, θ a half spectrum [H, ⌊W/2⌋+1, re/im]
 *   initialised N(0, sd²), scale = 1 / max(|f|, 1/max(H, W))^decayPower (lucent's fft_image:
 *   low frequencies get large steps, so images come out smooth);
 * - colour decorrelation (3 channels): raw ← M·raw per pixel with lucent's colour-correlation
 *   matrix (square root of the ImageNet colour covariance, columns normalised by the largest
 *   column norm), so Adam steps in a decorrelated colour space;
 * - squash `sigmoid`: image = lo + (hi − lo)·σ(raw) (lucent's to_valid_rgb, mapped to the box);
 *   `clip` (pixel only): image = θ, projected onto [lo, hi] after every step (projected gradient).
 *
 * `backward` is the chain rule written out (sigmoid → colour matrix transpose → irfft2 adjoint →
 * scale), checked against finite differences in the tests.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Rng } from '../../random/prng.js';
import { irfft2, irfft2Adjoint, realDft2, rfft2Frequencies, type RealDft2 } from '../_utils/real-fft.js';

export interface ImageParamSpec {
  /** 'fft' (default for images) or 'pixel' (default, and the only one, for 1-D inputs). */
  readonly kind?: 'pixel' | 'fft';
  /** Standard deviation of the initial parameters (default 0.01, lucent's). */
  readonly sd?: number;
  /** fft: the exponent of 1/frequency scaling the spectrum (default 1). */
  readonly decayPower?: number;
  /** Colour decorrelation; needs 3 channels (default: true when the input has 3 channels). */
  readonly decorrelate?: boolean;
  /** 'sigmoid' (default) maps into the box; 'clip' (pixel only) projects onto it after each step. */
  readonly squash?: 'sigmoid' | 'clip';
}

/** lucent's color_correlation_svd_sqrt. */
const COLOR_SVD_SQRT = [
  [0.26, 0.09, 0.02],
  [0.27, 0.0, -0.05],
  [0.27, -0.09, 0.03],
];
/** COLOR_SVD_SQRT / (largest column norm), lucent's color_correlation_normalized. */
export const COLOR_MATRIX: readonly (readonly number[])[] = (() => {
  let max = 0;
  for (let j = 0; j < 3; j++) max = Math.max(max, Math.hypot(...COLOR_SVD_SQRT.map((r) => r[j]!)));
  return COLOR_SVD_SQRT.map((r) => r.map((v) => v / max));
})();

/** Geometry of the optimised images: batch, channels, height, width (1-D inputs: C = H = 1). */
export interface ImageGeometry {
  readonly b: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
}

export class ImageParam {
  readonly kind: 'pixel' | 'fft';
  readonly squash: 'sigmoid' | 'clip';
  readonly decorrelate: boolean;
  /** The optimised parameters. */
  readonly params: Float32Array;
  private readonly per: number;
  private readonly dft?: RealDft2;
  private readonly scale?: Float64Array;
  /** Pre-squash values of the last render, [B·C·H·W]. */
  private raw: Float64Array;

  /** `lo`, `hi`: box bounds per planar element of one image [C·H·W]. */
  constructor(readonly geo: ImageGeometry, spec: ImageParamSpec, readonly lo: Float64Array, readonly hi: Float64Array, rng: Rng) {
    const { b, c, h, w } = geo;
    this.kind = spec.kind ?? (h > 1 ? 'fft' : 'pixel');
    this.squash = spec.squash ?? 'sigmoid';
    if (this.kind !== 'pixel' && this.kind !== 'fft') throw new InvalidArgumentError(`param must be 'pixel' or 'fft', got ${String(spec.kind)}`);
    if (this.squash !== 'sigmoid' && this.squash !== 'clip') throw new InvalidArgumentError(`squash must be 'sigmoid' or 'clip', got ${String(spec.squash)}`);
    if (this.kind === 'fft' && this.squash === 'clip') throw new InvalidArgumentError("squash 'clip' needs the pixel parametrization");
    if (this.kind === 'fft' && h < 2) throw new InvalidArgumentError('the fft parametrization needs image inputs (height ≥ 2); use pixel for 1-D inputs');
    this.decorrelate = spec.decorrelate ?? (c === 3 && this.squash === 'sigmoid');
    if (this.decorrelate && c !== 3) throw new InvalidArgumentError(`colour decorrelation needs 3 channels, the input has ${c}`);
    if (this.decorrelate && this.squash === 'clip') throw new InvalidArgumentError("colour decorrelation needs squash 'sigmoid'");
    const sd = spec.sd ?? 0.01;
    if (!(sd >= 0) || !Number.isFinite(sd)) throw new InvalidArgumentError(`sd must be a finite number ≥ 0, got ${sd}`);
    this.per = c * h * w;
    for (let i = 0; i < this.per; i++) {
      if (!(lo[i]! < hi[i]!) || !Number.isFinite(lo[i]!) || !Number.isFinite(hi[i]!)) {
        throw new InvalidArgumentError(`the box needs finite lo < hi at every element; element ${i} has [${lo[i]}, ${hi[i]}]`);
      }
    }
    if (this.kind === 'fft') {
      const decay = spec.decayPower ?? 1;
      if (!Number.isFinite(decay)) throw new InvalidArgumentError(`decayPower must be a finite number, got ${decay}`);
      this.dft = realDft2(h, w);
      const f = rfft2Frequencies(h, w);
      const floor = 1 / Math.max(h, w);
      this.scale = f.map((v) => 1 / Math.pow(Math.max(v, floor), decay));
      this.params = new Float32Array(b * c * h * this.dft.k * 2);
    } else {
      this.params = new Float32Array(b * this.per);
    }
    for (let i = 0; i < this.params.length; i++) this.params[i] = sd * rng.normal();
    if (this.squash === 'clip') {
      for (let i = 0; i < this.params.length; i++) {
        const e = i % this.per;
        this.params[i] = Math.min(hi[e]!, Math.max(lo[e]!, (lo[e]! + hi[e]!) / 2 + (hi[e]! - lo[e]!) * this.params[i]!));
      }
    }
    this.raw = new Float64Array(b * this.per);
  }

  /** The images [B·C·H·W] (planar) of the current parameters. */
  render(): Float64Array {
    const { b, c, h, w } = this.geo;
    const hw = h * w;
    const raw = this.raw;
    const p = this.params;
    if (this.kind === 'fft') {
      const d = this.dft!;
      const kk = h * d.k;
      const re = new Float64Array(kk);
      const im = new Float64Array(kk);
      const out = new Float64Array(hw);
      for (let bc = 0; bc < b * c; bc++) {
        for (let i = 0; i < kk; i++) {
          re[i] = this.scale![i]! * p[(bc * kk + i) * 2]!;
          im[i] = this.scale![i]! * p[(bc * kk + i) * 2 + 1]!;
        }
        irfft2(d, re, im, out);
        for (let i = 0; i < hw; i++) raw[bc * hw + i] = out[i]! / 4;
      }
    } else {
      for (let i = 0; i < raw.length; i++) raw[i] = p[i]!;
    }
    if (this.decorrelate) {
      const t = [0, 0, 0];
      for (let n = 0; n < b; n++) {
        for (let i = 0; i < hw; i++) {
          for (let k = 0; k < 3; k++) t[k] = raw[(n * 3 + k) * hw + i]!;
          for (let k = 0; k < 3; k++) raw[(n * 3 + k) * hw + i] = COLOR_MATRIX[k]![0]! * t[0]! + COLOR_MATRIX[k]![1]! * t[1]! + COLOR_MATRIX[k]![2]! * t[2]!;
        }
      }
    }
    const img = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const e = i % this.per;
      img[i] = this.squash === 'clip' ? raw[i]! : this.lo[e]! + (this.hi[e]! - this.lo[e]!) * sigmoid(raw[i]!);
    }
    return img;
  }

  /** ∂L/∂θ from ∂L/∂image (planar, the image of the last `render`). */
  backward(gImg: ArrayLike<number>): Float64Array {
    const { b, c, h, w } = this.geo;
    const hw = h * w;
    const raw = this.raw;
    const g = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const e = i % this.per;
      if (this.squash === 'clip') g[i] = gImg[i]!;
      else {
        const s = sigmoid(raw[i]!);
        g[i] = gImg[i]! * (this.hi[e]! - this.lo[e]!) * s * (1 - s);
      }
    }
    if (this.decorrelate) {
      const t = [0, 0, 0];
      for (let n = 0; n < b; n++) {
        for (let i = 0; i < hw; i++) {
          for (let k = 0; k < 3; k++) t[k] = g[(n * 3 + k) * hw + i]!;
          for (let j = 0; j < 3; j++) g[(n * 3 + j) * hw + i] = COLOR_MATRIX[0]![j]! * t[0]! + COLOR_MATRIX[1]![j]! * t[1]! + COLOR_MATRIX[2]![j]! * t[2]!;
        }
      }
    }
    if (this.kind === 'pixel') return g;
    const d = this.dft!;
    const kk = h * d.k;
    const out = new Float64Array(this.params.length);
    const gre = new Float64Array(kk);
    const gim = new Float64Array(kk);
    const slice = new Float64Array(hw);
    for (let bc = 0; bc < b * c; bc++) {
      for (let i = 0; i < hw; i++) slice[i] = g[bc * hw + i]! / 4;
      irfft2Adjoint(d, slice, gre, gim);
      for (let i = 0; i < kk; i++) {
        out[(bc * kk + i) * 2] = this.scale![i]! * gre[i]!;
        out[(bc * kk + i) * 2 + 1] = this.scale![i]! * gim[i]!;
      }
    }
    return out;
  }

  /** After an optimiser step: projection onto the box for squash 'clip' (no-op otherwise). */
  project(): void {
    if (this.squash !== 'clip') return;
    const p = this.params;
    for (let i = 0; i < p.length; i++) {
      const e = i % this.per;
      p[i] = Math.min(this.hi[e]!, Math.max(this.lo[e]!, p[i]!));
    }
  }
}

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}
