/**
 * Similarity of two attribution maps, for the randomisation sanity checks (Adebayo et al. 2018,
 * "Sanity checks for saliency maps"; Quantus `similarity_func`s). Every measure returns a finite
 * number in [−1, 1], 1 for identical maps. Sums in float64.
 *
 * - `spearman`: Spearman rank correlation, the Pearson correlation of the ranks, ties getting the
 *   mean of the ranks they span (`averageRanks`, shared with global/correlation.ts).
 * - `pearson`: Pearson correlation of the values.
 * - `ssim`: the mean structural similarity of Wang et al. 2004 ("Image quality assessment: from
 *   error visibility to structural similarity") in the form of scikit-image's
 *   `structural_similarity` defaults (what Quantus' `ssim` calls): a 7×7 UNIFORM window (not the
 *   Gaussian one), K1 = 0.01, K2 = 0.03, sample covariances (N/(N−1) with N = 49), the SSIM of
 *   every window that lies fully inside the image averaged (skimage computes it everywhere and
 *   crops 3 pixels on each side: the same numbers), channels averaged. The data range L of
 *   C1 = (K1·L)², C2 = (K2·L)² is taken from the two maps, max(a ∪ b) − min(a ∪ b) (Quantus). A
 *   map with one spatial axis of length 1 (tabular input, [1, W]) uses a 1×7 window, as skimage's
 *   1-D case does.
 *
 * Degenerate maps (documented, never NaN): for spearman and pearson, two constant maps score 1
 * (their rankings agree: all tied) and one constant map against a non-constant one scores 0 (no
 * rank information is shared); for ssim, two maps that are the same constant score 1 (L = 0).
 *
 * Preprocessing (`prepareMap`), as Adebayo's "absolute-value" maps and Quantus' options:
 * `abs` takes |a| first; `normalise` divides a map by its largest |value| (Quantus
 * `normalise_by_max`; a zero map stays zero). Normalising changes only SSIM (the correlations do
 * not depend on a positive scale), and it matters for SSIM: a randomised model's map can have a
 * very different scale.
 */
import { pearsonOrNull } from './stats/pearson.js';
import { InvalidArgumentError } from '../../errors.js';
import { averageRanks } from '../global/correlation.js';

export type SimilarityMeasure = 'spearman' | 'pearson' | 'ssim';
export const SIMILARITY_MEASURES: readonly SimilarityMeasure[] = ['spearman', 'pearson', 'ssim'];

/** The spatial layout of one map for SSIM: h × w pixels of c channels, channels last or first. */
export interface MapGeometry {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly layout: 'NHWC' | 'NCHW';
}

/** skimage's defaults. */
export const SSIM_WINDOW = 7;
const K1 = 0.01;
const K2 = 0.03;

export function checkMeasure(value: unknown, name = 'similarity'): SimilarityMeasure {
  if (typeof value === 'string' && (SIMILARITY_MEASURES as readonly string[]).includes(value)) return value as SimilarityMeasure;
  throw new InvalidArgumentError(`${name} must be one of ${SIMILARITY_MEASURES.join(', ')}, got ${String(value)}`);
}

/** `abs` then `normalise` (divide by max |value|) of a map, as a float64 copy. */
export function prepareMap(a: ArrayLike<number>, options: { readonly abs?: boolean; readonly normalise?: boolean } = {}): Float64Array {
  const out = Float64Array.from(a, options.abs ? Math.abs : (v: number) => v);
  if (options.normalise) {
    let m = 0;
    for (const v of out) m = Math.max(m, Math.abs(v));
    if (m > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! / m;
  }
  return out;
}

function checkPair(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new InvalidArgumentError(`maps of different sizes cannot be compared (${a.length} and ${b.length} values)`);
  if (a.length === 0) throw new InvalidArgumentError('maps must not be empty');
}

function isConstant(v: ArrayLike<number>): boolean {
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return false;
  return true;
}

/** Pearson correlation (1 for two constant maps, 0 for one constant map). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPair(a, b);
  const ca = isConstant(a);
  const cb = isConstant(b);
  if (ca || cb) return ca && cb ? 1 : 0;
  return pearsonOrNull(a, b) ?? 0;
}

/** Spearman rank correlation, average ranks for ties (1 for two constant maps, 0 for one). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPair(a, b);
  return pearson(averageRanks(a), averageRanks(b));
}

/**
 * Mean SSIM of two maps of geometry `g` (see the header: skimage's uniform 7×7 window, sample
 * covariance, data range from the maps). Throws InvalidArgumentError when the image is smaller
 * than the window.
 */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, g: MapGeometry, window = SSIM_WINDOW): number {
  checkPair(a, b);
  const { h, w, c, layout } = g;
  if (h * w * c !== a.length) throw new InvalidArgumentError(`SSIM geometry ${h}×${w}×${c} does not match a map of ${a.length} values`);
  if (!Number.isInteger(window) || window < 3 || window % 2 === 0) throw new InvalidArgumentError(`the SSIM window must be an odd integer ≥ 3, got ${window}`);
  const wh = h === 1 ? 1 : window;
  const ww = w === 1 ? 1 : window;
  if (h < wh || w < ww) {
    throw new InvalidArgumentError(`SSIM needs maps of at least ${window}×${window} pixels (a ${window}-pixel window), got ${h}×${w}: use similarity 'spearman' or 'pearson'`);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    lo = Math.min(lo, a[i]!, b[i]!);
    hi = Math.max(hi, a[i]!, b[i]!);
  }
  const range = hi - lo;
  if (range === 0) return 1; // both maps the same constant
  const c1 = (K1 * range) ** 2;
  const c2 = (K2 * range) ** 2;
  const np = wh * ww;
  const covNorm = np > 1 ? np / (np - 1) : 1;
  const at = (v: ArrayLike<number>, y: number, x: number, ch: number): number => v[layout === 'NHWC' ? (y * w + x) * c + ch : (ch * h + y) * w + x]!;
  let total = 0;
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    let count = 0;
    for (let y0 = 0; y0 + wh <= h; y0++) {
      for (let x0 = 0; x0 + ww <= w; x0++) {
        let sx = 0;
        let sy = 0;
        let sxx = 0;
        let syy = 0;
        let sxy = 0;
        for (let y = y0; y < y0 + wh; y++) {
          for (let x = x0; x < x0 + ww; x++) {
            const p = at(a, y, x, ch);
            const q = at(b, y, x, ch);
            sx += p;
            sy += q;
            sxx += p * p;
            syy += q * q;
            sxy += p * q;
          }
        }
        const ux = sx / np;
        const uy = sy / np;
        const vx = covNorm * (sxx / np - ux * ux);
        const vy = covNorm * (syy / np - uy * uy);
        const vxy = covNorm * (sxy / np - ux * uy);
        sum += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
        count++;
      }
    }
    total += sum / count;
  }
  return Math.max(-1, Math.min(1, total / c));
}

/** The geometry SSIM reads a map of per-example `inputShape` with: images as they are, vectors as one row. */
export function mapGeometry(inputShape: readonly number[], layout?: 'NHWC' | 'NCHW'): MapGeometry {
  if (inputShape.length === 1) return { h: 1, w: inputShape[0]!, c: 1, layout: 'NHWC' };
  if (inputShape.length === 2) return { h: inputShape[0]!, w: inputShape[1]!, c: 1, layout: 'NHWC' };
  if (inputShape.length === 3) {
    const [p, q, r] = inputShape as [number, number, number];
    const l = layout ?? (r <= 4 ? 'NHWC' : p <= 4 ? 'NCHW' : undefined);
    if (l === 'NHWC') return { h: p, w: q, c: r, layout: l };
    if (l === 'NCHW') return { h: q, w: r, c: p, layout: l };
  }
  throw new InvalidArgumentError(`SSIM reads maps as images [H, W, C] / [C, H, W] or vectors; cannot tell the layout of [${inputShape.join(', ')}]: pass layout, or use similarity 'spearman'`);
}

export interface SimilarityOptions {
  readonly measure: SimilarityMeasure;
  readonly abs?: boolean;
  readonly normalise?: boolean;
  /** Needed for `ssim`. */
  readonly geometry?: MapGeometry;
}

/** Similarity of maps `a` and `b` after `prepareMap` (abs, normalise), by `measure`. */
export function mapSimilarity(a: ArrayLike<number>, b: ArrayLike<number>, options: SimilarityOptions): number {
  checkPair(a, b);
  const pa = prepareMap(a, options);
  const pb = prepareMap(b, options);
  if (options.measure === 'spearman') return spearman(pa, pb);
  if (options.measure === 'pearson') return pearson(pa, pb);
  if (!options.geometry) throw new InvalidArgumentError('ssim needs the map geometry');
  return ssim(pa, pb, options.geometry);
}
