/**
 * The built-in proportional bitmap font for text inside PNG pictures (colour-bar ticks and
 * captions, panel titles, tile numbers): upper and lower case, digits, punctuation and the signs
 * labels use (| : × − · … ± ≤ ≥ → µ). Capitals and digits are 7 px tall at scale 1, lower case
 * has a 5 px x-height and 2 px descenders; glyphs are 1-5 px wide with 1 px between them.
 * Accented letters are drawn as their base letter; other characters as a replacement box.
 *
 * Measuring (`bitmapTextWidth`) and drawing (`drawBitmapText`) walk the same glyph table, so a
 * width computed for layout is exactly the ink extent drawn.
 */
import { GLYPHS } from './font-glyphs.js';
import type { Raster } from './raster.js';

/** Rows above the baseline (capital height) and rows in total (with descenders), at scale 1. */
export const BITMAP_ASCENT = 7;
export const BITMAP_ROWS = 9;
/** Blank rows between two lines of text, at scale 1. */
export const BITMAP_LINE_GAP = 2;

interface Glyph {
  readonly width: number;
  /** Ink rows, top to bottom (up to BITMAP_ROWS). */
  readonly rows: readonly string[];
}

const PARSED = new Map<string, Glyph>();
for (const [ch, spec] of Object.entries(GLYPHS)) {
  const rows = spec.split(' ');
  PARSED.set(ch, { width: rows[0]!.length, rows });
}
const MISSING = PARSED.get('\uFFFD')!;

function glyph(ch: string): Glyph {
  const g = PARSED.get(ch);
  if (g) return g;
  if (/\s/.test(ch)) return PARSED.get(' ')!;
  // é -> e, Å -> A, ...
  const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  if (base !== ch && base.length > 0) {
    const b = PARSED.get([...base][0]!);
    if (b) return b;
  }
  return MISSING;
}

/** Height in pixels of one line of text (capitals plus descenders) at integer `scale`. */
export function bitmapTextHeight(scale = 1): number {
  return BITMAP_ROWS * scale;
}

/** Distance in pixels from one line's top to the next line's top at integer `scale`. */
export function bitmapLineHeight(scale = 1): number {
  return (BITMAP_ROWS + BITMAP_LINE_GAP) * scale;
}

/**
 * Width in pixels of `text` drawn at integer `scale` (one glyph column of spacing between
 * glyphs; `bold` draws every glyph twice, one pixel apart, so each is one pixel wider): exactly
 * the columns `drawBitmapText` may ink. Bold reads well from scale 2; at scale 1 it fills the
 * gaps inside m and w.
 */
export function bitmapTextWidth(text: string, scale = 1, bold = false): number {
  let w = 0;
  let n = 0;
  for (const ch of text) {
    w += glyph(ch).width;
    n++;
  }
  return n === 0 ? 0 : (w + n - 1) * scale + (bold ? n : 0);
}

/**
 * Draw `text` with its top-left corner at (x, y) (the top of the capitals; descenders reach
 * `bitmapTextHeight(scale)` below y); pixels outside the raster are skipped.
 */
export function drawBitmapText(
  r: Raster,
  text: string,
  x: number,
  y: number,
  color: readonly [number, number, number] = [30, 30, 30],
  scale = 1,
  bold = false,
): void {
  let cx = Math.round(x);
  const top = Math.round(y);
  const ink = (px: number, py: number) => {
    if (px < 0 || py < 0 || px >= r.width || py >= r.height) return;
    const o = (py * r.width + px) * 4;
    r.data[o] = color[0];
    r.data[o + 1] = color[1];
    r.data[o + 2] = color[2];
    r.data[o + 3] = 255;
  };
  for (const ch of text) {
    const g = glyph(ch);
    g.rows.forEach((row, gy) => {
      for (let gx = 0; gx < g.width; gx++) {
        if (row[gx] !== '#') continue;
        for (let sy = 0; sy < scale; sy++) {
          for (let sx = 0; sx <= scale - (bold ? 0 : 1); sx++) ink(cx + gx * scale + sx, top + gy * scale + sy);
        }
      }
    });
    cx += (g.width + 1) * scale + (bold ? 1 : 0);
  }
}
