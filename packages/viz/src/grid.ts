/**
 * Several attribution methods for one input side by side (a grid of panels), as PNG (titles in
 * the bitmap font, colour bar under each panel) and as SVG (titles and colour bars as real text,
 * each map embedded as a PNG data URI).
 */
import { InvalidArgumentError } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';
import { colorBarSvg } from './colorbar.js';
import { visualizeImageAttr } from './image.js';
import type { AttrSign, ImageAttrOptions, ImageVizMethod } from './image.js';
import type { ImageLayout } from './image-input.js';
import type { ColorMapName } from './colormaps.js';
import { blit, createRaster, encodeRasterPng } from './raster.js';
import type { Raster } from './raster.js';
import { escapeXml, formatNumber, pngDataUri, px, svgDocument, svgText } from './svg.js';

export interface GridPanel {
  /** Panel title, e.g. the method name. */
  readonly title: string;
  /** The attribution (omit for an 'original_image' panel). */
  readonly attribution?: Tensor;
  readonly method?: ImageVizMethod;
  readonly sign?: AttrSign;
  readonly colormap?: ColorMapName;
  readonly outlierPerc?: number;
}

export interface GridOptions {
  /** The input example shared by all panels. */
  readonly image?: Tensor;
  readonly layout?: ImageLayout;
  readonly imageRange?: ImageAttrOptions['imageRange'];
  /** Panels per row (default: all in one row, at most 4). */
  readonly columns?: number;
  /** Minimum long side of each map (default 128). */
  readonly minSize?: number;
  /** Default outlier percentage for panels that do not set one (default 2). */
  readonly outlierPerc?: number;
  /** Overall title (SVG only). */
  readonly title?: string;
}

function renderPanels(panels: readonly GridPanel[], options: GridOptions, withDecorations: boolean) {
  if (panels.length === 0) throw new InvalidArgumentError('a grid needs at least one panel');
  return panels.map((p, i) => {
    const method = p.method ?? (p.attribution ? 'heat_map' : 'original_image');
    const attribution = p.attribution ?? options.image;
    if (!attribution) throw new InvalidArgumentError(`panel ${i} ('${p.title}') has neither an attribution nor a shared image`);
    return visualizeImageAttr(attribution, {
      method,
      sign: p.sign ?? 'all',
      colormap: p.colormap,
      outlierPerc: p.outlierPerc ?? options.outlierPerc,
      image: options.image,
      imageRange: options.imageRange,
      layout: options.layout,
      minSize: options.minSize,
      colorBar: withDecorations,
      title: withDecorations ? p.title : undefined,
    });
  });
}

function columnsOf(n: number, columns: number | undefined): number {
  if (columns === undefined) return Math.min(n, 4);
  if (!Number.isInteger(columns) || columns < 1) throw new InvalidArgumentError(`columns must be a positive integer, got ${columns}`);
  return Math.min(columns, n);
}

/** The grid as an RGBA raster: each panel = title + map + colour bar, 8-px gutters. */
export function imageAttrGrid(panels: readonly GridPanel[], options: GridOptions = {}): Raster {
  const pics = renderPanels(panels, options, true);
  const cols = columnsOf(pics.length, options.columns);
  const rows = Math.ceil(pics.length / cols);
  const gut = 8;
  const cw = Math.max(...pics.map((p) => p.raster.width));
  const ch = Math.max(...pics.map((p) => p.raster.height));
  const out = createRaster(cols * cw + (cols + 1) * gut, rows * ch + (rows + 1) * gut);
  pics.forEach((p, i) => {
    const x = gut + (i % cols) * (cw + gut) + Math.floor((cw - p.raster.width) / 2);
    const y = gut + Math.floor(i / cols) * (ch + gut);
    blit(out, p.raster, x, y);
  });
  return out;
}

/** PNG bytes of `imageAttrGrid`. */
export function imageAttrGridPng(panels: readonly GridPanel[], options: GridOptions = {}): Uint8Array {
  return encodeRasterPng(imageAttrGrid(panels, options), { Panels: panels.map((p) => p.title).join(' | ') });
}

/** The grid as SVG: titles and colour bars as text, maps as embedded PNG images. */
export function imageAttrGridSvg(panels: readonly GridPanel[], options: GridOptions = {}): string {
  const pics = renderPanels(panels, options, false);
  const cols = columnsOf(pics.length, options.columns);
  const rows = Math.ceil(pics.length / cols);
  const gut = 16;
  const top = options.title ? 28 : 0;
  const cw = Math.max(140, ...pics.map((p) => p.raster.width));
  const mh = Math.max(...pics.map((p) => p.raster.height));
  const ch = 20 + mh + 48;
  const width = cols * cw + (cols + 1) * gut;
  const height = top + rows * ch + (rows + 1) * gut;
  const parts: string[] = [];
  if (options.title) parts.push(svgText(width / 2, 20, options.title, { anchor: 'middle', size: 15, weight: '600' }));
  pics.forEach((p, i) => {
    const x0 = gut + (i % cols) * (cw + gut);
    const y0 = top + gut + Math.floor(i / cols) * (ch + gut);
    const mx = x0 + (cw - p.raster.width) / 2;
    parts.push(`<g class="panel" data-index="${i}" data-method="${escapeXml(p.method)}" data-sign="${escapeXml(p.sign)}">`);
    parts.push(`<title>${escapeXml(`${panels[i]!.title}: ${p.method}, sign ${p.sign}, scale ${formatNumber(p.threshold)}`)}</title>`);
    parts.push(svgText(x0 + cw / 2, y0 + 14, panels[i]!.title, { anchor: 'middle', size: 13, weight: '600' }));
    parts.push(
      `<image x="${px(mx)}" y="${px(y0 + 20)}" width="${p.raster.width}" height="${p.raster.height}" ` +
        `style="image-rendering:pixelated" href="${pngDataUri(encodeRasterPng(p.raster))}"/>`,
    );
    if (p.method !== 'original_image') {
      const spec = legendSpec(p.method, p.sign, p.colormap, p.threshold);
      parts.push(colorBarSvg(spec, x0 + 8, y0 + 26 + mh, cw - 16));
    } else {
      parts.push(svgText(x0 + cw / 2, y0 + 38 + mh, 'input', { anchor: 'middle', size: 10, fill: '#444' }));
    }
    parts.push('</g>');
  });
  return svgDocument(width, height, options.title ?? 'Attribution maps', parts.join(''));
}

function legendSpec(method: ImageVizMethod, sign: AttrSign, colormap: ColorMapName, threshold: number) {
  const t = threshold > 0 ? threshold : 1;
  const label = sign === 'absolute_value' ? '|attribution|' : 'attribution';
  if (method === 'masked_image' || method === 'alpha_scaling') {
    return { colormap: 'gray' as const, min: 0, max: sign === 'negative' ? -t : t, label: `share of pixel kept vs ${label}` };
  }
  return sign === 'all' ? { colormap, min: -t, max: t, label } : { colormap, min: 0, max: sign === 'negative' ? -t : t, label };
}
