import { describe, expect, it } from 'vitest';
import { bitmapLineHeight, bitmapTextHeight, bitmapTextWidth, drawBitmapText } from './font.js';
import { GLYPHS } from './font-glyphs.js';
import { createRaster } from './raster.js';
import type { Raster } from './raster.js';

const INK = [0, 0, 0] as const;

/** Draw `text` at (x, y) on a white raster and return the inked pixels as "x,y" strings. */
function draw(text: string, scale = 1, bold = false, x = 3, y = 3): { r: Raster; ink: Set<string> } {
  const r = createRaster(bitmapTextWidth(text, scale, bold) + 2 * x + 8, bitmapTextHeight(scale) + 2 * y + 8);
  drawBitmapText(r, text, x, y, INK, scale, bold);
  const ink = new Set<string>();
  for (let yy = 0; yy < r.height; yy++) {
    for (let xx = 0; xx < r.width; xx++) if (r.data[(yy * r.width + xx) * 4] === 0) ink.add(`${xx - x},${yy - y}`);
  }
  return { r, ink };
}

function extent(ink: Set<string>): { x0: number; x1: number; y0: number; y1: number } {
  const pts = [...ink].map((p) => p.split(',').map(Number) as [number, number]);
  return {
    x0: Math.min(...pts.map((p) => p[0])),
    x1: Math.max(...pts.map((p) => p[0])),
    y0: Math.min(...pts.map((p) => p[1])),
    y1: Math.max(...pts.map((p) => p[1])),
  };
}

const same = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((p) => b.has(p));

describe('bitmap font', () => {
  it('measures exactly the columns it inks, for every glyph, scale and weight', () => {
    // 'H' has ink in its first and last column, so "H?H" spans exactly the measured width
    for (const ch of Object.keys(GLYPHS)) {
      for (const scale of [1, 2, 3]) {
        for (const bold of [false, true]) {
          const text = `H${ch}H`;
          const { ink } = draw(text, scale, bold);
          const e = extent(ink);
          expect([e.x0, e.x1], `'${ch}' scale ${scale} bold ${bold}`).toEqual([0, bitmapTextWidth(text, scale, bold) - 1]);
          expect(e.y0).toBeGreaterThanOrEqual(0);
          expect(e.y1).toBeLessThan(bitmapTextHeight(scale));
        }
      }
    }
  });
  it('has lower case, digits and the signs labels use, each its own glyph', () => {
    const missing = draw('\uFFFD').ink;
    for (const ch of 'abcdefghijklmnopqrstuvwxyz0123456789|:×−·…±≤≥→µ()[]_%=+/') {
      expect(same(draw(ch).ink, missing), `'${ch}' has a glyph`).toBe(false);
    }
    for (const ch of 'abcdefghijklmnopqrstuvwxyz') {
      expect(same(draw(ch).ink, draw(ch.toUpperCase()).ink), `'${ch}' differs from '${ch.toUpperCase()}'`).toBe(false);
    }
    // | is not I or l or 1
    for (const other of ['I', 'l', '1']) expect(same(draw('|').ink, draw(other).ink)).toBe(false);
  });
  it('descenders reach below the baseline; capitals do not', () => {
    expect(extent(draw('g').ink).y1).toBeGreaterThan(extent(draw('H').ink).y1);
    expect(extent(draw('H').ink).y1).toBe(6);
  });
  it('draws accented letters as their base letter and unknown characters as a box', () => {
    expect(same(draw('é').ink, draw('e').ink)).toBe(true);
    expect(same(draw('Å').ink, draw('A').ink)).toBe(true);
    expect(same(draw('中').ink, draw('\uFFFD').ink)).toBe(true);
  });
  it('measures whole strings: glyph widths plus one column between glyphs, times the scale', () => {
    // hand count: 'l' 2, 'i' 1, 'H' 5 -> 2 + 1 + 5 + 2 gaps = 10
    expect(bitmapTextWidth('liH')).toBe(10);
    expect(bitmapTextWidth('liH', 2)).toBe(20);
    expect(bitmapTextWidth('liH', 2, true)).toBe(23);
    expect(bitmapTextWidth('')).toBe(0);
    expect(bitmapLineHeight(1)).toBeGreaterThan(bitmapTextHeight(1));
  });
  it('draws the part inside the raster and skips the rest', () => {
    const r = createRaster(8, 8);
    expect(() => drawBitmapText(r, 'WWW', -3, -2, INK, 2)).not.toThrow();
    // W's row 1 is '#...#' and lands on y = 0..1 at scale 2: column 0 falls at x = -3..-2 (off),
    // column 4 at x = -3 + 8 = 5..6; the second W starts at x = -3 + 12 = 9 (off)
    expect([...r.data.subarray(0, 32)].filter((_, i) => i % 4 === 0).map((v) => (v === 0 ? 1 : 0))).toEqual([0, 0, 0, 0, 0, 1, 1, 0]);
  });
});
