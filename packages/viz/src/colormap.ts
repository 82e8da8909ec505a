/**
 * The diverging colour map used for attributions: blue (negative) – white (zero) – red-orange
 * (positive).
 *
 * Design: the two end colours are chosen in OKLab (a perceptual colour space) with equal
 * lightness (L = 0.5) so neither sign looks "stronger"; each half is a straight line in OKLab
 * from its end colour to white, so equal steps in value give (approximately) equal perceived
 * steps in colour. The hues (255° blue and 40° red-orange) differ mainly along the blue–yellow
 * axis, which survives the common red–green colour-vision deficiencies, and lightness alone
 * already encodes magnitude. The table is computed here, not copied from another map.
 */

/** Control points in OKLCH: lightness, chroma, hue in degrees. */
export const NEGATIVE_END = { l: 0.5, c: 0.13, h: 255 } as const;
export const POSITIVE_END = { l: 0.5, c: 0.15, h: 40 } as const;
export const MIDPOINT = { l: 1, c: 0, h: 0 } as const;

/** Number of entries; odd so that the middle entry is exactly zero. */
export const COLORMAP_SIZE = 257;

export type Rgb = readonly [number, number, number];

export function oklchToOklab(p: { l: number; c: number; h: number }): [number, number, number] {
  const rad = (p.h * Math.PI) / 180;
  return [p.l, p.c * Math.cos(rad), p.c * Math.sin(rad)];
}

/** OKLab -> linear sRGB (Ottosson's published matrices). */
export function oklabToLinearSrgb(L: number, a: number, b: number): [number, number, number] {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ];
}

function encodeSrgb(x: number): number {
  const c = Math.min(1, Math.max(0, x));
  const v = c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
  return Math.round(255 * v);
}

export function oklabToRgb8(lab: readonly [number, number, number]): Rgb {
  const [r, g, b] = oklabToLinearSrgb(lab[0], lab[1], lab[2]);
  return [encodeSrgb(r), encodeSrgb(g), encodeSrgb(b)];
}

function buildTable(): Uint8Array {
  const table = new Uint8Array(COLORMAP_SIZE * 3);
  const neg = oklchToOklab(NEGATIVE_END);
  const pos = oklchToOklab(POSITIVE_END);
  const mid = oklchToOklab(MIDPOINT);
  const half = (COLORMAP_SIZE - 1) / 2;
  for (let i = 0; i < COLORMAP_SIZE; i++) {
    // t in [-1, 1]: -1 = most negative, 0 = zero, 1 = most positive.
    const t = (i - half) / half;
    const end = t < 0 ? neg : pos;
    const w = Math.abs(t);
    const lab: [number, number, number] = [
      mid[0] + (end[0] - mid[0]) * w,
      mid[1] + (end[1] - mid[1]) * w,
      mid[2] + (end[2] - mid[2]) * w,
    ];
    table.set(oklabToRgb8(lab), i * 3);
  }
  return table;
}

const TABLE: Uint8Array = buildTable();

/**
 * Colour for a normalised value v in [-1, 1] (values outside are clipped; NaN is treated as 0).
 * Returns [r, g, b] in 0..255.
 */
export function divergingColor(v: number): Rgb {
  const c = Number.isNaN(v) ? 0 : Math.min(1, Math.max(-1, v));
  const half = (COLORMAP_SIZE - 1) / 2;
  const i = Math.round((c + 1) * half);
  return [TABLE[i * 3]!, TABLE[i * 3 + 1]!, TABLE[i * 3 + 2]!];
}

/** A copy of the full table (COLORMAP_SIZE rows of r, g, b), from most negative to most positive. */
export function colormapTable(): Uint8Array {
  return TABLE.slice();
}
