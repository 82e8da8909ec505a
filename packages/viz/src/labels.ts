/**
 * Label layout shared by the PNG and SVG pictures. Every piece of text a picture draws is first
 * placed as a `LabelBox`: the text of one line, the rectangle it covers (measured with the same
 * metrics that draw it: the bitmap font's glyph table for PNG, DejaVu Sans advance widths for
 * SVG) and the box it has to stay inside. Text that does not fit its box is wrapped onto further
 * lines at spaces or after - _ / ·; only a piece that cannot fit even alone, or text beyond the
 * last allowed line, is shortened with an ellipsis.
 */
import { BITMAP_ASCENT, bitmapLineHeight, bitmapTextHeight, bitmapTextWidth, drawBitmapText } from './font.js';
import type { Raster } from './raster.js';
import { SVG_ASCENT, SVG_DESCENT, svgTextWidth } from './svg-metrics.js';
import { svgText } from './svg.js';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A font as the layout sees it: how wide a text is and how tall a line is. */
export interface TextFont {
  readonly kind: 'bitmap' | 'svg';
  /** Bitmap: the integer scale; SVG: the size in pixels. */
  readonly size: number;
  readonly bold: boolean;
  /** Height of one line's ink box (ascent + descent). */
  readonly height: number;
  /** Distance from one line's top to the next line's top. */
  readonly lineHeight: number;
  /** Distance from a line's top to its baseline. */
  readonly baseline: number;
  measure(text: string): number;
}

export type LabelAlign = 'start' | 'middle' | 'end';

/** One line of text in a picture: what is drawn, where, and the box it must stay inside. */
export interface LabelBox extends Rect {
  /** The line as drawn (after wrapping and, as a last resort, an ellipsis). */
  readonly text: string;
  /** What the label is, e.g. 'tick', 'caption', 'title', 'legend', 'node'. */
  readonly role: string;
  /** The box the label must fit in. */
  readonly box: Rect;
  readonly align: LabelAlign;
  /** True when text was cut and ends with '…'. */
  readonly truncated: boolean;
  readonly font: TextFont;
}

/** The PNG bitmap font at an integer scale (see font.ts). */
export function bitmapFont(scale = 1, bold = false): TextFont {
  return {
    kind: 'bitmap',
    size: scale,
    bold,
    height: bitmapTextHeight(scale),
    lineHeight: bitmapLineHeight(scale),
    baseline: BITMAP_ASCENT * scale,
    measure: (t) => bitmapTextWidth(t, scale, bold),
  };
}

/** A sans-serif SVG font of `size` px (widths from svg-metrics.ts, an upper bound). */
export function svgFont(size = 12, bold = false): TextFont {
  const height = Math.ceil(size * (SVG_ASCENT + SVG_DESCENT));
  return { kind: 'svg', size, bold, height, lineHeight: height + Math.ceil(size * 0.1), baseline: size * SVG_ASCENT, measure: (t) => svgTextWidth(t, size, bold) };
}

/** Split into pieces that each end where a line may break (after a space or - _ / ·). */
function pieces(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  const chars = [...text];
  chars.forEach((ch, i) => {
    cur += ch;
    const next = chars[i + 1];
    if (next === undefined) return;
    const breakAfter = (ch === ' ' && next !== ' ') || ('-_/·'.includes(ch) && next !== ' ' && i > 0);
    if (breakAfter) {
      out.push(cur);
      cur = '';
    }
  });
  if (cur) out.push(cur);
  return out;
}

/** The longest prefix of `text` that fits `maxWidth` with '…' after it ('' if not even '…' fits). */
export function ellipsize(text: string, maxWidth: number, font: TextFont): string {
  if (font.measure(text) <= maxWidth) return text;
  const chars = [...text.trimEnd()];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (font.measure(`${chars.slice(0, mid).join('').trimEnd()}…`) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  const cut = `${chars.slice(0, lo).join('').trimEnd()}…`;
  return font.measure(cut) <= maxWidth ? cut : '';
}

/** Width of the widest piece a text breaks into (the narrowest box it wraps into uncut). */
export function widestPiece(text: string, font: TextFont): number {
  return Math.max(0, ...pieces(text).map((p) => font.measure(p.trim())));
}

/**
 * Wrap `text` into lines no wider than `maxWidth`, at most `maxLines` of them. A piece wider than
 * the box on its own, and the end of a text that needs more lines, get an ellipsis.
 */
export function wrapText(text: string, maxWidth: number, font: TextFont, maxLines = 3): { lines: string[]; truncated: boolean } {
  // greedy: each line takes pieces while they fit
  const groups: string[][] = [];
  let cur: string[] = [];
  for (const p of pieces(text.replace(/\s+/g, ' ').trim())) {
    if (cur.length > 0 && font.measure((cur.join('') + p).trimEnd()) > maxWidth) {
      groups.push(cur);
      cur = [];
    }
    cur.push(p);
  }
  if (cur.length > 0) groups.push(cur);
  let truncated = false;
  const keep = Math.max(1, maxLines);
  const lines = groups.slice(0, keep).map((g, i) => {
    // the last allowed line carries whatever is left of the text
    const t = (i === keep - 1 ? groups.slice(i).flat() : g).join('').trim();
    const e = ellipsize(t, maxWidth, font);
    if (e !== t) truncated = true;
    return e;
  });
  return { lines: lines.filter((l) => l !== ''), truncated };
}

export interface PlaceOptions {
  readonly align?: LabelAlign;
  readonly maxLines?: number;
  readonly role: string;
}

/**
 * Wrap `text` into the width of `box` and stack the lines from its top. Returns the lines and
 * the height they take (the box's own height is ignored: the block grows downwards as needed).
 */
export function placeText(text: string, box: Omit<Rect, 'height'>, font: TextFont, options: PlaceOptions): { labels: LabelBox[]; height: number } {
  const { lines, truncated } = wrapText(text, box.width, font, options.maxLines ?? 3);
  const align = options.align ?? 'start';
  const height = lines.length === 0 ? 0 : (lines.length - 1) * font.lineHeight + font.height;
  const block: Rect = { x: box.x, y: box.y, width: box.width, height };
  const labels = lines.map((t, i) => {
    const w = font.measure(t);
    const x = align === 'start' ? box.x : align === 'end' ? box.x + box.width - w : box.x + Math.floor((box.width - w) / 2);
    return { text: t, role: options.role, x, y: box.y + i * font.lineHeight, width: w, height: font.height, box: block, align, truncated: truncated && i === lines.length - 1, font };
  });
  return { labels, height };
}

/** A single line at (x, y) aligned in a box (no wrapping; ellipsis if it does not fit). */
export function placeLine(text: string, box: Rect, y: number, font: TextFont, role: string, align: LabelAlign = 'start'): LabelBox | undefined {
  const t = ellipsize(text, box.width, font);
  if (t === '') return undefined;
  const w = font.measure(t);
  const x = align === 'start' ? box.x : align === 'end' ? box.x + box.width - w : box.x + Math.floor((box.width - w) / 2);
  return { text: t, role, x, y, width: w, height: font.height, box, align, truncated: t !== text, font };
}

/** Move labels by (dx, dy) together with their boxes. */
export function shiftLabels(labels: readonly LabelBox[], dx: number, dy: number): LabelBox[] {
  return labels.map((l) => ({ ...l, x: l.x + dx, y: l.y + dy, box: { ...l.box, x: l.box.x + dx, y: l.box.y + dy } }));
}

/** Draw bitmap-font labels into a raster. */
export function drawLabels(r: Raster, labels: readonly LabelBox[], color: readonly [number, number, number] = [30, 30, 30]): void {
  for (const l of labels) drawBitmapText(r, l.text, l.x, l.y, color, l.font.size, l.font.bold);
}

/** An SVG <text> for a label, anchored at the side it is aligned to (so narrower fonts stay inside). */
export function svgLabel(l: LabelBox, attrs: { fill?: string; extra?: string } = {}): string {
  const x = l.align === 'start' ? l.x : l.align === 'end' ? l.x + l.width : l.x + l.width / 2;
  return svgText(x, l.y + l.font.baseline, l.text, {
    anchor: l.align,
    size: l.font.size,
    ...(l.font.bold ? { weight: '600' } : {}),
    ...(attrs.fill ? { fill: attrs.fill } : {}),
    ...(attrs.extra ? { extra: attrs.extra } : {}),
  });
}

const EPS = 1e-6;

function inside(a: Rect, b: Rect): boolean {
  return a.x >= b.x - EPS && a.y >= b.y - EPS && a.x + a.width <= b.x + b.width + EPS && a.y + a.height <= b.y + b.height + EPS;
}

function overlap(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width - EPS && b.x < a.x + a.width - EPS && a.y < b.y + b.height - EPS && b.y < a.y + a.height - EPS;
}

/**
 * What is wrong with a set of labels: a label wider or taller than its box, a box outside
 * `bounds` (the picture), two labels overlapping. Empty when every label fits.
 */
export function labelProblems(labels: readonly LabelBox[], bounds?: Rect): string[] {
  const out: string[] = [];
  const name = (l: LabelBox) => `${l.role} '${l.text}'`;
  labels.forEach((l, i) => {
    if (!inside(l, l.box)) out.push(`${name(l)} (${l.x},${l.y} ${l.width}x${l.height}) is outside its box (${l.box.x},${l.box.y} ${l.box.width}x${l.box.height})`);
    if (bounds && !inside(l, bounds)) out.push(`${name(l)} is outside the picture (${bounds.width}x${bounds.height})`);
    for (const m of labels.slice(i + 1)) if (overlap(l, m)) out.push(`${name(l)} overlaps ${name(m)}`);
  });
  return out;
}

/**
 * A picture's title as SVG: wrapped to the picture's width less the margins (two lines at most),
 * centred or left-aligned, its first line's top at `top`. `bottom` is where the content below may
 * start (`top` when there is no title).
 */
export function svgTitle(
  title: string | undefined,
  width: number,
  options: { size?: number; align?: LabelAlign; margin?: number; top?: number } = {},
): { svg: string; bottom: number; labels: LabelBox[] } {
  const top = options.top ?? 8;
  if (!title) return { svg: '', bottom: top, labels: [] };
  const margin = options.margin ?? 10;
  const t = placeText(title, { x: margin, y: top, width: width - 2 * margin }, svgFont(options.size ?? 14, true), { role: 'title', align: options.align ?? 'middle', maxLines: 2 });
  return { svg: t.labels.map((l) => svgLabel(l)).join(''), bottom: top + t.height, labels: t.labels };
}
