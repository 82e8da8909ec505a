/**
 * A small retained scene (rectangles, lines, markers, text, embedded rasters) drawn both as SVG
 * and as a PNG raster, so the two pictures of a chart share one layout. PNG: every coordinate
 * × `scale` (default 2), text in the bitmap font at that scale (its width bounds the layout's
 * label widths, see `labelWidth`).
 */
import { bitmapTextWidth, drawBitmapText, BITMAP_ASCENT } from './font.js';
import { blit, createRaster, encodeRasterPng, fillRect, setPixel, upscale } from './raster.js';
import type { Raster, Rgb } from './raster.js';
import { escapeXml, pngDataUri, px, rgbCss, svgDocument, svgText, textWidth } from './svg.js';

export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond';

export type SceneItem =
  | { readonly kind: 'rect'; x: number; y: number; w: number; h: number; fill?: Rgb; stroke?: Rgb }
  | { readonly kind: 'line'; x1: number; y1: number; x2: number; y2: number; color: Rgb; dash?: boolean }
  | { readonly kind: 'marker'; x: number; y: number; r: number; shape: MarkerShape; fill: Rgb; stroke?: Rgb }
  | { readonly kind: 'text'; x: number; y: number; text: string; anchor?: 'start' | 'middle' | 'end'; bold?: boolean; color?: Rgb; big?: boolean }
  | { readonly kind: 'image'; x: number; y: number; w: number; h: number; raster: Raster };

export interface Scene {
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly items: SceneItem[];
}

/** Layout width of a label (the larger of the SVG estimate and the PNG bitmap width). */
export function labelWidth(text: string, big = false): number {
  return Math.max(textWidth(text, big ? 14 : 11, big), bitmapTextWidth(text, 1, big) * (big ? 1.3 : 1));
}

function markerPath(x: number, y: number, r: number, shape: MarkerShape): string {
  switch (shape) {
    case 'square':
      return `M${px(x - r)} ${px(y - r)}h${px(2 * r)}v${px(2 * r)}h${px(-2 * r)}Z`;
    case 'triangle':
      return `M${px(x)} ${px(y - r * 1.2)}L${px(x + r * 1.1)} ${px(y + r * 0.8)}L${px(x - r * 1.1)} ${px(y + r * 0.8)}Z`;
    case 'diamond':
      return `M${px(x)} ${px(y - r * 1.3)}L${px(x + r * 1.3)} ${px(y)}L${px(x)} ${px(y + r * 1.3)}L${px(x - r * 1.3)} ${px(y)}Z`;
    default:
      return `M${px(x - r)} ${px(y)}a${px(r)} ${px(r)} 0 1 0 ${px(2 * r)} 0a${px(r)} ${px(r)} 0 1 0 ${px(-2 * r)} 0Z`;
  }
}

/** Whether (dx, dy) relative to a marker's centre lies inside it. */
function insideMarker(dx: number, dy: number, r: number, shape: MarkerShape): boolean {
  switch (shape) {
    case 'square':
      return Math.abs(dx) <= r && Math.abs(dy) <= r;
    case 'diamond':
      return Math.abs(dx) + Math.abs(dy) <= r * 1.3;
    case 'triangle': {
      if (dy < -r * 1.2 || dy > r * 0.8) return false;
      const half = ((dy + r * 1.2) / (2 * r)) * r * 1.1;
      return Math.abs(dx) <= half;
    }
    default:
      return dx * dx + dy * dy <= r * r;
  }
}

export function sceneSvg(s: Scene): string {
  const parts: string[] = [];
  for (const it of s.items) {
    if (it.kind === 'rect') {
      parts.push(`<rect x="${px(it.x)}" y="${px(it.y)}" width="${px(it.w)}" height="${px(it.h)}" fill="${it.fill ? rgbCss(it.fill) : 'none'}"${it.stroke ? ` stroke="${rgbCss(it.stroke)}"` : ''}/>`);
    } else if (it.kind === 'line') {
      parts.push(`<line x1="${px(it.x1)}" y1="${px(it.y1)}" x2="${px(it.x2)}" y2="${px(it.y2)}" stroke="${rgbCss(it.color)}"${it.dash ? ' stroke-dasharray="4 3"' : ''}/>`);
    } else if (it.kind === 'marker') {
      parts.push(`<path d="${markerPath(it.x, it.y, it.r, it.shape)}" fill="${rgbCss(it.fill)}"${it.stroke ? ` stroke="${rgbCss(it.stroke)}" stroke-width="1.2"` : ''}/>`);
    } else if (it.kind === 'text') {
      parts.push(svgText(it.x, it.y, it.text, { ...(it.anchor ? { anchor: it.anchor } : {}), size: it.big ? 14 : 11, ...(it.bold ? { weight: 'bold' } : {}), ...(it.color ? { fill: rgbCss(it.color) } : {}) }));
    } else {
      parts.push(`<image x="${px(it.x)}" y="${px(it.y)}" width="${px(it.w)}" height="${px(it.h)}" style="image-rendering:pixelated" href="${pngDataUri(encodeRasterPng(it.raster))}"/>`);
    }
  }
  return svgDocument(s.width, s.height, s.title, `<desc>${escapeXml(s.title)}</desc>${parts.join('')}`);
}

function drawLine(r: Raster, x1: number, y1: number, x2: number, y2: number, c: Rgb, dash: boolean, k: number): void {
  const len = Math.max(Math.abs(x2 - x1), Math.abs(y2 - y1));
  const steps = Math.max(1, Math.ceil(len));
  for (let i = 0; i <= steps; i++) {
    if (dash && Math.floor(i / (4 * k)) % 2 === 1) continue;
    const x = Math.round(x1 + ((x2 - x1) * i) / steps);
    const y = Math.round(y1 + ((y2 - y1) * i) / steps);
    setPixel(r, x, y, c);
    if (k > 1) {
      // Two-pixel stroke at scale ≥ 2, on the side away from the origin.
      if (Math.abs(x2 - x1) >= Math.abs(y2 - y1)) setPixel(r, x, y + 1, c);
      else setPixel(r, x + 1, y, c);
    }
  }
}

export function sceneRaster(s: Scene, scale = 2): Raster {
  const k = scale;
  const r = createRaster(Math.ceil(s.width * k), Math.ceil(s.height * k));
  for (const it of s.items) {
    if (it.kind === 'rect') {
      const x = Math.round(it.x * k), y = Math.round(it.y * k), w = Math.max(1, Math.round(it.w * k)), h = Math.max(1, Math.round(it.h * k));
      if (it.fill) fillRect(r, x, y, w, h, it.fill);
      if (it.stroke) {
        drawLine(r, x, y, x + w - 1, y, it.stroke, false, 1);
        drawLine(r, x, y + h - 1, x + w - 1, y + h - 1, it.stroke, false, 1);
        drawLine(r, x, y, x, y + h - 1, it.stroke, false, 1);
        drawLine(r, x + w - 1, y, x + w - 1, y + h - 1, it.stroke, false, 1);
      }
    } else if (it.kind === 'line') {
      drawLine(r, it.x1 * k, it.y1 * k, it.x2 * k, it.y2 * k, it.color, it.dash ?? false, k);
    } else if (it.kind === 'marker') {
      const cx = it.x * k, cy = it.y * k, rr = it.r * k;
      const ext = Math.ceil(rr * 1.4) + 2;
      for (let dy = -ext; dy <= ext; dy++) {
        for (let dx = -ext; dx <= ext; dx++) {
          const inOuter = insideMarker(dx, dy, rr, it.shape);
          if (!inOuter) continue;
          const inner = it.stroke ? insideMarker(dx, dy, rr - 1.6 * k / 2, it.shape) : true;
          setPixel(r, Math.round(cx + dx), Math.round(cy + dy), inner ? it.fill : it.stroke!);
        }
      }
    } else if (it.kind === 'text') {
      const ts = it.big ? Math.round(k * 1.3) || 1 : k;
      const w = bitmapTextWidth(it.text, ts, it.bold);
      const x = it.x * k - (it.anchor === 'middle' ? w / 2 : it.anchor === 'end' ? w : 0);
      drawBitmapText(r, it.text, x, it.y * k - BITMAP_ASCENT * ts, it.color ?? [30, 30, 30], ts, it.bold);
    } else {
      const f = Math.max(1, Math.round((it.w * k) / it.raster.width));
      blit(r, f > 1 ? upscale(it.raster, f) : it.raster, Math.round(it.x * k), Math.round(it.y * k));
    }
  }
  return r;
}

export function scenePng(s: Scene, scale = 2): Uint8Array {
  return encodeRasterPng(sceneRaster(s, scale));
}

/** Tableau-10 categorical colours (clusters, layers). */
export const CATEGORICAL: readonly Rgb[] = [
  [78, 121, 167], [242, 142, 43], [89, 161, 79], [225, 87, 89], [118, 183, 178],
  [237, 201, 72], [176, 122, 161], [255, 157, 167], [156, 117, 95], [186, 176, 172],
];
export function categorical(i: number): Rgb {
  return CATEGORICAL[((i % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length]!;
}
