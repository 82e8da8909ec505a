import { describe, expect, it } from 'vitest';
import { getPixel } from './raster.js';
import { tileGrid, tileGridSvg } from './feature-viz.js';

describe('tile grids (feature visualization, exemplars)', () => {
  // two 4×4 grey images, NHWC, values 0…15 / 15 (first) and constant 0.5 (second)
  const data = new Float32Array(32);
  for (let i = 0; i < 16; i++) [data[i], data[16 + i]] = [i / 15, 0.5];
  const tiles = { shape: [2, 4, 4, 1], data };

  it('draws each pixel at its grey level, upscaled, below its title; boxes in orange', () => {
    const r = tileGrid(tiles, { layout: 'NHWC', titles: ['a', 'b'], columns: 2, minTile: 64, boxes: [undefined, { top: 1, left: 1, bottom: 2, right: 2 }] });
    // tile side 64 (k = 16); find tile 0's top-left by its first pixel value 0 (black) under the title
    let y0 = -1;
    for (let y = 0; y < r.height && y0 < 0; y++) if (getPixel(r, 8, y)[0] === 0) y0 = y;
    expect(y0).toBeGreaterThan(0);
    for (let yy = 0; yy < 4; yy++) for (let xx = 0; xx < 4; xx++) {
      const v = Math.round((255 * (yy * 4 + xx)) / 15);
      expect(getPixel(r, 8 + xx * 16 + 8, y0 + yy * 16 + 8).slice(0, 3)).toEqual([v, v, v]);
    }
    // tile 1 starts at x = 8 + 64 + 8; its box covers pixels 16…47 with an outline 4 px wide
    const x1 = 8 + 64 + 8;
    expect(getPixel(r, x1 + 16, y0 + 16).slice(0, 3)).toEqual([255, 120, 0]);
    expect(getPixel(r, x1 + 30, y0 + 30).slice(0, 3)).toEqual([128, 128, 128]);
    expect(getPixel(r, x1 + 47, y0 + 40).slice(0, 3)).toEqual([255, 120, 0]);
  });

  it('SVG: titles as text, a rect per box, typed errors on mismatched lists', () => {
    const svg = tileGridSvg(tiles, { layout: 'NHWC', titles: ['conv2 ch 0', 'conv2 ch 1'], boxes: [{ top: 0, left: 0, bottom: 1, right: 1 }, undefined], title: 'grid' });
    expect(svg).toMatch(/>conv2 ch 1</);
    expect(svg.match(/<rect [^>]*stroke=/g)).toHaveLength(1);
    expect(svg.match(/<image /g)).toHaveLength(2);
    expect(() => tileGrid(tiles, { layout: 'NHWC', titles: ['x'] })).toThrow(/1 titles for 2 tiles/);
  });
});
