/**
 * Transformation robustness (lucid's `transform` module) and image regularizers for feature
 * visualization.
 *
 * Transforms are drawn afresh for every image at every step (seeded) and compose into ONE affine
 * sampling map from model-input pixel coordinates to image pixel coordinates (pixel centres at
 * integers), applied with bilinear interpolation; samples outside the image read `fill`. The
 * chain works on a virtual canvas, in order:
 *   pad p      canvas grows by p pixels on every side (filled with `value`, default mid-box);
 *   jitter d   a random crop (h − d) × (w − d) at offsets in {0 … d−1} per axis (lucent jitter);
 *   scale      a factor drawn from `factors`; the canvas is resized by it (bilinear);
 *   rotate     an angle in degrees drawn from `degrees`, about the canvas centre;
 * and finally the canvas is resized to the model's input size. With no transforms the map is the
 * identity and sampling is exact. `sampleAdjoint` is the transpose of the sampling (the bilinear
 * weights scattered back), tested with the dot-product identity.
 *
 * Regularizers (penalties, subtracted from the objective, per image, on the image in the box):
 *   l1: w·Σ|x − c|, l2: w·Σ(x − c)², tv: w·Σ(|x[i+1,j] − x[i,j]| + |x[i,j+1] − x[i,j]|) per
 *   channel (lucid's total_variation), blur: w·½Σ(x − stop_gradient(blur₃ₓ₃(x)))² (lucid's
 *   blur_input_each_step as a penalty; gradient w·(x − blur(x))).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Rng } from '../../random/prng.js';
import type { ImageGeometry } from './fv-image.js';

export type Transform =
  | { readonly kind: 'pad'; readonly pixels: number; readonly value?: number }
  | { readonly kind: 'jitter'; readonly pixels: number }
  | { readonly kind: 'scale'; readonly factors: readonly number[] }
  | { readonly kind: 'rotate'; readonly degrees: readonly number[] };

export type Penalty =
  | { readonly kind: 'l1'; readonly weight: number; readonly center?: number }
  | { readonly kind: 'l2'; readonly weight: number; readonly center?: number }
  | { readonly kind: 'tv'; readonly weight: number }
  | { readonly kind: 'blur'; readonly weight: number };

/** lucent's standard_transforms scaled to an image of side `size` (224 gives lucent's numbers). */
export function standardTransforms(size: number): Transform[] {
  const k = size / 224;
  const px = (v: number) => Math.max(1, Math.round(v * k));
  return [
    { kind: 'pad', pixels: px(12) },
    { kind: 'jitter', pixels: px(8) },
    { kind: 'scale', factors: Array.from({ length: 11 }, (_, i) => 1 + (i - 5) / 50) },
    { kind: 'rotate', degrees: [...Array.from({ length: 21 }, (_, i) => i - 10), 0, 0, 0, 0, 0] },
    { kind: 'jitter', pixels: px(4) },
  ];
}

/** Throws InvalidArgumentError naming the first malformed transform. */
export function checkTransforms(ts: unknown): readonly Transform[] {
  if (ts === undefined) return [];
  if (!Array.isArray(ts)) throw new InvalidArgumentError('transforms must be a list');
  ts.forEach((t: Transform, i) => {
    const bad = (why: string) => new InvalidArgumentError(`transform ${i} (${JSON.stringify(t)}): ${why}`);
    if (!t || typeof t !== 'object') throw bad('not an object');
    if (t.kind === 'pad' || t.kind === 'jitter') {
      if (!Number.isInteger(t.pixels) || t.pixels < 0) throw bad('pixels must be an integer ≥ 0');
      if (t.kind === 'pad' && t.value !== undefined && !Number.isFinite(t.value)) throw bad('value must be finite');
    } else if (t.kind === 'scale') {
      if (!Array.isArray(t.factors) || t.factors.length === 0 || t.factors.some((f) => !(f > 0) || !Number.isFinite(f))) throw bad('factors must be a non-empty list of positive numbers');
    } else if (t.kind === 'rotate') {
      if (!Array.isArray(t.degrees) || t.degrees.length === 0 || t.degrees.some((d) => !Number.isFinite(d))) throw bad('degrees must be a non-empty list of numbers');
    } else throw bad("kind must be 'pad', 'jitter', 'scale' or 'rotate'");
  });
  return ts as Transform[];
}

export function checkPenalties(ps: unknown): readonly Penalty[] {
  if (ps === undefined) return [];
  if (!Array.isArray(ps)) throw new InvalidArgumentError('penalties must be a list');
  ps.forEach((p: Penalty, i) => {
    const bad = (why: string) => new InvalidArgumentError(`penalty ${i} (${JSON.stringify(p)}): ${why}`);
    if (!p || typeof p !== 'object' || !['l1', 'l2', 'tv', 'blur'].includes(p.kind)) throw bad("kind must be 'l1', 'l2', 'tv' or 'blur'");
    if (!Number.isFinite(p.weight) || p.weight < 0) throw bad('weight must be a finite number ≥ 0');
    if ((p.kind === 'l1' || p.kind === 'l2') && p.center !== undefined && !Number.isFinite(p.center)) throw bad('center must be finite');
  });
  return ps as Penalty[];
}

/** Affine map (y, x) ↦ (a·y + b·x + e, c·y + d·x + f) from model-input to image coordinates. */
export interface Affine {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly e: number;
  readonly f: number;
}

const IDENTITY: Affine = { a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 };

/** m ∘ t: first t, then m. */
function compose(m: Affine, t: Affine): Affine {
  return {
    a: m.a * t.a + m.b * t.c,
    b: m.a * t.b + m.b * t.d,
    c: m.c * t.a + m.d * t.c,
    d: m.c * t.b + m.d * t.d,
    e: m.a * t.e + m.b * t.f + m.e,
    f: m.c * t.e + m.d * t.f + m.f,
  };
}

function resize(fromH: number, fromW: number, toH: number, toW: number): Affine {
  // new pixel q ↦ old (q + ½)·from/to − ½ (bilinear, align_corners = false)
  const sy = fromH / toH;
  const sx = fromW / toW;
  return { a: sy, b: 0, c: 0, d: sx, e: 0.5 * sy - 0.5, f: 0.5 * sx - 0.5 };
}

/** Draws one sampling map for an image of size h × w shown at the model's outH × outW. */
export function drawAffine(ts: readonly Transform[], h: number, w: number, outH: number, outW: number, rng: Rng): Affine {
  let m = IDENTITY;
  let ch = h;
  let cw = w;
  for (const t of ts) {
    if (t.kind === 'pad') {
      m = compose(m, { a: 1, b: 0, c: 0, d: 1, e: -t.pixels, f: -t.pixels });
      ch += 2 * t.pixels;
      cw += 2 * t.pixels;
    } else if (t.kind === 'jitter') {
      if (t.pixels === 0) continue;
      const d = Math.min(t.pixels, ch - 1, cw - 1);
      const oy = rng.int(Math.max(1, d));
      const ox = rng.int(Math.max(1, d));
      m = compose(m, { a: 1, b: 0, c: 0, d: 1, e: oy, f: ox });
      ch -= d;
      cw -= d;
    } else if (t.kind === 'scale') {
      const s = t.factors[rng.int(t.factors.length)]!;
      const nh = Math.max(1, Math.round(ch * s));
      const nw = Math.max(1, Math.round(cw * s));
      m = compose(m, resize(ch, cw, nh, nw));
      ch = nh;
      cw = nw;
    } else {
      const deg = t.degrees[rng.int(t.degrees.length)]!;
      const th = (deg * Math.PI) / 180;
      const cs = Math.cos(th);
      const sn = Math.sin(th);
      const cy = (ch - 1) / 2;
      const cx = (cw - 1) / 2;
      // q ↦ R(θ)(q − c) + c
      m = compose(m, { a: cs, b: -sn, c: sn, d: cs, e: cy - cs * cy + sn * cx, f: cx - sn * cy - cs * cx });
    }
  }
  return compose(m, resize(ch, cw, outH, outW));
}

/**
 * Bilinear sampling of planar images [B, C, H, W] at the per-image maps into model-layout inputs
 * [B, ...inputShape]: `index(b, c, y, x)` gives the flat model-input index.
 */
export function sample(
  img: ArrayLike<number>,
  geo: ImageGeometry,
  maps: readonly Affine[],
  fill: number,
  outH: number,
  outW: number,
  index: (b: number, c: number, y: number, x: number) => number,
  out: Float32Array,
): void {
  const { b: B, c: C, h: H, w: W } = geo;
  for (let n = 0; n < B; n++) {
    const m = maps[n]!;
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        const u = m.a * y + m.b * x + m.e;
        const v = m.c * y + m.d * x + m.f;
        const y0 = Math.floor(u);
        const x0 = Math.floor(v);
        const fy = u - y0;
        const fx = v - x0;
        for (let c = 0; c < C; c++) {
          const base = (n * C + c) * H * W;
          const at = (yy: number, xx: number) => (yy >= 0 && yy < H && xx >= 0 && xx < W ? img[base + yy * W + xx]! : fill);
          let val = (1 - fy) * (1 - fx) * at(y0, x0);
          if (fx !== 0) val += (1 - fy) * fx * at(y0, x0 + 1);
          if (fy !== 0) val += fy * (1 - fx) * at(y0 + 1, x0);
          if (fy !== 0 && fx !== 0) val += fy * fx * at(y0 + 1, x0 + 1);
          out[index(n, c, y, x)] = val;
        }
      }
    }
  }
}

/** The transpose of `sample` (without the constant fill): ∂L/∂image from ∂L/∂input. */
export function sampleAdjoint(
  gIn: ArrayLike<number>,
  geo: ImageGeometry,
  maps: readonly Affine[],
  outH: number,
  outW: number,
  index: (b: number, c: number, y: number, x: number) => number,
): Float64Array {
  const { b: B, c: C, h: H, w: W } = geo;
  const g = new Float64Array(B * C * H * W);
  for (let n = 0; n < B; n++) {
    const m = maps[n]!;
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        const u = m.a * y + m.b * x + m.e;
        const v = m.c * y + m.d * x + m.f;
        const y0 = Math.floor(u);
        const x0 = Math.floor(v);
        const fy = u - y0;
        const fx = v - x0;
        for (let c = 0; c < C; c++) {
          const base = (n * C + c) * H * W;
          const gv = gIn[index(n, c, y, x)]!;
          const put = (yy: number, xx: number, wt: number) => {
            if (wt !== 0 && yy >= 0 && yy < H && xx >= 0 && xx < W) g[base + yy * W + xx] += wt * gv;
          };
          put(y0, x0, (1 - fy) * (1 - fx));
          put(y0, x0 + 1, (1 - fy) * fx);
          put(y0 + 1, x0, fy * (1 - fx));
          put(y0 + 1, x0 + 1, fy * fx);
        }
      }
    }
  }
  return g;
}

/** Σ penalties over the batch (per image in `perImage`), adding their gradients into `grad`. */
export function applyPenalties(img: ArrayLike<number>, geo: ImageGeometry, ps: readonly Penalty[], grad: Float64Array, perImage: Float64Array): void {
  const { b: B, c: C, h: H, w: W } = geo;
  const per = C * H * W;
  for (const p of ps) {
    if (p.weight === 0) continue;
    for (let n = 0; n < B; n++) {
      let v = 0;
      const o = n * per;
      if (p.kind === 'l1' || p.kind === 'l2') {
        const c0 = p.center ?? 0;
        for (let i = o; i < o + per; i++) {
          const d = img[i]! - c0;
          v += p.kind === 'l1' ? Math.abs(d) : d * d;
          grad[i] += p.weight * (p.kind === 'l1' ? Math.sign(d) : 2 * d);
        }
      } else {
        for (let c = 0; c < C; c++) {
          const base = o + c * H * W;
          for (let y = 0; y < H; y++) {
            for (let x = 0; x < W; x++) {
              const i = base + y * W + x;
              if (p.kind === 'tv') {
                for (const j of [x + 1 < W ? i + 1 : -1, y + 1 < H ? i + W : -1]) {
                  if (j < 0) continue;
                  const d = img[j]! - img[i]!;
                  v += Math.abs(d);
                  grad[j] += p.weight * Math.sign(d);
                  grad[i] -= p.weight * Math.sign(d);
                }
              } else {
                let s = 0;
                let cnt = 0;
                for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
                  const yy = y + dy;
                  const xx = x + dx;
                  if (yy >= 0 && yy < H && xx >= 0 && xx < W) {
                    s += img[base + yy * W + xx]!;
                    cnt++;
                  }
                }
                const d = img[i]! - s / cnt;
                v += 0.5 * d * d;
                grad[i] += p.weight * d;
              }
            }
          }
        }
      }
      perImage[n] += p.weight * v;
    }
  }
}
