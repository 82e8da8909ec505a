/**
 * The report's pictures keep their text inside: the per-method heat maps and masked images at
 * the report's size for the image shapes a report meets, and the per-example grids with every
 * method id as a panel title. Label boxes come from the same layout the pictures are drawn
 * from (viz's LabelBox); the PNG check also counts the glyph pixels each label really drew.
 */
import { METHODS } from '@glasswing/core';
import type { Layout, Tensor } from '@glasswing/core';
import { bitmapTextWidth, createRaster, drawBitmapText, imageAttrGridSvgLayout, labelProblems } from '@glasswing/viz';
import type { ImageAttrPicture, LabelBox } from '@glasswing/viz';
import { describe, expect, it } from 'vitest';
import { METHOD_PICTURE_MIN_SIZE, exampleGrid, methodPictures } from '../report/image-views.js';

function t(shape: number[], f: (i: number) => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float32Array.from({ length: n }, (_, i) => f(i)) };
}

/** Ink pixels of a label drawn alone, and inside its rectangle in the picture (colour `ink`). */
function inkCounts(pic: ImageAttrPicture, l: LabelBox, ink: readonly number[]): [number, number] {
  const solo = createRaster(bitmapTextWidth(l.text, l.font.size, l.font.bold) + 4, l.height + 4);
  drawBitmapText(solo, l.text, 2, 2, [0, 0, 0], l.font.size, l.font.bold);
  let alone = 0;
  for (let i = 0; i < solo.data.length; i += 4) if (solo.data[i] === 0) alone++;
  const r = pic.raster;
  let drawn = 0;
  for (let y = Math.max(0, l.y); y < Math.min(r.height, l.y + l.height); y++) {
    for (let x = Math.max(0, l.x); x < Math.min(r.width, l.x + l.width); x++) {
      const o = (y * r.width + x) * 4;
      if (r.data[o] === ink[0] && r.data[o + 1] === ink[1] && r.data[o + 2] === ink[2]) drawn++;
    }
  }
  return [drawn, alone];
}

const SHAPES: readonly [string, number[], Layout][] = [
  ['demo 20x20x1', [20, 20, 1], 'NHWC'],
  ['MNIST 28x28x1', [28, 28, 1], 'NHWC'],
  ['CIFAR 32x32x3', [32, 32, 3], 'NHWC'],
  ['CIFAR NCHW 3x32x32', [3, 32, 32], 'NCHW'],
  ['ImageNet 224x224x3', [224, 224, 3], 'NHWC'],
  ['tiny 4x4x1', [4, 4, 1], 'NHWC'],
  ['strip 6x60x1', [6, 60, 1], 'NHWC'],
  ['large 300x300x1', [300, 300, 1], 'NHWC'],
];

describe('report per-method pictures', () => {
  for (const [what, shape, layout] of SHAPES) {
    it(`${what}: heat map and masked image, signed and non-negative, every label whole and inside`, () => {
      const image = t(shape, (i) => ((i * 7) % 13) / 13);
      for (const attribution of [t(shape, (i) => Math.sin(i * 0.31) * 3), t(shape, (i) => Math.abs(Math.cos(i * 0.17)) * 0.07)]) {
        const { heat, masked } = methodPictures(attribution, image, layout);
        for (const pic of [heat, masked]) {
          expect(Math.max(pic.mapWidth, pic.mapHeight)).toBeGreaterThanOrEqual(Math.min(METHOD_PICTURE_MIN_SIZE, 300));
          const bounds = { x: 0, y: 0, width: pic.raster.width, height: pic.raster.height };
          expect(labelProblems(pic.labels, bounds), `${pic.method}`).toEqual([]);
          expect(pic.labels.filter((l) => l.truncated).map((l) => l.text)).toEqual([]);
          const caption = pic.labels.filter((l) => l.role === 'caption').map((l) => l.text).join(' ');
          expect(caption).toBe(pic.legend!.label);
          for (const l of pic.labels) {
            const [drawn, alone] = inkCounts(pic, l, [40, 40, 40]);
            expect(drawn, `'${l.text}' in ${pic.method}`).toBe(alone);
          }
        }
      }
    });
  }
});

describe('report per-example grids', () => {
  it('every method id as a panel title fits its cell (wrapped, never cut), with the legend', () => {
    const ids = Object.keys(METHODS);
    expect(ids.length).toBeGreaterThan(20);
    for (const [what, shape, layout] of SHAPES.slice(0, 4)) {
      const image = t(shape, (i) => ((i * 7) % 13) / 13);
      const methods = ids.map((id, k) => ({ id, attribution: t(shape, (i) => (k % 2 ? Math.sin(i + k) : Math.abs(Math.sin(i + k)))) }));
      // the report puts all methods of an example in one row; check a few row lengths
      for (const count of [1, 7]) {
        const { panels, options } = exampleGrid(image, methods.slice(0, count), layout, 'example 0 · target 1 (predicted 1)');
        const g = imageAttrGridSvgLayout(panels, options);
        expect(labelProblems(g.labels, { x: 0, y: 0, width: g.width, height: g.height }), `${what}, ${count} methods`).toEqual([]);
        expect(g.labels.filter((l) => l.truncated).map((l) => l.text), `${what}, ${count} methods`).toEqual([]);
      }
    }
  });
});
