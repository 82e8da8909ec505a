/**
 * SLIC superpixels (Achanta, Shaji, Smith, Lucchi, Fua, Süsstrunk, "SLIC Superpixels Compared
 * to State-of-the-Art Superpixel Methods", IEEE TPAMI 2012), implemented from the paper's
 * description:
 *
 * 1. K cluster centres on a regular grid of step S = √(HW / K), each moved to the lowest-gradient
 *    position of its 3 × 3 neighbourhood (gradient ‖I(x+1,y) − I(x−1,y)‖² + ‖I(x,y+1) − I(x,y−1)‖²).
 * 2. Repeat `maxIter` times: every centre claims, within a 2S × 2S window around it, the pixels it
 *    is closer to than their current centre under D² = d_c² + (d_s / S)² · m² (d_c colour distance,
 *    d_s spatial distance, m = compactness); then each centre moves to the mean colour and
 *    position of its pixels.
 * 3. Enforce connectivity: 4-connected components of each label are relabelled in raster order;
 *    a component smaller than `minSizeFactor · HW / K` pixels joins the component adjacent to its
 *    first pixel (left, else above) that was labelled before it.
 *
 * Colours are the image's channels as given (no CIELAB conversion: inputs are often normalised
 * tensors rather than sRGB), rescaled together so the image's value range spans 0 … 100, the
 * range of CIELAB lightness the paper's compactness values (1 … 40, default 10) refer to.
 * No pre-smoothing. Deterministic: no random numbers.
 */
import { InvalidArgumentError } from '../../../errors.js';

export interface SlicOptions {
  /** Approximate number of superpixels K. Default 50. */
  readonly nSegments?: number;
  /** m: larger = more regular, compact superpixels. Default 10. */
  readonly compactness?: number;
  /** Assignment / update iterations. Default 10. */
  readonly maxIter?: number;
  /** Components below this fraction of the mean superpixel size are merged. Default 0.25. */
  readonly minSizeFactor?: number;
}

export interface Segmentation {
  /** Label of every pixel, row-major [H, W], ids 0 … count − 1. */
  readonly labels: Int32Array;
  readonly count: number;
}

function checkNumber(v: number | undefined, name: string, fallback: number, min: number, integer: boolean): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
    throw new InvalidArgumentError(`slic: ${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${String(v)}`);
  }
  return v;
}

/**
 * Segments an image stored channels-last: pixel (y, x) channel c at image[off + (y·W + x)·C + c].
 */
export function slic(image: ArrayLike<number>, h: number, w: number, c: number, options: SlicOptions = {}, off = 0): Segmentation {
  if (![h, w, c].every((d) => Number.isInteger(d) && d >= 1)) throw new InvalidArgumentError(`slic: bad image size ${h}×${w}×${c}`);
  if (image.length < off + h * w * c) throw new InvalidArgumentError(`slic: image has ${image.length - off} values, expected ${h * w * c}`);
  const k = checkNumber(options.nSegments, 'nSegments', 50, 1, true);
  const m = checkNumber(options.compactness, 'compactness', 10, 0, false);
  const maxIter = checkNumber(options.maxIter, 'maxIter', 10, 1, true);
  const minFactor = checkNumber(options.minSizeFactor, 'minSizeFactor', 0.25, 0, false);
  const n = h * w;
  // Colours rescaled to 0 … 100.
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n * c; i++) {
    const v = image[off + i]!;
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`slic: image value ${v} at ${i} is not finite`);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const scale = hi > lo ? 100 / (hi - lo) : 0;
  const col = new Float64Array(n * c);
  for (let i = 0; i < n * c; i++) col[i] = (image[off + i]! - lo) * scale;

  const step = Math.sqrt(n / k);
  const ny = Math.max(1, Math.min(h, Math.round(h / step)));
  const nx = Math.max(1, Math.min(w, Math.round(w / step)));
  const kk = ny * nx;
  const cy = new Float64Array(kk);
  const cx = new Float64Array(kk);
  const cc = new Float64Array(kk * c);
  const grad = (y: number, x: number): number => {
    const y0 = Math.max(0, y - 1), y1 = Math.min(h - 1, y + 1), x0 = Math.max(0, x - 1), x1 = Math.min(w - 1, x + 1);
    let g = 0;
    for (let ch = 0; ch < c; ch++) {
      const dx = col[(y * w + x1) * c + ch]! - col[(y * w + x0) * c + ch]!;
      const dy = col[(y1 * w + x) * c + ch]! - col[(y0 * w + x) * c + ch]!;
      g += dx * dx + dy * dy;
    }
    return g;
  };
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      const j = iy * nx + ix;
      let by = Math.min(h - 1, Math.floor((iy + 0.5) * (h / ny)));
      let bx = Math.min(w - 1, Math.floor((ix + 0.5) * (w / nx)));
      let best = grad(by, bx);
      const y0 = by, x0 = bx;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const y = y0 + dy, x = x0 + dx;
          if (y < 0 || y >= h || x < 0 || x >= w) continue;
          const g = grad(y, x);
          if (g < best) {
            best = g;
            by = y;
            bx = x;
          }
        }
      }
      cy[j] = by;
      cx[j] = bx;
      for (let ch = 0; ch < c; ch++) cc[j * c + ch] = col[(by * w + bx) * c + ch]!;
    }
  }

  const stepY = h / ny;
  const stepX = w / nx;
  const s = Math.max(1, Math.sqrt(stepY * stepX));
  const spatial = (m / s) * (m / s);
  const labels = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  const sum = new Float64Array(kk * (c + 3));
  for (let iter = 0; iter < maxIter; iter++) {
    dist.fill(Number.POSITIVE_INFINITY);
    for (let j = 0; j < kk; j++) {
      const yA = Math.max(0, Math.floor(cy[j]! - stepY)), yB = Math.min(h - 1, Math.ceil(cy[j]! + stepY));
      const xA = Math.max(0, Math.floor(cx[j]! - stepX)), xB = Math.min(w - 1, Math.ceil(cx[j]! + stepX));
      for (let y = yA; y <= yB; y++) {
        for (let x = xA; x <= xB; x++) {
          const p = y * w + x;
          let dc = 0;
          for (let ch = 0; ch < c; ch++) {
            const d = col[p * c + ch]! - cc[j * c + ch]!;
            dc += d * d;
          }
          const ddy = y - cy[j]!, ddx = x - cx[j]!;
          const d = dc + (ddy * ddy + ddx * ddx) * spatial;
          if (d < dist[p]!) {
            dist[p] = d;
            labels[p] = j;
          }
        }
      }
    }
    sum.fill(0);
    for (let p = 0; p < n; p++) {
      const j = labels[p]!;
      if (j < 0) continue;
      const b = j * (c + 3);
      sum[b] += 1;
      sum[b + 1] += Math.floor(p / w);
      sum[b + 2] += p % w;
      for (let ch = 0; ch < c; ch++) sum[b + 3 + ch] += col[p * c + ch]!;
    }
    for (let j = 0; j < kk; j++) {
      const b = j * (c + 3);
      const cnt = sum[b]!;
      if (cnt === 0) continue;
      cy[j] = sum[b + 1]! / cnt;
      cx[j] = sum[b + 2]! / cnt;
      for (let ch = 0; ch < c; ch++) cc[j * c + ch] = sum[b + 3 + ch]! / cnt;
    }
  }
  // Pixels no window reached: nearest centre in space.
  for (let p = 0; p < n; p++) {
    if (labels[p]! >= 0) continue;
    const y = Math.floor(p / w), x = p % w;
    let best = 0;
    let bd = Number.POSITIVE_INFINITY;
    for (let j = 0; j < kk; j++) {
      const d = (y - cy[j]!) ** 2 + (x - cx[j]!) ** 2;
      if (d < bd) {
        bd = d;
        best = j;
      }
    }
    labels[p] = best;
  }
  return enforceConnectivity(labels, h, w, Math.floor((minFactor * n) / kk));
}

/** Relabels 4-connected components in raster order, merging those below `minSize` pixels. */
export function enforceConnectivity(labels: Int32Array, h: number, w: number, minSize: number): Segmentation {
  const n = h * w;
  const out = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let next = 0;
  for (let start = 0; start < n; start++) {
    if (out[start]! >= 0) continue;
    const y0 = Math.floor(start / w), x0 = start % w;
    let adjacent = -1;
    if (x0 > 0 && out[start - 1]! >= 0) adjacent = out[start - 1]!;
    else if (y0 > 0 && out[start - w]! >= 0) adjacent = out[start - w]!;
    const orig = labels[start]!;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    out[start] = next;
    while (head < tail) {
      const p = queue[head++]!;
      const y = Math.floor(p / w), x = p % w;
      const nb = [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1];
      for (const q of nb) {
        if (q >= 0 && out[q]! < 0 && labels[q] === orig) {
          out[q] = next;
          queue[tail++] = q;
        }
      }
    }
    if (tail < minSize && adjacent >= 0) {
      for (let t = 0; t < tail; t++) out[queue[t]!] = adjacent;
    } else {
      next++;
    }
  }
  return { labels: out, count: next };
}
