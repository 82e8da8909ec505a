/**
 * Image attributions the way Captum's `visualize_image_attr` draws them, as RGBA rasters / PNG.
 *
 * - Channels of the attribution are summed to one map S (Captum's reduction over the channel
 *   axis). Layouts: [H, W], [H, W, C] ('NHWC', default) or [C, H, W] ('NCHW'); a leading batch
 *   dimension of 1 is accepted.
 * - Sign: 'all' keeps S; 'positive' keeps max(S, 0); 'negative' keeps min(S, 0) (drawn by its
 *   magnitude); 'absolute_value' uses |S|. The scale is Captum's cumulative-sum threshold: the
 *   smallest sorted |value| at which the running sum reaches (100 - outlierPerc)% of the total
 *   (outlierPerc 2 by default); values are divided by it and clipped to [-1, 1] ([0, 1] unless
 *   'all'). An all-zero map normalises to zeros (never NaN).
 * - Methods: 'heat_map' (colour map of the normalised values), 'blended_heat_map' (the heat map
 *   at `alphaOverlay` opacity over a grayscale copy of the image), 'masked_image' (image × value,
 *   clipped to [0, 1]), 'alpha_scaling' (the image with alpha = value), 'original_image'.
 * - Colour maps follow the sign: 'diverging' for 'all', 'positive' (white – red-orange) for
 *   'positive', 'negative' (white – blue) for 'negative', 'sequential' for 'absolute_value'.
 * - Every picture except the original image gets a legend: a colour bar (heat maps) or a gray
 *   ramp of the kept fraction (masked image, alpha scaling) labelled in attribution units.
 * - Text (title, tick labels, caption) is laid out so that it fits the picture's width, wrapping
 *   rather than clipping; the picture's `labels` say where each line went.
 */
import { InvalidArgumentError, ShapeError } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';
import { colorBarLayout, drawColorBar } from './colorbar.js';
import type { ColorBarLayout, ColorBarSpec } from './colorbar.js';
import { checkColorMap, colorMapColor, colorMapDomain } from './colormaps.js';
import type { ColorMapName } from './colormaps.js';
import { bitmapFont, drawLabels, placeText } from './labels.js';
import type { LabelBox } from './labels.js';
import { blit, createRaster, encodeRasterPng, upscale, upscaleFactor } from './raster.js';
import type { Raster } from './raster.js';
import { toMaps, toRgbImage } from './image-input.js';
import type { ImageLayout } from './image-input.js';

export type ImageVizMethod = 'heat_map' | 'blended_heat_map' | 'masked_image' | 'alpha_scaling' | 'original_image';
export type AttrSign = 'all' | 'positive' | 'negative' | 'absolute_value';

export const IMAGE_VIZ_METHODS: readonly ImageVizMethod[] = [
  'heat_map',
  'blended_heat_map',
  'masked_image',
  'alpha_scaling',
  'original_image',
];
export const ATTR_SIGNS: readonly AttrSign[] = ['all', 'positive', 'negative', 'absolute_value'];

export interface NormalizeOptions {
  readonly sign?: AttrSign;
  /** Percentage of the largest attribution mass treated as outliers and clipped (default 2). */
  readonly outlierPerc?: number;
  readonly layout?: ImageLayout;
}

export interface NormalizedMap {
  readonly h: number;
  readonly w: number;
  /** Normalised values, [-1, 1] for sign 'all', otherwise [0, 1]. */
  readonly values: Float64Array;
  /** Attribution magnitude mapped to 1 (0 when the selected values are all zero). */
  readonly threshold: number;
  readonly sign: AttrSign;
}

export interface ImageAttrOptions extends NormalizeOptions {
  /** Default 'heat_map'. */
  readonly method?: ImageVizMethod;
  /** The input example (same layout and spatial size); needed by every method but 'heat_map'. */
  readonly image?: Tensor;
  /** Value range of `image`: 'auto' (default: [0, 1] if it fits, else [0, 255] if it fits, else min–max). */
  readonly imageRange?: 'auto' | readonly [number, number];
  /** Colour map; default follows the sign (see the module comment). */
  readonly colormap?: ColorMapName;
  /** Heat-map opacity over the image in 'blended_heat_map' (default 0.5, as Captum). */
  readonly alphaOverlay?: number;
  /** Minimum long side of the map in pixels after integer upscaling (default 128). */
  readonly minSize?: number;
  /** Draw the legend under the map (default true). */
  readonly colorBar?: boolean;
  /** Title drawn above the map in the bitmap font (wrapped onto up to two lines). */
  readonly title?: string;
}

export interface ImageAttrPicture {
  readonly raster: Raster;
  readonly method: ImageVizMethod;
  readonly sign: AttrSign;
  readonly colormap: ColorMapName;
  readonly threshold: number;
  /** Integer upscaling factor and where the map sits in the raster. */
  readonly factor: number;
  readonly mapTop: number;
  readonly mapWidth: number;
  readonly mapHeight: number;
  /** The legend drawn (undefined for 'original_image' or colorBar: false). */
  readonly legend?: ColorBarSpec;
  /** Where the legend's ramp, ticks and labels went. */
  readonly legendLayout?: ColorBarLayout;
  /** Every text line drawn (title lines, tick labels, caption lines) with the box it fits in. */
  readonly labels: readonly LabelBox[];
}

function checkSign(sign: string): AttrSign {
  if (!(ATTR_SIGNS as readonly string[]).includes(sign)) {
    throw new InvalidArgumentError(`sign must be one of ${ATTR_SIGNS.join(', ')}; got '${sign}'`);
  }
  return sign as AttrSign;
}

/**
 * Captum's cumulative-sum threshold: sort the (non-negative) values, and return the first
 * sorted value at which the running sum reaches `percentile`% of the total.
 */
export function cumulativeSumThreshold(values: ArrayLike<number>, percentile: number): number {
  if (!(percentile >= 0 && percentile <= 100)) {
    throw new InvalidArgumentError(`percentile must be in [0, 100], got ${percentile}`);
  }
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return 0;
  let total = 0;
  for (const v of sorted) total += v;
  const target = total * 0.01 * percentile;
  let run = 0;
  for (const v of sorted) {
    run += v;
    if (run >= target) return v;
  }
  return sorted[sorted.length - 1]!;
}

/** Sum channels, select the sign, and scale by the cumulative-sum threshold (see module comment). */
export function normalizeImageAttribution(attribution: Tensor, options: NormalizeOptions = {}): NormalizedMap {
  const sign = checkSign(options.sign ?? 'absolute_value');
  const outlierPerc = options.outlierPerc ?? 2;
  if (!(outlierPerc >= 0 && outlierPerc < 100)) {
    throw new InvalidArgumentError(`outlierPerc must be in [0, 100), got ${outlierPerc}`);
  }
  const { h, w, sum } = toMaps(attribution, options.layout ?? 'NHWC', 'attribution');
  const selected = sum.map((v) =>
    sign === 'all' ? v : sign === 'positive' ? Math.max(v, 0) : sign === 'negative' ? Math.min(v, 0) : Math.abs(v),
  );
  const threshold = cumulativeSumThreshold(
    selected.map((v) => Math.abs(v)),
    100 - outlierPerc,
  );
  const lo = sign === 'all' ? -1 : 0;
  const values =
    threshold > 0
      ? selected.map((v) => Math.min(1, Math.max(lo, (sign === 'negative' ? -v : v) / threshold)))
      : new Float64Array(selected.length);
  return { h, w, values, threshold, sign };
}

function defaultColormap(sign: AttrSign): ColorMapName {
  return sign === 'all' ? 'diverging' : sign === 'positive' ? 'positive' : sign === 'negative' ? 'negative' : 'sequential';
}

/**
 * The legend of a picture: the colour ramp against attribution values (heat maps), or the gray
 * ramp of the share of the pixel kept (masked image, alpha scaling); none for the original image.
 */
export function imageLegendSpec(method: ImageVizMethod, sign: AttrSign, cmap: ColorMapName, threshold: number): ColorBarSpec | undefined {
  if (method === 'original_image') return undefined;
  const t = threshold > 0 ? threshold : 1;
  const label = sign === 'absolute_value' ? '|attribution|' : 'attribution';
  if (method === 'masked_image' || method === 'alpha_scaling') {
    // Gray ramp: fraction of the pixel kept (black = none, white = all) against attribution value.
    return { colormap: 'gray', min: 0, max: sign === 'negative' ? -t : t, label: `share of pixel kept vs ${label}` };
  }
  if (sign === 'all') return { colormap: cmap, min: -t, max: t, label };
  return { colormap: cmap, min: 0, max: sign === 'negative' ? -t : t, label };
}

/** Render one example's attribution (see the module comment). */
export function visualizeImageAttr(attribution: Tensor, options: ImageAttrOptions = {}): ImageAttrPicture {
  const method = options.method ?? 'heat_map';
  if (!(IMAGE_VIZ_METHODS as readonly string[]).includes(method)) {
    throw new InvalidArgumentError(`method must be one of ${IMAGE_VIZ_METHODS.join(', ')}; got '${String(method)}'`);
  }
  const sign = checkSign(options.sign ?? 'absolute_value');
  const cmap = checkColorMap(options.colormap ?? defaultColormap(sign));
  const layout = options.layout ?? 'NHWC';
  const norm = normalizeImageAttribution(attribution, { ...options, sign });
  const { h, w, values } = norm;
  const alphaOverlay = options.alphaOverlay ?? 0.5;
  if (!(alphaOverlay >= 0 && alphaOverlay <= 1)) {
    throw new InvalidArgumentError(`alphaOverlay must be in [0, 1], got ${alphaOverlay}`);
  }
  let rgb: Float64Array | undefined;
  if (options.image) {
    const img = toRgbImage(options.image, layout, options.imageRange ?? 'auto');
    if (img.h !== h || img.w !== w) throw new ShapeError(`image is ${img.h}x${img.w} but the attribution is ${h}x${w}`);
    rgb = img.rgb;
  } else if (method !== 'heat_map') {
    throw new InvalidArgumentError(`method '${method}' needs the input image (options.image)`);
  }
  const [dlo, dhi] = colorMapDomain(cmap);
  const toDomain = (v: number) => (sign === 'all' && dlo === 0 ? (v + 1) / 2 : Math.max(dlo, Math.min(dhi, v)));
  const map = createRaster(w, h);
  for (let i = 0; i < h * w; i++) {
    const v = values[i]!;
    const o = i * 4;
    const image = rgb ? [rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!] : [0, 0, 0];
    let out: number[];
    let alpha = 255;
    switch (method) {
      case 'heat_map':
        out = [...colorMapColor(cmap, toDomain(v))];
        break;
      case 'blended_heat_map': {
        const gray = ((image[0]! + image[1]! + image[2]!) / 3) * 255;
        const c = colorMapColor(cmap, toDomain(v));
        out = c.map((x) => (1 - alphaOverlay) * gray + alphaOverlay * x);
        break;
      }
      case 'masked_image':
        out = image.map((x) => Math.min(1, Math.max(0, x * v)) * 255);
        break;
      case 'alpha_scaling':
        out = image.map((x) => x * 255);
        alpha = Math.round(Math.min(1, Math.max(0, v)) * 255);
        break;
      default:
        out = image.map((x) => x * 255);
    }
    map.data[o] = Math.round(out[0]!);
    map.data[o + 1] = Math.round(out[1]!);
    map.data[o + 2] = Math.round(out[2]!);
    map.data[o + 3] = alpha;
  }
  const k = upscaleFactor(h, w, positiveInt(options.minSize, 128, 'minSize'));
  const big = upscale(map, k);
  const legend = options.colorBar === false ? undefined : imageLegendSpec(method, sign, cmap, norm.threshold);
  return compose(big, options.title, legend, { method, sign, colormap: cmap, threshold: norm.threshold, factor: k });
}

function positiveInt(v: number | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** Text scale of a picture's labels: 1 up to 255 px wide maps, 2 from 256 px. */
function textScaleFor(mapWidth: number): number {
  return mapWidth >= 256 ? 2 : 1;
}

/**
 * Put an optional title above and a legend below a map raster. The picture is at least 64 px
 * wide when it has text; the title wraps onto two lines within it and the legend's caption onto
 * up to three, the picture growing downwards to hold them.
 */
function compose(
  map: Raster,
  title: string | undefined,
  legend: ColorBarSpec | undefined,
  info: Pick<ImageAttrPicture, 'method' | 'sign' | 'colormap' | 'threshold' | 'factor'>,
): ImageAttrPicture {
  const scale = textScaleFor(map.width);
  const width = Math.max(map.width, title || legend ? 64 : 0);
  const titled = title ? placeText(title, { x: 2, y: 2, width: width - 4 }, bitmapFont(scale, scale >= 2), { role: 'title', align: 'middle', maxLines: 2 }) : undefined;
  const titleH = titled && titled.height > 0 ? titled.height + 6 : 0;
  const barTop = titleH + map.height + 5;
  const legendLayout = legend ? colorBarLayout(legend, 2, barTop, width - 4, { font: bitmapFont(scale) }) : undefined;
  const height = titleH + map.height + (legendLayout ? 5 + legendLayout.bounds.height + 4 : 0);
  const raster = createRaster(width, height);
  if (titled) drawLabels(raster, titled.labels);
  blit(raster, map, Math.floor((width - map.width) / 2), titleH);
  if (legend) drawColorBar(raster, legend, 2, barTop, width - 4, scale);
  const labels = [...(titled?.labels ?? []), ...(legendLayout?.labels ?? [])];
  return {
    ...info,
    raster,
    mapTop: titleH,
    mapWidth: map.width,
    mapHeight: map.height,
    ...(legend ? { legend, legendLayout } : {}),
    labels,
  };
}

/** PNG bytes of `visualizeImageAttr` (RGBA; tEXt chunks Method, Sign, Threshold). */
export function visualizeImageAttrPng(attribution: Tensor, options: ImageAttrOptions = {}): Uint8Array {
  const pic = visualizeImageAttr(attribution, options);
  return encodeRasterPng(pic.raster, { Method: pic.method, Sign: pic.sign, Threshold: String(pic.threshold) });
}
