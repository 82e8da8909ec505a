/**
 * Colour bars (legends for colour-mapped pictures) as PNG pixels with bitmap-font tick labels,
 * and as SVG markup with real text.
 */
import { colorMapColor, colorMapDomain } from './colormaps.js';
import type { ColorMapName } from './colormaps.js';
import { GLYPH_HEIGHT, bitmapTextWidth, drawBitmapText } from './font.js';
import { fillRect, setPixel } from './raster.js';
import type { Raster } from './raster.js';
import { formatNumber, px, rgbCss, svgText } from './svg.js';

export interface ColorBarSpec {
  readonly colormap: ColorMapName;
  /** Data value at the left end of the bar. */
  readonly min: number;
  /** Data value at the right end of the bar. */
  readonly max: number;
  /** Caption (SVG only; PNG bars draw it when `caption` fits). */
  readonly label?: string;
  /** Text for the ticks instead of numbers (e.g. ['low', 'high']), spread evenly along the bar. */
  readonly tickLabels?: readonly string[];
}

/** Tick values: ends plus the middle (0 for a symmetric diverging bar). */
export function colorBarTicks(spec: ColorBarSpec): number[] {
  if (spec.tickLabels) {
    const n = spec.tickLabels.length;
    return spec.tickLabels.map((_, i) => (n === 1 ? spec.min : spec.min + ((spec.max - spec.min) * i) / (n - 1)));
  }
  const mid = (spec.min + spec.max) / 2;
  return spec.min === spec.max ? [spec.min] : [spec.min, mid, spec.max];
}

/** Colour for fraction t in [0, 1] along the bar. */
function barColor(colormap: ColorMapName, t: number) {
  const [lo, hi] = colorMapDomain(colormap);
  return colorMapColor(colormap, lo + (hi - lo) * t);
}

/** Pixel height that `drawColorBar` uses for a given text scale. */
export function colorBarPixelHeight(textScale = 1, withCaption = false): number {
  const text = GLYPH_HEIGHT * textScale;
  return 10 + 3 + 2 + text + (withCaption ? text + 3 : 0);
}

/**
 * Draw a horizontal colour bar at (x, y), `width` pixels wide: a 10-px ramp, tick marks at the
 * ends and the middle, and tick labels below in the bitmap font; an optional caption under them.
 */
export function drawColorBar(
  r: Raster,
  spec: ColorBarSpec,
  x: number,
  y: number,
  width: number,
  textScale = 1,
): void {
  const barH = 10;
  for (let i = 0; i < width; i++) fillRect(r, x + i, y, 1, barH, barColor(spec.colormap, (i + 0.5) / width));
  const ticks = colorBarTicks(spec);
  const ink = [40, 40, 40] as const;
  ticks.forEach((v, k) => {
    const tx = ticks.length === 1 ? x : x + Math.round((k / (ticks.length - 1)) * (width - 1));
    for (let dy = 0; dy < 3; dy++) setPixel(r, tx, y + barH + dy, ink);
    const label = spec.tickLabels?.[k] ?? formatNumber(v, 2);
    const tw = bitmapTextWidth(label, textScale);
    const lx = Math.min(Math.max(x, tx - Math.floor(tw / 2)), x + width - tw);
    drawBitmapText(r, label, lx, y + barH + 5, ink, textScale);
  });
  if (spec.label) {
    const cy = y + barH + 5 + GLYPH_HEIGHT * textScale + 3;
    const tw = bitmapTextWidth(spec.label, textScale);
    drawBitmapText(r, spec.label, x + Math.max(0, Math.floor((width - tw) / 2)), cy, ink, textScale);
  }
}

/**
 * SVG colour bar (a group) at (x, y): a `width` × 10 ramp drawn as 32 rectangles (no
 * gradient ids, so several bars can share a page), tick labels below and a caption.
 * Height ≈ 40 px.
 */
export function colorBarSvg(spec: ColorBarSpec, x: number, y: number, width: number): string {
  const n = 32;
  const parts: string[] = [`<g class="colorbar" data-colormap="${spec.colormap}">`];
  for (let i = 0; i < n; i++) {
    const c = barColor(spec.colormap, (i + 0.5) / n);
    parts.push(
      `<rect x="${px(x + (i * width) / n)}" y="${px(y)}" width="${px(width / n + 0.5)}" height="10" fill="${rgbCss(c)}"/>`,
    );
  }
  parts.push(`<rect x="${px(x)}" y="${px(y)}" width="${px(width)}" height="10" fill="none" stroke="#999" stroke-width="0.5"/>`);
  const ticks = colorBarTicks(spec);
  ticks.forEach((v, k) => {
    const tx = ticks.length === 1 ? x : x + (k / (ticks.length - 1)) * width;
    parts.push(`<line x1="${px(tx)}" y1="${px(y + 10)}" x2="${px(tx)}" y2="${px(y + 14)}" stroke="#333"/>`);
    const anchor = k === 0 ? 'start' : k === ticks.length - 1 ? 'end' : 'middle';
    parts.push(svgText(tx, y + 25, spec.tickLabels?.[k] ?? formatNumber(v, 3), { anchor, size: 10 }));
  });
  if (spec.label) parts.push(svgText(x + width / 2, y + 38, spec.label, { anchor: 'middle', size: 10, fill: '#444' }));
  parts.push('</g>');
  return parts.join('');
}
