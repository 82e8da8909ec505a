/**
 * Colour bars (legends for colour-mapped pictures), horizontal or vertical, as PNG pixels with
 * bitmap-font labels and as SVG markup with real text. Both are drawn from `colorBarLayout`,
 * which places the ramp, the ticks, the tick labels and the caption and returns every label's
 * box: tick labels stay within the bar's extent without overlapping (the middle label is dropped,
 * then digits, before anything is cut), the caption wraps onto as many lines as it needs (up to
 * three) and the bar grows to hold them.
 */
import { colorMapColor, colorMapDomain } from './colormaps.js';
import type { ColorMapName } from './colormaps.js';
import { bitmapFont, drawLabels, ellipsize, placeText, svgFont, svgLabel, widestPiece, wrapText } from './labels.js';
import type { LabelBox, Rect, TextFont } from './labels.js';
import { fillRect, setPixel } from './raster.js';
import type { Raster } from './raster.js';
import { formatNumber, px, rgbCss } from './svg.js';

export interface ColorBarSpec {
  readonly colormap: ColorMapName;
  /** Data value at the left (bottom) end of the bar. */
  readonly min: number;
  /** Data value at the right (top) end of the bar. */
  readonly max: number;
  /** Caption under the bar (wrapped to the bar's width). */
  readonly label?: string;
  /** Text for the ticks instead of numbers (e.g. ['low', 'high']), spread evenly along the bar. */
  readonly tickLabels?: readonly string[];
}

export type ColorBarOrientation = 'horizontal' | 'vertical';

export interface ColorBarOptions {
  /** Default 'horizontal' (min left, max right); 'vertical' has max at the top, labels to the right. */
  readonly orientation?: ColorBarOrientation;
  /** Thickness of the ramp in pixels (default 10). */
  readonly thickness?: number;
  /** Vertical bars: the widest the caption may make the bar (default: its longest word fits). */
  readonly maxWidth?: number;
  /** Most caption lines before an ellipsis (default 4). */
  readonly maxCaptionLines?: number;
}

export interface ColorBarLayoutOptions extends ColorBarOptions {
  /** Font of the labels (default: the PNG bitmap font at scale 1). */
  readonly font?: TextFont;
}

export interface ColorBarTick {
  readonly value: number;
  /** Pixel coordinate of the tick along the bar (x for horizontal, y for vertical bars). */
  readonly at: number;
  readonly label?: LabelBox;
}

export interface ColorBarLayout {
  readonly orientation: ColorBarOrientation;
  /** Everything the bar draws (ramp, ticks, labels, caption). */
  readonly bounds: Rect;
  /** The colour ramp. */
  readonly bar: Rect;
  readonly ticks: readonly ColorBarTick[];
  /** Tick labels, then the caption's lines. */
  readonly labels: readonly LabelBox[];
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

interface TickText {
  readonly k: number;
  readonly text: string;
}

/** Candidate label sets, best first: all ticks, ends only, ends with fewer digits. */
function tickCandidates(spec: ColorBarSpec, values: readonly number[], digits: number): TickText[][] {
  const text = (d: number) => values.map((v, k) => ({ k, text: spec.tickLabels?.[k] ?? formatNumber(v, d) }));
  const ends = (t: TickText[]) => (t.length > 2 ? [t[0]!, t[t.length - 1]!] : t);
  const out = [text(digits)];
  if (values.length > 2) out.push(ends(text(digits)));
  if (!spec.tickLabels) for (let d = digits - 1; d >= 1; d--) out.push(ends(text(d)));
  return out;
}

/** Place tick labels along an axis span [lo, hi]: first at the start, last at the end, others centred. */
function placeAlong(sizes: readonly number[], ats: readonly number[], lo: number, hi: number, gap: number): number[] | undefined {
  const n = sizes.length;
  const starts = sizes.map((s, i) => {
    if (n === 1) return lo;
    if (i === 0) return lo;
    if (i === n - 1) return hi - s;
    return Math.min(Math.max(lo, Math.round(ats[i]! - s / 2)), hi - s);
  });
  for (let i = 0; i < n; i++) {
    if (starts[i]! < lo - 1e-9 || starts[i]! + sizes[i]! > hi + 1e-9) return undefined;
    if (i > 0 && starts[i - 1]! + sizes[i - 1]! + gap > starts[i]! + 1e-9) return undefined;
  }
  return starts;
}

/**
 * Width of a vertical bar's caption: the narrowest (from the bar and its labels, or the longest
 * word) that holds the caption in `maxLines` lines uncut, but no more than `maxWidth`.
 */
function verticalCaptionWidth(label: string, barPart: number, maxWidth: number, font: TextFont, maxLines: number): number {
  let lo = Math.max(barPart, widestPiece(label, font));
  let hi = Math.max(lo, font.measure(label));
  if (lo >= maxWidth) return Math.max(barPart, maxWidth);
  hi = Math.min(hi, maxWidth);
  if (wrapText(label, hi, font, maxLines).truncated) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wrapText(label, mid, font, maxLines).truncated) lo = mid;
    else hi = mid;
  }
  return wrapText(label, lo, font, maxLines).truncated ? hi : lo;
}

/**
 * Lay out a colour bar whose ramp starts at (x, y) and is `length` pixels long (see the module
 * comment). Every returned label lies inside its box, and every box inside `bounds`.
 */
export function colorBarLayout(spec: ColorBarSpec, x: number, y: number, length: number, options: ColorBarLayoutOptions = {}): ColorBarLayout {
  const font = options.font ?? bitmapFont(1);
  const maxLines = options.maxCaptionLines ?? 4;
  const orientation = options.orientation ?? 'horizontal';
  const thick = options.thickness ?? 10;
  const pixel = font.kind === 'bitmap';
  const values = colorBarTicks(spec);
  const frac = (k: number) => (values.length === 1 ? 0 : k / (values.length - 1));
  const span = length - (pixel ? 1 : 0);
  const ats = values.map((_, k) => (orientation === 'horizontal' ? x + frac(k) * span : y + (1 - frac(k)) * span));
  const at = (k: number) => (pixel ? Math.round(ats[k]!) : ats[k]!);
  const candidates = tickCandidates(spec, values, pixel ? 2 : 3);
  const gap = Math.max(3, font.measure(' '));
  const labels: LabelBox[] = [];
  const tickLabel = new Map<number, LabelBox>();
  let captionTop: number;
  let captionBox: { x: number; width: number };
  let width: number;
  if (orientation === 'horizontal') {
    const top = y + thick + 5;
    const box: Rect = { x, y: top, width: length, height: font.height };
    let chosen: { t: TickText[]; starts: number[] } | undefined;
    for (const t of candidates) {
      const starts = placeAlong(t.map((c) => font.measure(c.text)), t.map((c) => at(c.k)), x, x + length, gap);
      if (starts) {
        chosen = { t, starts };
        break;
      }
    }
    if (!chosen) {
      // last resort: the two end labels, each cut to half the bar
      const t = candidates[candidates.length - 1]!;
      const half = (length - gap) / (t.length > 1 ? 2 : 1);
      const cut = t.map((c) => ({ k: c.k, text: ellipsize(c.text, half, font) })).filter((c) => c.text !== '');
      chosen = { t: cut, starts: placeAlong(cut.map((c) => font.measure(c.text)), cut.map((c) => at(c.k)), x, x + length, gap) ?? [] };
    }
    chosen.t.forEach((c, i) => {
      const start = chosen.starts[i];
      if (start === undefined) return;
      const align = chosen.t.length === 1 || i === 0 ? 'start' : i === chosen.t.length - 1 ? 'end' : 'middle';
      const l: LabelBox = { text: c.text, role: 'tick', x: start, y: top, width: font.measure(c.text), height: font.height, box, align, truncated: c.text.endsWith('…'), font };
      labels.push(l);
      tickLabel.set(c.k, l);
    });
    captionTop = top + font.lineHeight + 1;
    captionBox = { x, width: length };
    width = length;
  } else {
    const lx = x + thick + 6;
    // labels top to bottom (max first); each centred on its tick by the capital height
    const capH = font.kind === 'bitmap' ? font.baseline : Math.round(font.size * 0.72);
    let chosen: { t: TickText[]; tops: number[] } | undefined;
    for (const t of [...candidates, candidates[0]!.slice(-1)].map((c) => [...c].reverse())) {
      const tops = placeAlong(t.map(() => font.height), t.map((c) => at(c.k) - capH / 2 + font.height / 2), y, y + length, 2);
      if (tops) {
        chosen = { t, tops };
        break;
      }
    }
    const t = chosen?.t ?? [];
    const labelW = Math.max(0, ...t.map((c) => font.measure(c.text)));
    const box: Rect = { x: lx, y, width: labelW, height: length };
    t.forEach((c, i) => {
      const l: LabelBox = { text: c.text, role: 'tick', x: lx, y: chosen!.tops[i]!, width: font.measure(c.text), height: font.height, box, align: 'start', truncated: false, font };
      labels.push(l);
      tickLabel.set(c.k, l);
    });
    const barPart = thick + 6 + labelW;
    const captionW = spec.label ? verticalCaptionWidth(spec.label, barPart, options.maxWidth ?? Infinity, font, maxLines) : barPart;
    captionTop = y + length + 5;
    captionBox = { x, width: captionW };
    width = Math.max(barPart, captionW);
  }
  let bottom = orientation === 'horizontal' ? (labels.length ? y + thick + 5 + font.height : y + thick + 4) : y + length;
  if (spec.label) {
    const caption = placeText(spec.label, { x: captionBox.x, y: captionTop, width: captionBox.width }, font, {
      role: 'caption',
      align: orientation === 'horizontal' ? 'middle' : 'start',
      maxLines: maxLines,
    });
    labels.push(...caption.labels);
    if (caption.height > 0) bottom = captionTop + caption.height;
  }
  const bar: Rect = orientation === 'horizontal' ? { x, y, width: length, height: thick } : { x, y, width: thick, height: length };
  const ticks = values.map((value, k) => ({ value, at: at(k), ...(tickLabel.has(k) ? { label: tickLabel.get(k)! } : {}) }));
  return { orientation, bounds: { x, y, width, height: bottom - y }, bar, ticks, labels };
}

/** Pixel height of a horizontal PNG colour bar `length` px long (ramp, ticks, labels, caption). */
export function colorBarPixelHeight(spec: ColorBarSpec, length: number, textScale = 1): number {
  return colorBarLayout(spec, 0, 0, length, { font: bitmapFont(textScale) }).bounds.height;
}

/**
 * Draw a colour bar into a raster with its ramp's top-left corner at (x, y), `length` pixels
 * long: the ramp, tick marks and labels in the bitmap font, the caption. Returns the layout
 * (where every label went). `options` may be just the text scale.
 */
export function drawColorBar(
  r: Raster,
  spec: ColorBarSpec,
  x: number,
  y: number,
  length: number,
  options: number | (ColorBarOptions & { readonly textScale?: number }) = {},
): ColorBarLayout {
  const o = typeof options === 'number' ? { textScale: options } : options;
  const layout = colorBarLayout(spec, x, y, length, { ...o, font: bitmapFont(o.textScale ?? 1) });
  const { bar } = layout;
  const ink = [40, 40, 40] as const;
  if (layout.orientation === 'horizontal') {
    for (let i = 0; i < bar.width; i++) fillRect(r, bar.x + i, bar.y, 1, bar.height, barColor(spec.colormap, (i + 0.5) / bar.width));
    for (const t of layout.ticks) for (let d = 0; d < 3; d++) setPixel(r, t.at, bar.y + bar.height + d, ink);
  } else {
    for (let i = 0; i < bar.height; i++) fillRect(r, bar.x, bar.y + i, bar.width, 1, barColor(spec.colormap, 1 - (i + 0.5) / bar.height));
    for (const t of layout.ticks) for (let d = 0; d < 3; d++) setPixel(r, bar.x + bar.width + d, t.at, ink);
  }
  drawLabels(r, layout.labels, ink);
  return layout;
}

/** Layout of an SVG colour bar (10-px labels), e.g. to learn its height before drawing it. */
export function colorBarSvgLayout(spec: ColorBarSpec, x: number, y: number, length: number, options: ColorBarOptions = {}): ColorBarLayout {
  return colorBarLayout(spec, x, y, length, { ...options, font: svgFont(10) });
}

/**
 * SVG colour bar (a group) with its ramp at (x, y), `length` long: 32 rectangles (no gradient
 * ids, so several bars can share a page), tick marks, labels and the wrapped caption.
 * `colorBarSvgLayout(...).bounds.height` is its height.
 */
export function colorBarSvg(spec: ColorBarSpec, x: number, y: number, length: number, options: ColorBarOptions = {}): string {
  const layout = colorBarSvgLayout(spec, x, y, length, options);
  const { bar } = layout;
  const horizontal = layout.orientation === 'horizontal';
  const n = 32;
  const parts: string[] = [`<g class="colorbar" data-colormap="${spec.colormap}">`];
  for (let i = 0; i < n; i++) {
    const c = barColor(spec.colormap, horizontal ? (i + 0.5) / n : 1 - (i + 0.5) / n);
    parts.push(
      horizontal
        ? `<rect x="${px(bar.x + (i * bar.width) / n)}" y="${px(bar.y)}" width="${px(bar.width / n + 0.5)}" height="${px(bar.height)}" fill="${rgbCss(c)}"/>`
        : `<rect x="${px(bar.x)}" y="${px(bar.y + (i * bar.height) / n)}" width="${px(bar.width)}" height="${px(bar.height / n + 0.5)}" fill="${rgbCss(c)}"/>`,
    );
  }
  parts.push(`<rect x="${px(bar.x)}" y="${px(bar.y)}" width="${px(bar.width)}" height="${px(bar.height)}" fill="none" stroke="#999" stroke-width="0.5"/>`);
  for (const t of layout.ticks) {
    parts.push(
      horizontal
        ? `<line x1="${px(t.at)}" y1="${px(bar.y + bar.height)}" x2="${px(t.at)}" y2="${px(bar.y + bar.height + 4)}" stroke="#333"/>`
        : `<line x1="${px(bar.x + bar.width)}" y1="${px(t.at)}" x2="${px(bar.x + bar.width + 4)}" y2="${px(t.at)}" stroke="#333"/>`,
    );
  }
  for (const l of layout.labels) parts.push(svgLabel(l, l.role === 'caption' ? { fill: '#444' } : {}));
  parts.push('</g>');
  return parts.join('');
}
