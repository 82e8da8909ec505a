/**
 * Pixel-level checks of bitmap-font labels in a raster (test helper, not part of the API):
 * every label, drawn alone, has exactly as many ink pixels as the picture has inside the
 * label's rectangle (nothing was clipped at an edge or painted over), and the picture has no
 * ink of the label colour outside the labels and the areas the caller names.
 */
import { drawBitmapText } from '../font.js';
import type { LabelBox, Rect } from '../labels.js';
import { createRaster } from '../raster.js';
import type { Raster } from '../raster.js';

function isInk(r: Raster, x: number, y: number, ink: readonly number[]): boolean {
  const o = (y * r.width + x) * 4;
  return r.data[o] === ink[0] && r.data[o + 1] === ink[1] && r.data[o + 2] === ink[2] && r.data[o + 3] === 255;
}

function within(x: number, y: number, b: Rect): boolean {
  return x >= b.x && y >= b.y && x < b.x + b.width && y < b.y + b.height;
}

/** Ink pixels of `l.text` drawn alone (its glyphs, in full). */
export function soloInk(l: LabelBox): number {
  const pad = 4;
  const r = createRaster(Math.ceil(l.width) + 2 * pad, Math.ceil(l.height) + 2 * pad);
  drawBitmapText(r, l.text, pad, pad, [0, 0, 0], l.font.size, l.font.bold);
  let n = 0;
  for (let i = 0; i < r.data.length; i += 4) if (r.data[i] === 0) n++;
  return n;
}

/** Problems with the ink of `labels` in `r` (empty if every glyph is whole and in its box). */
export function inkProblems(r: Raster, labels: readonly LabelBox[], ink: readonly number[], elsewhere: readonly Rect[] = []): string[] {
  const out: string[] = [];
  for (const l of labels) {
    let n = 0;
    for (let y = Math.max(0, Math.floor(l.y)); y < Math.min(r.height, l.y + l.height); y++) {
      for (let x = Math.max(0, Math.floor(l.x)); x < Math.min(r.width, l.x + l.width); x++) if (isInk(r, x, y, ink)) n++;
    }
    const want = soloInk(l);
    if (n !== want) out.push(`'${l.text}': ${n} ink pixels in its rectangle, ${want} when drawn alone`);
  }
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      if (!isInk(r, x, y, ink)) continue;
      if (labels.some((l) => within(x, y, l)) || elsewhere.some((b) => within(x, y, b))) continue;
      out.push(`stray ink at (${x}, ${y})`);
      if (out.length > 20) return out;
    }
  }
  return out;
}
