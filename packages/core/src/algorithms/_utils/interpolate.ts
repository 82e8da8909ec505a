/**
 * 2-D resizing of single-channel maps as PyTorch's `F.interpolate` does it (used by Grad-CAM to
 * bring a layer-resolution map to the input size, as Captum's `LayerAttribution.interpolate`):
 *
 * - 'nearest' (torch 'nearest', not 'nearest-exact'): src = min(⌊dst · (in/out)⌋, in − 1) with the
 *   scale and product in float32, as torch's CPU kernel.
 * - 'bilinear' with align_corners = false: src = (dst + 0.5)·(in/out) − 0.5, clamped below at 0;
 *   i₀ = ⌊src⌋, i₁ = min(i₀ + 1, in − 1), λ = src − i₀; separable in y and x.
 */
import { InvalidArgumentError } from '../../errors.js';

export type Interpolation = 'nearest' | 'bilinear';
export const INTERPOLATIONS: readonly Interpolation[] = ['nearest', 'bilinear'];

const f32 = Math.fround;

function nearestIndex(dst: number, inSize: number, outSize: number): number {
  if (inSize === outSize) return dst;
  if (outSize === 2 * inSize) return dst >> 1;
  const scale = f32(inSize / outSize);
  return Math.min(Math.floor(f32(dst * scale)), inSize - 1);
}

function linearIndex(dst: number, inSize: number, outSize: number): [number, number, number] {
  const scale = inSize / outSize;
  let src = scale * (dst + 0.5) - 0.5;
  if (src < 0) src = 0;
  const i0 = Math.min(Math.floor(src), inSize - 1);
  const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
  return [i0, i1, src - i0];
}

/** Resizes one h×w map (row-major) to H×W. */
export function resize2d(map: ArrayLike<number>, h: number, w: number, H: number, W: number, mode: Interpolation): Float64Array {
  if (!INTERPOLATIONS.includes(mode)) {
    throw new InvalidArgumentError(`unknown interpolation '${String(mode)}'; expected one of ${INTERPOLATIONS.join(', ')}`);
  }
  const out = new Float64Array(H * W);
  if (mode === 'nearest') {
    const xs = Array.from({ length: W }, (_, X) => nearestIndex(X, w, W));
    for (let Y = 0; Y < H; Y++) {
      const y = nearestIndex(Y, h, H);
      for (let X = 0; X < W; X++) out[Y * W + X] = map[y * w + xs[X]!]!;
    }
    return out;
  }
  const xs = Array.from({ length: W }, (_, X) => linearIndex(X, w, W));
  for (let Y = 0; Y < H; Y++) {
    const [y0, y1, ly] = linearIndex(Y, h, H);
    for (let X = 0; X < W; X++) {
      const [x0, x1, lx] = xs[X]!;
      const top = (1 - lx) * map[y0 * w + x0]! + lx * map[y0 * w + x1]!;
      const bottom = (1 - lx) * map[y1 * w + x0]! + lx * map[y1 * w + x1]!;
      out[Y * W + X] = (1 - ly) * top + ly * bottom;
    }
  }
  return out;
}
