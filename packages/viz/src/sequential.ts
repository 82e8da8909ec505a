/**
 * The sequential colour map (dark violet – blue – teal – green – yellow), used for magnitudes
 * (absolute-value attributions, feature values, activations).
 *
 * Design: five control points in OKLCH chosen for this project with lightness rising linearly
 * from 0.30 to 0.93, so lightness alone orders the values (readable in grayscale and under
 * every common colour-vision deficiency); the hue walks from violet to yellow to add contrast
 * without a red–green opposition. The map is the polyline through the control points in OKLab,
 * resampled at equal OKLab arc length, so equal value steps are equal perceived steps. The
 * control points lie inside the sRGB gamut, so no entry is clipped.
 */
import { oklabToLinearSrgb, oklabToRgb8, oklchToOklab } from './colormap.js';
import type { Rgb } from './colormap.js';

export const SEQUENTIAL_STOPS = [
  { l: 0.3, c: 0.11, h: 300 },
  { l: 0.45, c: 0.1, h: 265 },
  { l: 0.61, c: 0.095, h: 200 },
  { l: 0.77, c: 0.15, h: 140 },
  { l: 0.93, c: 0.17, h: 105 },
] as const;

export const SEQUENTIAL_SIZE = 256;

function buildSequential(): Uint8Array {
  const pts = SEQUENTIAL_STOPS.map((p) => oklchToOklab(p));
  const seg: number[] = [];
  for (let i = 1; i < pts.length; i++) seg.push(Math.hypot(...pts[i]!.map((v, k) => v - pts[i - 1]![k]!)));
  const total = seg.reduce((a, b) => a + b, 0);
  const table = new Uint8Array(SEQUENTIAL_SIZE * 3);
  for (let i = 0; i < SEQUENTIAL_SIZE; i++) {
    let d = (i / (SEQUENTIAL_SIZE - 1)) * total;
    let s = 0;
    while (s < seg.length - 1 && d > seg[s]!) d -= seg[s++]!;
    const t = Math.min(1, d / seg[s]!);
    const a = pts[s]!;
    const b = pts[s + 1]!;
    table.set(oklabToRgb8([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]), i * 3);
  }
  return table;
}

const TABLE = buildSequential();

/** Colour for v in [0, 1] (clipped; NaN -> 0). */
export function sequentialColor(v: number): Rgb {
  const c = Number.isNaN(v) ? 0 : Math.min(1, Math.max(0, v));
  const i = Math.round(c * (SEQUENTIAL_SIZE - 1));
  return [TABLE[i * 3]!, TABLE[i * 3 + 1]!, TABLE[i * 3 + 2]!];
}

/** A copy of the sequential table (SEQUENTIAL_SIZE rows of r, g, b), low to high. */
export function sequentialTable(): Uint8Array {
  return TABLE.slice();
}

/** Largest out-of-gamut excursion of the control points in linear sRGB (0 = all inside). */
export function sequentialGamutExcess(): number {
  let worst = 0;
  for (const p of SEQUENTIAL_STOPS) {
    const lab = oklchToOklab(p);
    for (const c of oklabToLinearSrgb(lab[0], lab[1], lab[2])) worst = Math.max(worst, -c, c - 1);
  }
  return worst;
}
