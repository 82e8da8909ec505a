import { NumericError, ShapeError, tensor, zeros } from '@glasswing/core';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { COLORMAP_SIZE, colormapTable, divergingColor } from './colormap.js';
import { renderHeatmap, renderHeatmapPng, symmetricScale } from './heatmap.js';

/** sRGB 8-bit -> OKLab, written independently of the map's forward conversion. */
function toOklab(rgb: ArrayLike<number>): [number, number, number] {
  const [r, g, b] = [rgb[0]!, rgb[1]!, rgb[2]!];
  const lin = (c: number) => {
    const x = c / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const l = Math.cbrt(0.4122214708 * R + 0.5363325363 * G + 0.0514459929 * B);
  const m = Math.cbrt(0.2119034982 * R + 0.6806995451 * G + 0.1073969566 * B);
  const s = Math.cbrt(0.0883024619 * R + 0.2817188376 * G + 0.6299787005 * B);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

function pixel(png: Uint8Array, x: number, y: number): number[] {
  const img = decode(png);
  const o = (y * img.width + x) * img.channels;
  return Array.from(img.data.slice(o, o + 3));
}

describe('diverging colour map', () => {
  it('is white at zero, blue at -1 and red-orange at +1', () => {
    expect(divergingColor(0)).toEqual([255, 255, 255]);
    const [nr, , nb] = divergingColor(-1);
    const [pr, , pb] = divergingColor(1);
    expect(nb - nr).toBeGreaterThan(80);
    expect(pr - pb).toBeGreaterThan(80);
    // clipping and NaN handling
    expect(divergingColor(-5)).toEqual(divergingColor(-1));
    expect(divergingColor(Number.NaN)).toEqual([255, 255, 255]);
  });

  it('has equal lightness at both ends and lightness monotone towards white', () => {
    const table = colormapTable();
    const L = (i: number) => toOklab([table[3 * i]!, table[3 * i + 1]!, table[3 * i + 2]!])[0];
    expect(Math.abs(L(0) - L(COLORMAP_SIZE - 1))).toBeLessThan(0.01);
    const mid = (COLORMAP_SIZE - 1) / 2;
    for (let i = 1; i <= mid; i++) expect(L(i)).toBeGreaterThan(L(i - 1) - 1e-3);
    for (let i = mid + 1; i < COLORMAP_SIZE; i++) expect(L(i)).toBeLessThan(L(i - 1) + 1e-3);
  });

  it('takes roughly equal perceptual steps (OKLab distance) along each half', () => {
    const table = colormapTable();
    const lab = Array.from({ length: COLORMAP_SIZE }, (_, i) => toOklab(table.subarray(3 * i, 3 * i + 3)));
    const steps: number[] = [];
    for (let i = 0; i + 8 < COLORMAP_SIZE; i += 8) steps.push(Math.hypot(...lab[i + 8]!.map((v, k) => v - lab[i]![k]!)));
    const max = Math.max(...steps);
    const min = Math.min(...steps);
    expect(max / min).toBeLessThan(1.3);
  });
});

describe('symmetricScale', () => {
  it('uses the percentile of |values| and clips outliers', () => {
    const values = Array.from({ length: 101 }, (_, i) => (i === 100 ? 1000 : -i / 100));
    // 99th percentile of |v| over 101 values: the 100th smallest (index 99) = 0.99
    expect(symmetricScale(values, 99)).toBeCloseTo(0.99, 6);
    expect(symmetricScale(values, 100)).toBe(1000);
  });
  it('falls back to the maximum, then to 1 for all zeros', () => {
    expect(symmetricScale([0, 0, 0, 5], 50)).toBe(5);
    expect(symmetricScale([0, 0, 0], 99)).toBe(1);
  });
});

describe('renderHeatmapPng', () => {
  it('decodes to the upscaled size with a legend strip below', () => {
    const png = renderHeatmapPng(zeros([16, 16]), { minSize: 128 });
    const img = decode(png);
    expect(img.width).toBe(128);
    const info = renderHeatmap(zeros([16, 16]), { minSize: 128 });
    expect(info.factor).toBe(8);
    expect(info.mapHeight).toBe(128);
    expect(img.height).toBe(info.height);
    expect(img.height).toBeGreaterThan(128);
    expect(renderHeatmap(zeros([16, 16]), { minSize: 128, legend: false }).height).toBe(128);
    expect(img.text['Scale']).toBe('1');
    expect(decode(renderHeatmapPng(tensor([0, 2, -4, 1], [2, 2]), { percentile: 100 })).text['Scale']).toBe('4');
  });

  it('colours positive pixels red-orange, negative blue and zero white', () => {
    const attr = tensor([1, -1, 0, 0.5], [2, 2]);
    const png = renderHeatmapPng(attr, { minSize: 8, percentile: 100 });
    const [pr, , pb] = pixel(png, 0, 0); // +1
    const [nr, , nb] = pixel(png, 5, 0); // -1
    expect(pr - pb).toBeGreaterThan(80);
    expect(nb - nr).toBeGreaterThan(80);
    expect(pixel(png, 1, 5)).toEqual([255, 255, 255]); // 0
    expect(pixel(png, 5, 5)).toEqual([...divergingColor(0.5)]); // 0.5 of scale 1
    expect(pixel(png, 0, 0)).toEqual([...divergingColor(1)]);
  });

  it('sums channels for NHWC and NCHW alike', () => {
    // two channels: channel 0 = [1, -2], channel 1 = [1, 1] -> sums [2, -1]
    const nhwc = tensor([1, 1, -2, 1], [1, 2, 2]);
    const nchw = tensor([1, -2, 1, 1], [2, 1, 2]);
    const a = renderHeatmap(nhwc, { layout: 'NHWC', minSize: 2, legend: false });
    const b = renderHeatmap(nchw, { layout: 'NCHW', minSize: 2, legend: false });
    expect(b.rgb).toEqual(a.rgb);
    expect(a.scale).toBeCloseTo(2 - 0.01 * 1, 6); // 99th percentile of [1, 2]
    const [r, , bl] = [a.rgb[3], a.rgb[4], a.rgb[5]];
    expect(bl! - r!).toBeGreaterThan(0); // second pixel (sum -1) is blue-ish
  });

  it('renders an all-zero attribution as white without NaN', () => {
    const img = renderHeatmap(zeros([4, 4, 3]), { minSize: 4, legend: false });
    expect(img.scale).toBe(1);
    expect(Array.from(img.rgb).every((v) => v === 255)).toBe(true);
  });

  it('overlays on the grayscale input: zero attribution shows the image, large values the colour', () => {
    const image = tensor([0, 1, 0.5, 1], [2, 2, 1]);
    const attr = tensor([0, 0, 0, 1], [2, 2, 1]);
    const png = renderHeatmapPng(attr, { image, minSize: 2, legend: false, maxAlpha: 1, percentile: 100 });
    expect(pixel(png, 0, 0)).toEqual([0, 0, 0]);
    expect(pixel(png, 1, 0)).toEqual([255, 255, 255]);
    expect(pixel(png, 0, 1)).toEqual([128, 128, 128]);
    expect(pixel(png, 1, 1)).toEqual([...divergingColor(1)]);
  });

  it('rejects a mismatched image, non-finite values and unsupported ranks', () => {
    expect(() => renderHeatmap(zeros([2, 2]), { image: zeros([3, 3]) })).toThrow(ShapeError);
    expect(() => renderHeatmap(tensor([Number.NaN, 0], [1, 2]))).toThrow(NumericError);
    expect(() => renderHeatmap(zeros([1, 2, 2, 2]))).toThrow(ShapeError);
  });

  it('draws 1-D attributions as a bar chart: positive up, negative down', () => {
    const img = renderHeatmap(tensor([1, -1, 0], [3]), { minSize: 30, percentile: 100 });
    expect(img.kind).toBe('bars');
    const png = decode(renderHeatmapPng(tensor([1, -1, 0], [3]), { minSize: 30, percentile: 100 }));
    expect(png.width).toBe(img.width);
    const mid = (img.height - 1) / 2;
    const at = (x: number, y: number) => Array.from(img.rgb.slice((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
    const cx = (i: number) => i * img.factor + Math.floor(img.factor / 2);
    expect(at(cx(0), mid - 5)).toEqual([...divergingColor(1)]);
    expect(at(cx(0), mid + 5)).toEqual([255, 255, 255]);
    expect(at(cx(1), mid + 5)).toEqual([...divergingColor(-1)]);
    expect(at(cx(1), mid - 5)).toEqual([255, 255, 255]);
    expect(at(cx(2), mid - 5)).toEqual([255, 255, 255]);
  });
});
