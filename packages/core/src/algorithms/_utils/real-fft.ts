/**
 * The 2-D inverse real DFT of a half spectrum, as numpy's `irfft2(X, s=(H, W), norm='ortho')`
 * (torch's old `irfft(…, normalized=True)`), and its adjoint, for spectra of shape [H, K] with
 * K = ⌊W/2⌋ + 1 (real and imaginary parts in separate arrays).
 *
 *   Y[h, kx]  = Σ_ky X[ky, kx] · e^{+2πi·ky·h/H}                      (complex inverse DFT along H)
 *   x[h, w]   = (1/√(HW)) Σ_kx c_kx · Re(Y[h, kx] · e^{+2πi·kx·w/W})   (real inverse DFT along W)
 *
 * with c_0 = 1, c_{W/2} = 1 for even W, c = 2 otherwise (the Hermitian half counted twice). The
 * imaginary parts of the kx = 0 (and even-W Nyquist) columns drop out, as in numpy. Direct
 * separable sums (any H, W; O(H·W·(H + W)) per channel) — images here are small; a radix-2 FFT
 * would restrict sizes. `irfft2Adjoint` is the exact transpose of this linear map (tested
 * against the dot-product identity ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ and against a direct O(H²W²) sum).
 */

export interface RealDft2 {
  readonly h: number;
  readonly w: number;
  /** Columns of the half spectrum, ⌊w/2⌋ + 1. */
  readonly k: number;
  /** cos / sin of 2π·ky·h/H, [H (ky) × H (h)]. */
  readonly cosH: Float64Array;
  readonly sinH: Float64Array;
  /** c_kx·cos / c_kx·sin of 2π·kx·w/W times 1/√(HW), [K × W]. */
  readonly cosW: Float64Array;
  readonly sinW: Float64Array;
}

export function realDft2(h: number, w: number): RealDft2 {
  const k = Math.floor(w / 2) + 1;
  const cosH = new Float64Array(h * h);
  const sinH = new Float64Array(h * h);
  for (let a = 0; a < h; a++) {
    for (let b = 0; b < h; b++) {
      const t = (2 * Math.PI * ((a * b) % h)) / h;
      cosH[a * h + b] = Math.cos(t);
      sinH[a * h + b] = Math.sin(t);
    }
  }
  const norm = 1 / Math.sqrt(h * w);
  const cosW = new Float64Array(k * w);
  const sinW = new Float64Array(k * w);
  for (let a = 0; a < k; a++) {
    const c = a === 0 || (w % 2 === 0 && a === w / 2) ? 1 : 2;
    for (let b = 0; b < w; b++) {
      const t = (2 * Math.PI * ((a * b) % w)) / w;
      cosW[a * w + b] = c * norm * Math.cos(t);
      sinW[a * w + b] = c * norm * Math.sin(t);
    }
  }
  return { h, w, k, cosH, sinH, cosW, sinW };
}

/** x[h·W + w] from the half spectrum (re, im: [H × K]). `out` has H·W entries. */
export function irfft2(d: RealDft2, re: ArrayLike<number>, im: ArrayLike<number>, out: Float64Array): void {
  const { h: H, w: W, k: K, cosH, sinH, cosW, sinW } = d;
  const yr = new Float64Array(K);
  const yi = new Float64Array(K);
  for (let h = 0; h < H; h++) {
    yr.fill(0);
    yi.fill(0);
    for (let ky = 0; ky < H; ky++) {
      const c = cosH[ky * H + h]!;
      const s = sinH[ky * H + h]!;
      const o = ky * K;
      for (let kx = 0; kx < K; kx++) {
        const a = re[o + kx]!;
        const b = im[o + kx]!;
        yr[kx] += a * c - b * s;
        yi[kx] += a * s + b * c;
      }
    }
    for (let w = 0; w < W; w++) {
      let v = 0;
      for (let kx = 0; kx < K; kx++) v += yr[kx]! * cosW[kx * W + w]! - yi[kx]! * sinW[kx * W + w]!;
      out[h * W + w] = v;
    }
  }
}

/** The adjoint: half-spectrum gradients (gre, gim: [H × K], overwritten) of ⟨g, irfft2(X)⟩. */
export function irfft2Adjoint(d: RealDft2, g: ArrayLike<number>, gre: Float64Array, gim: Float64Array): void {
  const { h: H, w: W, k: K, cosH, sinH, cosW, sinW } = d;
  gre.fill(0);
  gim.fill(0);
  const yr = new Float64Array(K);
  const yi = new Float64Array(K);
  for (let h = 0; h < H; h++) {
    for (let kx = 0; kx < K; kx++) {
      let a = 0;
      let b = 0;
      for (let w = 0; w < W; w++) {
        const gv = g[h * W + w]!;
        a += gv * cosW[kx * W + w]!;
        b -= gv * sinW[kx * W + w]!;
      }
      yr[kx] = a;
      yi[kx] = b;
    }
    for (let ky = 0; ky < H; ky++) {
      const c = cosH[ky * H + h]!;
      const s = sinH[ky * H + h]!;
      const o = ky * K;
      for (let kx = 0; kx < K; kx++) {
        gre[o + kx] += yr[kx]! * c + yi[kx]! * s;
        gim[o + kx] += -yr[kx]! * s + yi[kx]! * c;
      }
    }
  }
}

/**
 * |frequency| of each half-spectrum entry [H × K], numpy's
 * √(fftfreq(H)[:, None]² + rfftfreq(W)[None, :]²) (cycles per pixel).
 */
export function rfft2Frequencies(h: number, w: number): Float64Array {
  const k = Math.floor(w / 2) + 1;
  const out = new Float64Array(h * k);
  for (let a = 0; a < h; a++) {
    const fy = (a <= (h - 1) / 2 ? a : a - h) / h;
    for (let b = 0; b < k; b++) {
      const fx = b / w;
      out[a * k + b] = Math.sqrt(fx * fx + fy * fy);
    }
  }
  return out;
}
