/**
 * Pictures of model internals: a grid of input-shaped tiles, each titled, optionally with a box
 * drawn on it — the feature-visualization grid (one tile per objective / batch image) and the
 * exemplar grid (the top-k dataset inputs of a unit, its receptive field boxed). PNG (bitmap font)
 * and SVG (the tiles as embedded PNG images, titles as text, boxes as <rect>).
 *
 * Tiles: [N, C, H, W] ('NCHW'), [N, H, W, C] ('NHWC'), [N, H, W] or [N, L] (1-D: a 1-pixel strip).
 * Three channels draw as RGB, one as grey, any other count as grey of the first channel. Values
 * map linearly from `range` (default [0, 1]; 'per-tile': each tile's min–max) to 0…255, clipped.
 */
import { InvalidArgumentError, NumericError, ShapeError } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';
import { bitmapFont, drawLabels, placeText, svgFont, svgLabel, type LabelBox, type TextFont } from './labels.js';
import { blit, createRaster, encodeRasterPng, fillRect, setPixel, upscale } from './raster.js';
import type { Raster } from './raster.js';
import { pngDataUri, svgDocument } from './svg.js';

/** Inclusive pixel box in tile (input) coordinates. */
export interface TileBox {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

export interface TileGridOptions {
  readonly layout?: 'NCHW' | 'NHWC';
  /** One title per tile (default: its index). */
  readonly titles?: readonly string[];
  /** A box per tile (undefined: none). */
  readonly boxes?: readonly (TileBox | undefined)[];
  /** Value range mapped to black…white (default [0, 1]); 'per-tile': each tile's min–max. */
  readonly range?: readonly [number, number] | 'per-tile';
  /** Tiles per row (default ⌈√N⌉). */
  readonly columns?: number;
  /** Minimum tile side in pixels (default 96; tiles are upscaled by an integer factor). */
  readonly minTile?: number;
}

const BOX_COLOR = [255, 120, 0] as const;
const GAP = 8;

interface Layout {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly at: (i: number, ch: number, y: number, x: number) => number;
}

function geometry(t: Tensor, layout: 'NCHW' | 'NHWC'): Layout {
  const s = t.shape;
  const d = t.data;
  if (s.length === 2) return { n: s[0]!, c: 1, h: 1, w: s[1]!, at: (i, _c, _y, x) => d[i * s[1]! + x]! };
  if (s.length === 3) return { n: s[0]!, c: 1, h: s[1]!, w: s[2]!, at: (i, _c, y, x) => d[(i * s[1]! + y) * s[2]! + x]! };
  if (s.length !== 4) throw new ShapeError(`tiles need [N, C, H, W], [N, H, W, C], [N, H, W] or [N, L]; got [${s.join(', ')}]`);
  if (layout === 'NHWC') {
    const [n, h, w, c] = s as [number, number, number, number];
    return { n, c, h, w, at: (i, ch, y, x) => d[((i * h + y) * w + x) * c + ch]! };
  }
  const [n, c, h, w] = s as [number, number, number, number];
  return { n, c, h, w, at: (i, ch, y, x) => d[((i * c + ch) * h + y) * w + x]! };
}

/** One tile at 1:1 (before upscaling). */
function tileRaster(g: Layout, i: number, range: TileGridOptions['range']): Raster {
  let [lo, hi] = range === 'per-tile' || range === undefined ? [0, 1] : range;
  if (range === 'per-tile') {
    lo = Infinity;
    hi = -Infinity;
    for (let ch = 0; ch < g.c; ch++) for (let y = 0; y < g.h; y++) for (let x = 0; x < g.w; x++) [lo, hi] = [Math.min(lo, g.at(i, ch, y, x)), Math.max(hi, g.at(i, ch, y, x))];
    if (!(hi > lo)) hi = lo + 1;
  }
  const r = createRaster(g.w, g.h);
  const byte = (v: number) => {
    if (!Number.isFinite(v)) throw new NumericError(`tile ${i} has a non-finite value`);
    return Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo))));
  };
  for (let y = 0; y < g.h; y++) for (let x = 0; x < g.w; x++) {
    if (g.c === 3) setPixel(r, x, y, [byte(g.at(i, 0, y, x)), byte(g.at(i, 1, y, x)), byte(g.at(i, 2, y, x))]);
    else {
      const v = byte(g.at(i, 0, y, x));
      setPixel(r, x, y, [v, v, v]);
    }
  }
  return r;
}

interface Plan {
  readonly g: Layout;
  readonly k: number;
  readonly cols: number;
  readonly tw: number;
  readonly th: number;
  readonly titleH: number;
  readonly width: number;
  readonly height: number;
  readonly labels: LabelBox[];
  readonly origin: (i: number) => [number, number];
}

function plan(t: Tensor, options: TileGridOptions, font: TextFont): Plan {
  const layout = options.layout ?? 'NCHW';
  if (layout !== 'NCHW' && layout !== 'NHWC') throw new InvalidArgumentError(`layout must be 'NCHW' or 'NHWC', got ${String(layout)}`);
  const g = geometry(t, layout);
  if (g.n < 1 || g.h < 1 || g.w < 1) throw new ShapeError(`no tiles to draw: [${t.shape.join(', ')}]`);
  if (options.titles && options.titles.length !== g.n) throw new InvalidArgumentError(`${options.titles.length} titles for ${g.n} tiles`);
  if (options.boxes && options.boxes.length !== g.n) throw new InvalidArgumentError(`${options.boxes.length} boxes for ${g.n} tiles`);
  const cols = options.columns ?? Math.ceil(Math.sqrt(g.n));
  if (!Number.isInteger(cols) || cols < 1) throw new InvalidArgumentError(`columns must be a positive integer, got ${cols}`);
  const minTile = options.minTile ?? 96;
  const k = Math.max(1, Math.ceil(minTile / Math.max(g.h, g.w)));
  const tw = Math.max(g.w * k, 64);
  const th = g.h === 1 ? Math.max(16, k) : g.h * k;
  const titles = options.titles ?? Array.from({ length: g.n }, (_, i) => String(i));
  const placed = titles.map((s) => placeText(s, { x: 0, y: 0, width: tw }, font, { role: 'tile title', align: 'middle', maxLines: 2 }));
  const titleH = Math.max(...placed.map((p) => p.height)) + 4;
  const rows = Math.ceil(g.n / cols);
  const width = cols * (tw + GAP) + GAP;
  const height = rows * (th + titleH + GAP) + GAP;
  const origin = (i: number): [number, number] => [GAP + (i % cols) * (tw + GAP), GAP + Math.floor(i / cols) * (th + titleH + GAP)];
  const labels = placed.flatMap((p, i) => {
    const [x0, y0] = origin(i);
    return p.labels.map((l) => ({ ...l, x: l.x + x0, y: l.y + y0, box: { ...l.box, x: l.box.x + x0, y: l.box.y + y0 } }));
  });
  return { g, k, cols, tw, th, titleH, width, height, labels, origin };
}

/** The tile image of tile i, upscaled to the grid's tile size (strip inputs stretched vertically). */
function scaledTile(p: Plan, i: number, range: TileGridOptions['range']): Raster {
  const small = tileRaster(p.g, i, range);
  const big = upscale(small, p.k);
  if (p.g.h !== 1) return big;
  const out = createRaster(big.width, p.th);
  for (let y = 0; y < p.th; y++) blit(out, { width: big.width, height: 1, data: big.data.subarray(0, big.width * 4) }, 0, y);
  return out;
}

/** The grid as a raster (see the module comment). */
export function tileGrid(tiles: Tensor, options: TileGridOptions = {}): Raster {
  const p = plan(tiles, options, bitmapFont(1));
  const out = createRaster(p.width, p.height);
  for (let i = 0; i < p.g.n; i++) {
    const [x0, y0] = p.origin(i);
    const tile = scaledTile(p, i, options.range);
    const dx = x0 + Math.floor((p.tw - tile.width) / 2);
    blit(out, tile, dx, y0 + p.titleH);
    const b = options.boxes?.[i];
    if (b) {
      const t = Math.max(1, Math.floor(p.k / 4));
      const [bx, by] = [dx + b.left * p.k, y0 + p.titleH + b.top * (p.g.h === 1 ? 0 : p.k)];
      const bw = (b.right - b.left + 1) * p.k;
      const bh = p.g.h === 1 ? p.th : (b.bottom - b.top + 1) * p.k;
      fillRect(out, bx, by, bw, t, BOX_COLOR);
      fillRect(out, bx, by + bh - t, bw, t, BOX_COLOR);
      fillRect(out, bx, by, t, bh, BOX_COLOR);
      fillRect(out, bx + bw - t, by, t, bh, BOX_COLOR);
    }
  }
  drawLabels(out, p.labels);
  return out;
}

export function tileGridPng(tiles: Tensor, options: TileGridOptions = {}): Uint8Array {
  return encodeRasterPng(tileGrid(tiles, options), { Layout: options.layout ?? 'NCHW' });
}

/** SVG: each tile an embedded PNG (pixelated), titles as text, boxes as rectangles. */
export function tileGridSvg(tiles: Tensor, options: TileGridOptions & { readonly title?: string } = {}): string {
  const p = plan(tiles, options, svgFont(11));
  const parts: string[] = [];
  for (let i = 0; i < p.g.n; i++) {
    const [x0, y0] = p.origin(i);
    const tile = scaledTile(p, i, options.range);
    const dx = x0 + Math.floor((p.tw - tile.width) / 2);
    const y = y0 + p.titleH;
    parts.push(`<image x="${dx}" y="${y}" width="${tile.width}" height="${tile.height}" style="image-rendering:pixelated" href="${pngDataUri(encodeRasterPng(tile))}"/>`);
    const b = options.boxes?.[i];
    if (b) {
      const bh = p.g.h === 1 ? p.th : (b.bottom - b.top + 1) * p.k;
      parts.push(`<rect x="${dx + b.left * p.k}" y="${y + (p.g.h === 1 ? 0 : b.top * p.k)}" width="${(b.right - b.left + 1) * p.k}" height="${bh}" fill="none" stroke="rgb(${BOX_COLOR.join(',')})" stroke-width="2"/>`);
    }
  }
  for (const l of p.labels) parts.push(svgLabel(l, { fill: '#1e1e1e' }));
  return svgDocument(p.width, p.height, options.title ?? 'tile grid', parts.join(''));
}

/** The feature-visualization grid: one tile per optimised image, titled with its objective. */
export const visualizationGridPng = tileGridPng;
export const visualizationGridSvg = tileGridSvg;
/** The exemplar grid: top-k inputs of a unit with their receptive-field boxes. */
export function exemplarGridPng(inputs: Tensor, options: TileGridOptions = {}): Uint8Array {
  return tileGridPng(inputs, { range: 'per-tile', ...options });
}
export function exemplarGridSvg(inputs: Tensor, options: TileGridOptions & { readonly title?: string } = {}): string {
  return tileGridSvg(inputs, { range: 'per-tile', ...options });
}
