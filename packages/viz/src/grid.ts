/**
 * Several attribution methods for one input side by side (a grid of panels), as PNG (titles in
 * the bitmap font, colour bar under each panel) and as SVG (titles and colour bars as real text,
 * each map embedded as a PNG data URI).
 */
import { InvalidArgumentError } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';
import { colorBarSvg, colorBarSvgLayout } from './colorbar.js';
import { imageLegendSpec, visualizeImageAttr } from './image.js';
import type { AttrSign, ImageAttrOptions, ImageVizMethod } from './image.js';
import type { ImageLayout } from './image-input.js';
import type { ColorMapName } from './colormaps.js';
import { blit, createRaster, encodeRasterPng } from './raster.js';
import type { Raster } from './raster.js';
import { placeText, svgFont, svgLabel } from './labels.js';
import type { LabelBox } from './labels.js';
import { escapeXml, formatNumber, pngDataUri, px, svgDocument } from './svg.js';

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

/** Where the SVG grid puts its panels and every text line (see `imageAttrGridSvg`). */
export interface GridSvgLayout {
  readonly width: number;
  readonly height: number;
  readonly labels: readonly LabelBox[];
}

/** The grid as SVG: titles and colour bars as text, maps as embedded PNG images. */
export function imageAttrGridSvg(panels: readonly GridPanel[], options: GridOptions = {}): string {
  return renderGridSvg(panels, options).svg;
}

/** The SVG grid's size and label boxes (the same layout `imageAttrGridSvg` draws). */
export function imageAttrGridSvgLayout(panels: readonly GridPanel[], options: GridOptions = {}): GridSvgLayout {
  const { width, height, labels } = renderGridSvg(panels, options);
  return { width, height, labels };
}

function renderGridSvg(panels: readonly GridPanel[], options: GridOptions) {
  const pics = renderPanels(panels, options, false);
  const cols = columnsOf(pics.length, options.columns);
  const rows = Math.ceil(pics.length / cols);
  const gut = 16;
  const cw = Math.max(140, ...pics.map((p) => p.raster.width));
  const mh = Math.max(...pics.map((p) => p.raster.height));
  const cols0 = cols * cw + (cols + 1) * gut;
  const headFont = svgFont(15, true);
  const head = options.title ? placeText(options.title, { x: gut, y: 6, width: cols0 - 2 * gut }, headFont, { role: 'title', align: 'middle', maxLines: 2 }) : undefined;
  const top = head ? head.height + 10 : 0;
  // panel titles (up to two lines each), legends under the maps: rows are as tall as their tallest
  const titleFont = svgFont(13, true);
  const titles = pics.map((_, i) => placeText(panels[i]!.title, { x: 0, y: 0, width: cw }, titleFont, { role: 'panel-title', align: 'middle', maxLines: 2 }));
  const titleH = Math.max(...titles.map((t) => t.height)) + 6;
  const legends = pics.map((p) => (p.method === 'original_image' ? undefined : imageLegendSpec(p.method, p.sign, p.colormap, p.threshold)));
  const legendH = Math.max(16, ...legends.map((l) => (l ? colorBarSvgLayout(l, 0, 0, cw - 16).bounds.height : 0))) + 12;
  const ch = titleH + mh + legendH;
  const width = cols0;
  const height = top + rows * ch + (rows + 1) * gut;
  const parts: string[] = [];
  const labels: LabelBox[] = [];
  if (head) {
    labels.push(...head.labels);
    parts.push(...head.labels.map((l) => svgLabel(l)));
  }
  pics.forEach((p, i) => {
    const x0 = gut + (i % cols) * (cw + gut);
    const y0 = top + gut + Math.floor(i / cols) * (ch + gut);
    const mx = x0 + (cw - p.raster.width) / 2;
    parts.push(`<g class="panel" data-index="${i}" data-method="${escapeXml(p.method)}" data-sign="${escapeXml(p.sign)}">`);
    parts.push(`<title>${escapeXml(`${panels[i]!.title}: ${p.method}, sign ${p.sign}, scale ${formatNumber(p.threshold)}`)}</title>`);
    const t = placeText(panels[i]!.title, { x: x0, y: y0, width: cw }, titleFont, { role: 'panel-title', align: 'middle', maxLines: 2 });
    labels.push(...t.labels);
    parts.push(...t.labels.map((l) => svgLabel(l)));
    parts.push(
      `<image x="${px(mx)}" y="${px(y0 + titleH)}" width="${p.raster.width}" height="${p.raster.height}" ` +
        `style="image-rendering:pixelated" href="${pngDataUri(encodeRasterPng(p.raster))}"/>`,
    );
    const spec = legends[i];
    if (spec) {
      const bar = colorBarSvgLayout(spec, x0 + 8, y0 + titleH + mh + 6, cw - 16);
      labels.push(...bar.labels);
      parts.push(colorBarSvg(spec, x0 + 8, y0 + titleH + mh + 6, cw - 16));
    } else {
      const inputLabel = placeText('input', { x: x0, y: y0 + titleH + mh + 6, width: cw }, svgFont(10), { role: 'caption', align: 'middle' });
      labels.push(...inputLabel.labels);
      parts.push(...inputLabel.labels.map((l) => svgLabel(l, { fill: '#444' })));
    }
    parts.push('</g>');
  });
  const svg = svgDocument(width, height, options.title ?? 'Attribution maps', parts.join(''));
  return { svg, width, height, labels };
}
