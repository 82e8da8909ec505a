import { describe, expect, it } from 'vitest';
import { colorMapColor } from './colormaps.js';
import { SEQUENTIAL_SIZE, sequentialColor, sequentialGamutExcess, sequentialTable } from './sequential.js';

/** sRGB 8-bit -> OKLab (independent of the maps' forward conversion). */
function toOklab(rgb: ArrayLike<number>): [number, number, number] {
  const lin = (c: number) => {
    const x = c / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  const [R, G, B] = [lin(rgb[0]!), lin(rgb[1]!), lin(rgb[2]!)];
  const l = Math.cbrt(0.4122214708 * R + 0.5363325363 * G + 0.0514459929 * B);
  const m = Math.cbrt(0.2119034982 * R + 0.6806995451 * G + 0.1073969566 * B);
  const s = Math.cbrt(0.0883024619 * R + 0.2817188376 * G + 0.6299787005 * B);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

/** Deuteranopia simulation (Viénot/Brettel-style LMS projection, on linear sRGB), for checking CVD safety. */
function deuteranope(rgb: ArrayLike<number>): number[] {
  const lin = (c: number) => {
    const x = c / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  const [r, g, b] = [lin(rgb[0]!), lin(rgb[1]!), lin(rgb[2]!)];
  // Viénot 1999 simplified matrix for deuteranopia in linear RGB.
  const R = 0.29275 * r + 0.70725 * g;
  const G = 0.29275 * r + 0.70725 * g;
  const B = -0.02234 * r + 0.02234 * g + b;
  const enc = (x: number) => Math.round(255 * (Math.min(1, Math.max(0, x)) <= 0.0031308 ? 12.92 * Math.max(0, x) : 1.055 * Math.min(1, x) ** (1 / 2.4) - 0.055));
  return [enc(R), enc(G), enc(B)];
}

describe('sequential colour map', () => {
  const table = sequentialTable();
  const lab = Array.from({ length: SEQUENTIAL_SIZE }, (_, i) => toOklab(table.subarray(3 * i, 3 * i + 3)));

  it('runs from dark violet to light yellow', () => {
    const [r0, g0, b0] = sequentialColor(0);
    const [r1, g1, b1] = sequentialColor(1);
    expect(b0).toBeGreaterThan(g0); // violet-blue end
    expect(r0 + g0 + b0).toBeLessThan(220);
    expect(r1).toBeGreaterThan(200); // yellow end
    expect(g1).toBeGreaterThan(200);
    expect(b1).toBeLessThan(120);
    expect(sequentialColor(-3)).toEqual(sequentialColor(0));
    expect(sequentialColor(Number.NaN)).toEqual(sequentialColor(0));
  });
  it('has strictly rising lightness and near-equal perceptual steps', () => {
    for (let i = 1; i < SEQUENTIAL_SIZE; i++) expect(lab[i]![0]).toBeGreaterThan(lab[i - 1]![0] - 1e-3);
    expect(lab[SEQUENTIAL_SIZE - 1]![0] - lab[0]![0]).toBeGreaterThan(0.55);
    const steps: number[] = [];
    for (let i = 0; i + 16 < SEQUENTIAL_SIZE; i += 16) steps.push(Math.hypot(...lab[i + 16]!.map((v, k) => v - lab[i]![k]!)));
    expect(Math.max(...steps) / Math.min(...steps)).toBeLessThan(1.25);
  });
  it('stays inside the sRGB gamut (no clipped entries)', () => {
    expect(sequentialGamutExcess()).toBe(0);
  });
  it('stays ordered for a deuteranope (simulated lightness still rises)', () => {
    const L = Array.from({ length: 17 }, (_, i) => toOklab(deuteranope(sequentialColor(i / 16)))[0]);
    for (let i = 1; i < L.length; i++) expect(L[i]!).toBeGreaterThan(L[i - 1]!);
  });
});

describe('named colour maps', () => {
  it('positive is white -> warm, negative white -> cool, gray black -> white', () => {
    expect(colorMapColor('positive', 0)).toEqual([255, 255, 255]);
    expect(colorMapColor('negative', 0)).toEqual([255, 255, 255]);
    const [pr, , pb] = colorMapColor('positive', 1);
    const [nr, , nb] = colorMapColor('negative', 1);
    expect(pr - pb).toBeGreaterThan(80);
    expect(nb - nr).toBeGreaterThan(80);
    expect(colorMapColor('gray', 0)).toEqual([0, 0, 0]);
    expect(colorMapColor('gray', 1)).toEqual([255, 255, 255]);
    const g = Array.from({ length: 11 }, (_, i) => colorMapColor('gray', i / 10)[0]);
    for (let i = 1; i < g.length; i++) expect(g[i]!).toBeGreaterThan(g[i - 1]!);
  });
  it('the diverging ends stay distinguishable for a deuteranope', () => {
    const neg = deuteranope(colorMapColor('diverging', -1));
    const pos = deuteranope(colorMapColor('diverging', 1));
    const d = Math.hypot(...toOklab(neg).map((v, k) => v - toOklab(pos)[k]!));
    expect(d).toBeGreaterThan(0.1);
  });
});
