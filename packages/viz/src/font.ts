/**
 * A tiny built-in 3x5 bitmap font (digits, upper-case letters, a few signs) for labels inside
 * PNG pictures (colour-bar ticks, panel titles). Lower-case letters are drawn upper-case;
 * anything else is drawn as '?'. Glyphs were drawn for this project ('#' = ink).
 */
import type { Raster } from './raster.js';

const GLYPHS: Readonly<Record<string, string>> = {
  '0': '### #.# #.# #.# ###',
  '1': '.#. ##. .#. .#. ###',
  '2': '### ..# ### #.. ###',
  '3': '### ..# .## ..# ###',
  '4': '#.# #.# ### ..# ..#',
  '5': '### #.. ### ..# ###',
  '6': '### #.. ### #.# ###',
  '7': '### ..# .#. .#. .#.',
  '8': '### #.# ### #.# ###',
  '9': '### #.# ### ..# ###',
  A: '.#. #.# ### #.# #.#',
  B: '##. #.# ##. #.# ##.',
  C: '.## #.. #.. #.. .##',
  D: '##. #.# #.# #.# ##.',
  E: '### #.. ##. #.. ###',
  F: '### #.. ##. #.. #..',
  G: '.## #.. #.# #.# .##',
  H: '#.# #.# ### #.# #.#',
  I: '### .#. .#. .#. ###',
  J: '..# ..# ..# #.# .#.',
  K: '#.# #.# ##. #.# #.#',
  L: '#.. #.. #.. #.. ###',
  M: '#.# ### ### #.# #.#',
  N: '##. #.# #.# #.# #.#',
  O: '.#. #.# #.# #.# .#.',
  P: '##. #.# ##. #.. #..',
  Q: '.#. #.# #.# ### .##',
  R: '##. #.# ##. #.# #.#',
  S: '.## #.. .#. ..# ##.',
  T: '### .#. .#. .#. .#.',
  U: '#.# #.# #.# #.# ###',
  V: '#.# #.# #.# #.# .#.',
  W: '#.# #.# ### ### #.#',
  X: '#.# #.# .#. #.# #.#',
  Y: '#.# #.# .#. .#. .#.',
  Z: '### ..# .#. #.. ###',
  '-': '... ... ### ... ...',
  '.': '... ... ... ... .#.',
  '+': '... .#. ### .#. ...',
  ':': '... .#. ... .#. ...',
  ',': '... ... ... .#. #..',
  '(': '.#. #.. #.. #.. .#.',
  ')': '.#. ..# ..# ..# .#.',
  '/': '..# ..# .#. #.. #..',
  '_': '... ... ... ... ###',
  '=': '... ### ... ### ...',
  '%': '#.# ..# .#. #.. #.#',
  '|': '.#. .#. .#. .#. .#.',
  '[': '##. #.. #.. #.. ##.',
  ']': '.## ..# ..# ..# .##',
  '<': '..# .#. #.. .#. ..#',
  '>': '#.. .#. ..# .#. #..',
  '*': '... #.# .#. #.# ...',
  "'": '.#. .#. ... ... ...',
  '?': '##. ..# .#. ... .#.',
  ' ': '... ... ... ... ...',
};

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

function glyph(ch: string): string {
  return GLYPHS[ch] ?? GLYPHS[ch.toUpperCase()] ?? GLYPHS['?']!;
}

/** Width in pixels of `text` drawn at integer `scale` (one column of spacing between glyphs). */
export function bitmapTextWidth(text: string, scale = 1): number {
  const n = [...text].length;
  return n === 0 ? 0 : (n * (GLYPH_WIDTH + 1) - 1) * scale;
}

/** Draw `text` with its top-left corner at (x, y); pixels outside the raster are skipped. */
export function drawBitmapText(
  r: Raster,
  text: string,
  x: number,
  y: number,
  color: readonly [number, number, number] = [30, 30, 30],
  scale = 1,
): void {
  let cx = Math.round(x);
  const top = Math.round(y);
  for (const ch of text) {
    const rows = glyph(ch).split(' ');
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (rows[gy]![gx] !== '#') continue;
        for (let sy = 0; sy < scale; sy++) {
          for (let sx = 0; sx < scale; sx++) {
            const px = cx + gx * scale + sx;
            const py = top + gy * scale + sy;
            if (px < 0 || py < 0 || px >= r.width || py >= r.height) continue;
            const o = (py * r.width + px) * 4;
            r.data[o] = color[0];
            r.data[o + 1] = color[1];
            r.data[o + 2] = color[2];
            r.data[o + 3] = 255;
          }
        }
      }
    }
    cx += (GLYPH_WIDTH + 1) * scale;
  }
}
