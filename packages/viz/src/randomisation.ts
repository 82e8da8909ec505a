/**
 * The model-parameter randomisation picture (Adebayo et al. 2018, "Sanity checks for saliency
 * maps", Fig. 2): one row of maps — the input (optional), the explanation of the trained model,
 * then the explanation after each randomisation step (for the cascading test: the top layers down
 * to the named one randomised), each panel titled with its layer name and, when given, its
 * similarity to the original map. Built on the method grid (`grid.ts`): every map is scaled on its
 * own (Captum's cumulative-sum threshold) — a randomised model's maps can be orders of magnitude
 * smaller or larger, and the test is about their structure — and shown as |map| by default, as
 * Adebayo's absolute-value maps.
 */
import { InvalidArgumentError } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';
import { imageAttrGridSvg } from './grid.js';
import type { GridOptions, GridPanel } from './grid.js';
import { visualizeImageAttr } from './image.js';
import type { AttrSign, ImageAttrOptions } from './image.js';
import { bitmapFont, drawLabels, placeText } from './labels.js';
import { blit, createRaster, encodeRasterPng } from './raster.js';
import type { ImageLayout } from './image-input.js';
import type { ColorMapName } from './colormaps.js';
import type { Raster } from './raster.js';

export interface RandomisationStripOptions {
  /** The original map first, then one map per step; each one example ([H, W], [H, W, C], [C, H, W], or with a batch of 1). */
  readonly maps: readonly Tensor[];
  /** A title per map (same length): e.g. 'original', then the layer names of the steps. */
  readonly labels: readonly string[];
  /** Similarity of each step's map to the original (maps.length − 1 values), shown in the titles. */
  readonly similarities?: readonly number[];
  /** Name of the similarity in the titles (default 'rho', Spearman's; e.g. 'SSIM'). ASCII: the PNG font has no Greek. */
  readonly similarityName?: string;
  /** The input image, shown as the first panel when given. */
  readonly image?: Tensor;
  readonly layout?: ImageLayout;
  readonly imageRange?: ImageAttrOptions['imageRange'];
  /** Default 'absolute_value' (Adebayo's |maps|). */
  readonly sign?: AttrSign;
  readonly colormap?: ColorMapName;
  /** Minimum long side of each map (default 96). */
  readonly minSize?: number;
  /** Overall title (SVG only), e.g. 'Cascading randomisation: saliency'. */
  readonly title?: string;
}

/** The grid panels of the strip (exported for callers that want to add panels). */
export function randomisationPanels(options: RandomisationStripOptions): GridPanel[] {
  const { maps, labels, similarities } = options;
  if (maps.length === 0) throw new InvalidArgumentError('a randomisation strip needs at least the original map');
  if (labels.length !== maps.length) throw new InvalidArgumentError(`labels has ${labels.length} entries for ${maps.length} maps`);
  if (similarities && similarities.length !== maps.length - 1) {
    throw new InvalidArgumentError(`similarities has ${similarities.length} entries; expected one per randomised map (${maps.length - 1})`);
  }
  const name = options.similarityName ?? 'rho';
  const sign = options.sign ?? 'absolute_value';
  const panels: GridPanel[] = [];
  if (options.image) panels.push({ title: 'input' });
  maps.forEach((m, i) => {
    const s = i > 0 ? similarities?.[i - 1] : undefined;
    const title = s === undefined ? labels[i]! : `${labels[i]!} ${name} ${Number.isFinite(s) ? s.toFixed(2) : String(s)}`;
    panels.push({ title, attribution: one(m, i), sign, ...(options.colormap ? { colormap: options.colormap } : {}) });
  });
  return panels;
}

/** A batch of one is read as its example. */
function one(t: Tensor, i: number): Tensor {
  if (t.shape.length === 4) {
    if (t.shape[0] !== 1) throw new InvalidArgumentError(`map ${i} holds ${t.shape[0]} examples; pass one example per map`);
    return { shape: t.shape.slice(1), data: t.data };
  }
  return t;
}

function gridOptions(options: RandomisationStripOptions, panels: number): GridOptions {
  return {
    columns: panels,
    minSize: options.minSize ?? 96,
    ...(options.image ? { image: options.image } : {}),
    ...(options.layout ? { layout: options.layout } : {}),
    ...(options.imageRange ? { imageRange: options.imageRange } : {}),
    ...(options.title ? { title: options.title } : {}),
  };
}

/**
 * The strip as an RGBA raster: one row of panels (title, map, colour bar), 8-px gutters. Unlike the
 * method grid's PNG, the titles share one band as tall as the tallest (a layer name that wraps
 * onto two lines does not push its map below the others).
 */
export function randomisationStrip(options: RandomisationStripOptions): Raster {
  const panels = randomisationPanels(options);
  const pics = panels.map((p) =>
    visualizeImageAttr(p.attribution ?? options.image!, {
      method: p.attribution ? 'heat_map' : 'original_image',
      ...(p.sign ? { sign: p.sign } : {}),
      ...(p.colormap ? { colormap: p.colormap } : {}),
      ...(options.image ? { image: options.image } : {}),
      ...(options.imageRange ? { imageRange: options.imageRange } : {}),
      ...(options.layout ? { layout: options.layout } : {}),
      minSize: options.minSize ?? 96,
      colorBar: true,
    }),
  );
  const gut = 8;
  const cw = Math.max(112, ...pics.map((p) => p.raster.width));
  const font = bitmapFont(1, false);
  const place = (i: number, x: number) => placeText(panels[i]!.title, { x: x + 2, y: gut, width: cw - 4 }, font, { role: 'title', align: 'middle', maxLines: 2 });
  const titleH = Math.max(...panels.map((_, i) => place(i, 0).height)) + 6;
  const out = createRaster(pics.length * cw + (pics.length + 1) * gut, gut + titleH + Math.max(...pics.map((p) => p.raster.height)) + gut);
  pics.forEach((p, i) => {
    const x0 = gut + i * (cw + gut);
    drawLabels(out, place(i, x0).labels);
    blit(out, p.raster, x0 + Math.floor((cw - p.raster.width) / 2), gut + titleH);
  });
  return out;
}

/** PNG bytes of `randomisationStrip`. */
export function randomisationStripPng(options: RandomisationStripOptions): Uint8Array {
  return encodeRasterPng(randomisationStrip(options), { Panels: randomisationPanels(options).map((p) => p.title).join(' | ') });
}

/** The strip as SVG (titles and colour bars as text, maps as embedded PNGs). */
export function randomisationStripSvg(options: RandomisationStripOptions): string {
  const panels = randomisationPanels(options);
  return imageAttrGridSvg(panels, gridOptions(options, panels.length));
}
