/**
 * Attribution heatmaps as PNG.
 *
 * - Image attributions (per example [H, W], [H, W, C] with layout NHWC, or [C, H, W] with
 *   layout NCHW): channels are summed, values are scaled symmetrically by the 99th percentile of
 *   |attribution| (larger values are clipped), mapped through the diverging colour map
 *   (blue = negative, white = zero, red-orange = positive), optionally blended over a grayscale
 *   copy of the input (opacity grows with |attribution|), upscaled by an integer factor
 *   (nearest neighbour) to at least `minSize` pixels on the long side, with a colour bar strip
 *   below (left end = -scale, centre tick = 0, right end = +scale).
 * - 1-D attributions ([F], tabular models) are drawn as a bar chart: one bar per feature, up and
 *   red-orange for positive, down and blue for negative, length proportional to the clipped value.
 */
import { InvalidArgumentError, NumericError, ShapeError } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';
import { encode } from 'fast-png';
import { divergingColor } from './colormap.js';

export type AttributionLayout = 'NHWC' | 'NCHW';

export interface HeatmapOptions {
  /** Layout of rank-3 attributions and images: 'NHWC' ([H, W, C], default) or 'NCHW' ([C, H, W]). */
  readonly layout?: AttributionLayout;
  /** The input example to overlay on, same layout and spatial size as the attribution. */
  readonly image?: Tensor;
  /** Percentile of |attribution| that maps to the ends of the colour map (default 99). */
  readonly percentile?: number;
  /** Minimum size in pixels of the longer side after upscaling (default 128). */
  readonly minSize?: number;
  /** Draw the colour bar strip under image heatmaps (default true). */
  readonly legend?: boolean;
  /** Largest overlay opacity, reached at |value| >= scale (default 0.85). */
  readonly maxAlpha?: number;
}

export interface HeatmapImage {
  readonly width: number;
  readonly height: number;
  /** RGB, 8 bits per channel, row-major. */
  readonly rgb: Uint8Array;
  /** |attribution| value mapped to the ends of the colour map. */
  readonly scale: number;
  /** Integer upscaling factor (image heatmaps) or bar width in pixels (bar charts). */
  readonly factor: number;
  /** Height in pixels of the heatmap itself (without the legend). */
  readonly mapHeight: number;
  readonly kind: 'image' | 'bars';
}

interface Map2D {
  readonly h: number;
  readonly w: number;
  readonly values: Float64Array;
}

/** Reduce an example to a 2-D map by summing (`mean` = false) or averaging the channels. */
function toMap2D(t: Tensor, layout: AttributionLayout, what: string, mean: boolean): Map2D {
  const s = t.shape;
  if (s.length === 2) return { h: s[0]!, w: s[1]!, values: Float64Array.from(t.data) };
  if (s.length !== 3) {
    throw new ShapeError(`${what} must have shape [H, W], [H, W, C] or [C, H, W]; got [${s.join(', ')}]`);
  }
  const [h, w, c] = layout === 'NHWC' ? [s[0]!, s[1]!, s[2]!] : [s[1]!, s[2]!, s[0]!];
  const values = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let k = 0; k < c; k++) {
        sum += layout === 'NHWC' ? t.data[(y * w + x) * c + k]! : t.data[(k * h + y) * w + x]!;
      }
      values[y * w + x] = mean && c > 0 ? sum / c : sum;
    }
  }
  return { h, w, values };
}

/** Symmetric scale: the given percentile of |values|, falling back to max |value|, then to 1. */
export function symmetricScale(values: ArrayLike<number>, percentile = 99): number {
  if (!(percentile > 0 && percentile <= 100)) {
    throw new InvalidArgumentError(`percentile must be in (0, 100], got ${percentile}`);
  }
  const abs = Float64Array.from(values, (v) => Math.abs(v)).sort();
  if (abs.length === 0) return 1;
  const pos = (percentile / 100) * (abs.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(abs.length - 1, lo + 1);
  const p = abs[lo]! + (abs[hi]! - abs[lo]!) * (pos - lo);
  if (p > 0) return p;
  const max = abs[abs.length - 1]!;
  return max > 0 ? max : 1;
}

function checkFinite(t: Tensor, what: string): void {
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i]!)) throw new NumericError(`${what} contains a non-finite value at index ${i}`);
  }
}

function positiveInt(v: number | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got ${v}`);
  return v;
}

function renderImage(attr: Tensor, options: HeatmapOptions): HeatmapImage {
  const layout = options.layout ?? 'NHWC';
  const map = toMap2D(attr, layout, 'attribution', false);
  const { h, w } = map;
  if (h === 0 || w === 0) throw new ShapeError('attribution has an empty spatial dimension');
  const scale = symmetricScale(map.values, options.percentile ?? 99);
  const maxAlpha = options.maxAlpha ?? 0.85;
  if (!(maxAlpha >= 0 && maxAlpha <= 1)) throw new InvalidArgumentError(`maxAlpha must be in [0, 1], got ${maxAlpha}`);

  let base: Float64Array | undefined;
  if (options.image) {
    checkFinite(options.image, 'image');
    const img = toMap2D(options.image, layout, 'image', true);
    if (img.h !== h || img.w !== w) {
      throw new ShapeError(`image is ${img.h}x${img.w} but the attribution is ${h}x${w}`);
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of img.values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    base = img.values.map((v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5));
  }

  const k = Math.max(1, Math.ceil(positiveInt(options.minSize, 128, 'minSize') / Math.max(h, w)));
  const width = w * k;
  const mapHeight = h * k;
  const legend = options.legend ?? true;
  const gap = legend ? Math.max(2, Math.round(k / 2)) : 0;
  const strip = legend ? Math.max(4, k) : 0;
  const ticks = legend ? Math.max(2, Math.round(k / 2)) : 0;
  const height = mapHeight + gap + strip + ticks;
  const rgb = new Uint8Array(width * height * 3).fill(255);

  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = Math.max(-1, Math.min(1, map.values[y * w + x]! / scale));
      const [cr, cg, cb] = divergingColor(v);
      let r = cr;
      let g = cg;
      let b = cb;
      if (base) {
        const gray = 255 * base[y * w + x]!;
        const a = maxAlpha * Math.abs(v);
        r = Math.round((1 - a) * gray + a * cr);
        g = Math.round((1 - a) * gray + a * cg);
        b = Math.round((1 - a) * gray + a * cb);
      }
      for (let dy = 0; dy < k; dy++) {
        let o = ((y * k + dy) * width + x * k) * 3;
        for (let dx = 0; dx < k; dx++, o += 3) {
          rgb[o] = r;
          rgb[o + 1] = g;
          rgb[o + 2] = b;
        }
      }
    }
  }

  if (legend) {
    const top = mapHeight + gap;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = divergingColor(-1 + (2 * (x + 0.5)) / width);
      for (let y = top; y < top + strip; y++) rgb.set([r, g, b], (y * width + x) * 3);
    }
    const tickX = [0, Math.floor((width - 1) / 2), width - 1];
    for (let y = top + strip; y < height; y++) {
      for (const x of tickX) rgb.set([40, 40, 40], (y * width + x) * 3);
    }
  }
  return { width, height, rgb, scale, factor: k, mapHeight, kind: 'image' };
}

function renderBars(attr: Tensor, options: HeatmapOptions): HeatmapImage {
  const n = attr.shape[0]!;
  if (n === 0) throw new ShapeError('attribution has no features');
  const values = Float64Array.from(attr.data);
  const scale = symmetricScale(values, options.percentile ?? 99);
  const minSize = positiveInt(options.minSize, 128, 'minSize');
  const bw = Math.max(3, Math.ceil(minSize / n));
  const width = n * bw;
  const height = Math.max(64, Math.min(minSize, 256)) | 1; // odd: a centre row for the axis
  const mid = (height - 1) / 2;
  const rgb = new Uint8Array(width * height * 3).fill(255);
  for (let i = 0; i < n; i++) {
    const v = Math.max(-1, Math.min(1, values[i]! / scale));
    const len = Math.round(Math.abs(v) * (mid - 1));
    const color = divergingColor(v < 0 ? -1 : 1);
    for (let d = 1; d <= len; d++) {
      const y = v < 0 ? mid + d : mid - d;
      for (let x = i * bw + 1; x < (i + 1) * bw - 1; x++) rgb.set(color, (y * width + x) * 3);
    }
  }
  for (let x = 0; x < width; x++) rgb.set([40, 40, 40], (mid * width + x) * 3);
  return { width, height, rgb, scale, factor: bw, mapHeight: height, kind: 'bars' };
}

/**
 * Render one example's attribution as an RGB image (see the module comment). Throws ShapeError
 * for unsupported ranks and NumericError for non-finite values.
 */
export function renderHeatmap(attribution: Tensor, options: HeatmapOptions = {}): HeatmapImage {
  checkFinite(attribution, 'attribution');
  const layout = options.layout ?? 'NHWC';
  if (layout !== 'NHWC' && layout !== 'NCHW') {
    throw new InvalidArgumentError(`layout must be 'NHWC' or 'NCHW', got ${String(layout)}`);
  }
  const rank = attribution.shape.length;
  if (rank === 1) return renderBars(attribution, options);
  if (rank === 2 || rank === 3) return renderImage(attribution, options);
  throw new ShapeError(
    `cannot draw an attribution of shape [${attribution.shape.join(', ')}]: expected [F], [H, W], [H, W, C] or [C, H, W] (one example)`,
  );
}

/**
 * Render one example's attribution as PNG bytes (RGB, 8 bit). The colour scale is recorded in a
 * text chunk: `Scale` = the |attribution| value at the ends of the colour map.
 */
export function renderHeatmapPng(attribution: Tensor, options: HeatmapOptions = {}): Uint8Array {
  const img = renderHeatmap(attribution, options);
  return encode({
    width: img.width,
    height: img.height,
    data: img.rgb,
    channels: 3,
    depth: 8,
    text: { Software: 'glasswing', Scale: String(img.scale) },
  });
}
