import { InvalidArgumentError, NumericError, ShapeError, tensor, zeros } from '@glasswing/core';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { divergingColor } from './colormap.js';
import { colorMapColor } from './colormaps.js';
import { imageAttrGrid, imageAttrGridPng, imageAttrGridSvg } from './grid.js';
import { cumulativeSumThreshold, normalizeImageAttribution, visualizeImageAttr, visualizeImageAttrPng } from './image.js';
import { getPixel } from './raster.js';
import { sequentialColor } from './sequential.js';

const raw = { minSize: 1, colorBar: false } as const;

function px(pic: ReturnType<typeof visualizeImageAttr>, x: number, y: number) {
  return getPixel(pic.raster, x, y);
}

describe('cumulativeSumThreshold (Captum outlier clipping)', () => {
  it('returns the first sorted value whose running sum reaches the percentile of the total', () => {
    // sorted 1,1,1,1,96: total 100; 98% needs 98 -> only reached at 96 (running 100)
    expect(cumulativeSumThreshold([96, 1, 1, 1, 1], 98)).toBe(96);
    // 4% of 100 = 4 -> reached at the fourth 1 (running 4)
    expect(cumulativeSumThreshold([96, 1, 1, 1, 1], 4)).toBe(1);
    // 1..10 (total 55): 90% = 49.5 -> running 45 at 9, 55 at 10
    expect(cumulativeSumThreshold([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(10);
    // 80% = 44 -> running 45 at 9
    expect(cumulativeSumThreshold([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 80)).toBe(9);
    expect(cumulativeSumThreshold([0, 0, 0], 98)).toBe(0);
  });

  it('clips outliers: one huge value does not wash out the rest', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i === 0 ? 1000 : 1));
    const n = normalizeImageAttribution(tensor(values, [10, 10]), { sign: 'absolute_value', outlierPerc: 98 });
    expect(n.threshold).toBe(1); // 2% of 1099 = 22 -> reached at a 1
    expect(n.values[0]).toBe(1); // clipped
    expect(n.values[1]).toBe(1);
    const noClip = normalizeImageAttribution(tensor(values, [10, 10]), { sign: 'absolute_value', outlierPerc: 0 });
    expect(noClip.threshold).toBe(1000);
    expect(noClip.values[1]).toBeCloseTo(0.001, 9);
  });
});

describe('sign handling', () => {
  const attr = tensor([2, -2, 1, -1], [2, 2]);
  it("'all' keeps both signs: positive warm, negative cool, zero white", () => {
    const pic = visualizeImageAttr(tensor([2, -2, 0, 1], [2, 2]), { ...raw, sign: 'all', outlierPerc: 0 });
    const [pr, , pb] = px(pic, 0, 0);
    const [nr, , nb] = px(pic, 1, 0);
    expect(pr - pb).toBeGreaterThan(80);
    expect(nb - nr).toBeGreaterThan(80);
    expect(px(pic, 0, 1)).toEqual([255, 255, 255, 255]);
    expect(px(pic, 1, 1).slice(0, 3)).toEqual([...divergingColor(0.5)]);
    expect(pic.colormap).toBe('diverging');
  });
  it("'positive' zeroes negatives and uses the warm sequential map", () => {
    const n = normalizeImageAttribution(attr, { sign: 'positive', outlierPerc: 0 });
    expect(Array.from(n.values)).toEqual([1, 0, 0.5, 0]);
    const pic = visualizeImageAttr(attr, { ...raw, sign: 'positive', outlierPerc: 0 });
    expect(pic.colormap).toBe('positive');
    expect(px(pic, 1, 0)).toEqual([255, 255, 255, 255]);
    const [r, , b] = px(pic, 0, 0);
    expect(r - b).toBeGreaterThan(80);
  });
  it("'negative' keeps only negatives, by magnitude, in cool colours", () => {
    const n = normalizeImageAttribution(attr, { sign: 'negative', outlierPerc: 0 });
    expect(Array.from(n.values)).toEqual([0, 1, 0, 0.5]);
    expect(n.threshold).toBe(2);
    const pic = visualizeImageAttr(attr, { ...raw, sign: 'negative', outlierPerc: 0 });
    const [r, , b] = px(pic, 1, 0);
    expect(b - r).toBeGreaterThan(80);
    expect(px(pic, 0, 0)).toEqual([255, 255, 255, 255]);
  });
  it("'absolute_value' uses |S| on the sequential map", () => {
    const n = normalizeImageAttribution(attr, { sign: 'absolute_value', outlierPerc: 0 });
    expect(Array.from(n.values)).toEqual([1, 1, 0.5, 0.5]);
    const pic = visualizeImageAttr(attr, { ...raw, sign: 'absolute_value', outlierPerc: 0 });
    expect(px(pic, 0, 0).slice(0, 3)).toEqual([...sequentialColor(1)]);
    expect(px(pic, 0, 1).slice(0, 3)).toEqual([...sequentialColor(0.5)]);
  });
  it('sums channels in NHWC and NCHW alike', () => {
    const nhwc = tensor([1, 1, -2, 1], [1, 2, 2]); // sums [2, -1]
    const nchw = tensor([1, -2, 1, 1], [2, 1, 2]);
    const a = normalizeImageAttribution(nhwc, { sign: 'all', outlierPerc: 0, layout: 'NHWC' });
    const b = normalizeImageAttribution(nchw, { sign: 'all', outlierPerc: 0, layout: 'NCHW' });
    expect(Array.from(a.values)).toEqual([1, -0.5]);
    expect(Array.from(b.values)).toEqual([1, -0.5]);
    // batch of one accepted
    const c = normalizeImageAttribution(tensor([1, -2, 1, 1], [1, 2, 1, 2]), { sign: 'all', outlierPerc: 0, layout: 'NCHW' });
    expect(Array.from(c.values)).toEqual([1, -0.5]);
  });
});

describe('image methods', () => {
  // 1x2 RGB image in [0, 1], NHWC; attribution 1 channel.
  const image = tensor([1, 0.5, 0, 0.2, 0.4, 0.6], [1, 2, 3]);
  const attr = tensor([2, 1], [1, 2, 1]);
  const opts = { ...raw, image, sign: 'absolute_value' as const, outlierPerc: 0 };

  it('masked_image multiplies the image by the normalised attribution', () => {
    const pic = visualizeImageAttr(attr, { ...opts, method: 'masked_image' });
    expect(px(pic, 0, 0)).toEqual([255, 128, 0, 255]); // x 1
    expect(px(pic, 1, 0)).toEqual([26, 51, 77, 255]); // x 0.5: 0.1, 0.2, 0.3
  });
  it('alpha_scaling keeps the image and sets alpha to the normalised attribution', () => {
    const pic = visualizeImageAttr(attr, { ...opts, method: 'alpha_scaling' });
    expect(px(pic, 0, 0)).toEqual([255, 128, 0, 255]);
    expect(px(pic, 1, 0)).toEqual([51, 102, 153, 128]);
    const png = decode(visualizeImageAttrPng(attr, { ...opts, method: 'alpha_scaling' }));
    expect(png.channels).toBe(4);
    expect(Array.from(png.data.slice(4, 8))).toEqual([51, 102, 153, 128]);
  });
  it('blended_heat_map mixes the gray image and the heat map at alphaOverlay', () => {
    const pic = visualizeImageAttr(attr, { ...opts, method: 'blended_heat_map', alphaOverlay: 0.5 });
    const gray = 255 * 0.5; // mean of (1, 0.5, 0)
    const c = sequentialColor(1);
    expect(px(pic, 0, 0).slice(0, 3)).toEqual(c.map((v) => Math.round(0.5 * gray + 0.5 * v)));
  });
  it('original_image draws the image, reading 0..255 inputs too', () => {
    const img255 = tensor([255, 0, 0, 0, 0, 255], [1, 2, 3]);
    const pic = visualizeImageAttr(attr, { ...raw, image: img255, method: 'original_image' });
    expect(px(pic, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(px(pic, 1, 0)).toEqual([0, 0, 255, 255]);
    expect(pic.legend).toBeUndefined();
  });
  it('needs the image for every method but heat_map', () => {
    expect(() => visualizeImageAttr(attr, { method: 'masked_image' })).toThrow(InvalidArgumentError);
    expect(() => visualizeImageAttr(attr, { image: zeros([3, 3, 3]), method: 'masked_image' })).toThrow(ShapeError);
  });
});

describe('PNG output and legends', () => {
  it('upscales to minSize and adds a colour bar with tick labels', () => {
    const attr = tensor(Array.from({ length: 64 }, (_, i) => i - 32), [8, 8]);
    const pic = visualizeImageAttr(attr, { sign: 'all', minSize: 128 });
    expect(pic.factor).toBe(16);
    expect(pic.mapWidth).toBe(128);
    const img = decode(visualizeImageAttrPng(attr, { sign: 'all', minSize: 128 }));
    expect(img.width).toBe(pic.raster.width);
    expect(img.height).toBe(pic.raster.height);
    expect(img.height).toBeGreaterThan(128 + 20);
    expect(img.text['Sign']).toBe('all');
    // the bar: left end blue, right end red-orange
    const barY = pic.mapTop + pic.mapHeight + 8;
    const [lr, , lb] = getPixel(pic.raster, 3, barY);
    const [rr, , rb] = getPixel(pic.raster, pic.raster.width - 4, barY);
    expect(lb - lr).toBeGreaterThan(60);
    expect(rr - rb).toBeGreaterThan(60);
    // tick labels are dark glyph pixels below the bar
    let ink = 0;
    for (let y = barY + 8; y < pic.raster.height; y++) {
      for (let x = 0; x < pic.raster.width; x++) if (getPixel(pic.raster, x, y)[0] < 100) ink++;
    }
    expect(ink).toBeGreaterThan(20);
  });
  it('renders all-zero attributions without NaN in every method and sign', () => {
    const image = tensor(Array.from({ length: 12 }, (_, i) => i / 12), [2, 2, 3]);
    for (const method of ['heat_map', 'blended_heat_map', 'masked_image', 'alpha_scaling', 'original_image'] as const) {
      for (const sign of ['all', 'positive', 'negative', 'absolute_value'] as const) {
        const pic = visualizeImageAttr(zeros([2, 2, 3]), { method, sign, image, minSize: 4 });
        expect(pic.threshold).toBe(0);
        expect(pic.raster.data.every((v) => Number.isInteger(v))).toBe(true);
      }
    }
    const pic = visualizeImageAttr(zeros([2, 2]), { ...raw, sign: 'all' });
    expect(px(pic, 0, 0)).toEqual([255, 255, 255, 255]);
  });
  it('rejects non-finite values, bad signs and ranks', () => {
    expect(() => visualizeImageAttr(tensor([Number.NaN, 0], [1, 2]))).toThrow(NumericError);
    expect(() => visualizeImageAttr(zeros([2, 2]), { sign: 'both' as never })).toThrow(InvalidArgumentError);
    expect(() => visualizeImageAttr(zeros([2]))).toThrow(ShapeError);
    expect(() => visualizeImageAttr(zeros([2, 2]), { outlierPerc: 100 })).toThrow(InvalidArgumentError);
  });
  it('uses a chosen colour map', () => {
    const pic = visualizeImageAttr(tensor([1, 0], [1, 2]), { ...raw, sign: 'positive', colormap: 'sequential', outlierPerc: 0 });
    expect(px(pic, 0, 0).slice(0, 3)).toEqual([...colorMapColor('sequential', 1)]);
  });
});

describe('method grid', () => {
  const image = tensor(Array.from({ length: 48 }, (_, i) => (i % 7) / 7), [4, 4, 3]);
  const a = tensor(Array.from({ length: 48 }, (_, i) => Math.sin(i)), [4, 4, 3]);
  const b = tensor(Array.from({ length: 48 }, (_, i) => Math.cos(i)), [4, 4, 3]);
  const panels = [
    { title: 'input' },
    { title: 'Saliency', attribution: a, sign: 'absolute_value' as const },
    { title: 'IG', attribution: b, method: 'blended_heat_map' as const },
  ];
  it('lays panels side by side in one PNG', () => {
    const r = imageAttrGrid(panels, { image, minSize: 64 });
    const png = decode(imageAttrGridPng(panels, { image, minSize: 64 }));
    expect(png.width).toBe(r.width);
    expect(r.width).toBeGreaterThanOrEqual(3 * 64 + 4 * 8);
    const two = imageAttrGrid(panels, { image, minSize: 64, columns: 2 });
    expect(two.height).toBeGreaterThan(r.height);
  });
  it('emits SVG with escaped titles, one panel and colour bar per method', () => {
    const svg = imageAttrGridSvg([...panels, { title: '<script>alert(1)</script>', attribution: a }], { image, minSize: 32 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg.match(/class="panel"/g)).toHaveLength(4);
    expect(svg.match(/class="colorbar"/g)).toHaveLength(3);
    expect(svg.match(/data:image\/png;base64,/g)).toHaveLength(4);
    expect(svg).not.toContain('NaN');
  });
});
