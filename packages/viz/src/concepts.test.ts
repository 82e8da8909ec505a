/**
 * The internals pictures: TCAV chart marks (significance star / n.s., bars at their values),
 * cluster map markers (cluster colours and label shapes at the mapped points), exemplar grid
 * tiles (the example's pixels), SVG and PNG from one layout; bad input is a typed error.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '@glasswing/core';
import { clusterMapPng, clusterMapSvg, clusterExemplarGridPng, clusterExemplarGridSvg, tcavChartPng, tcavChartSvg } from './concepts.js';
import { categorical, sceneRaster } from './scene.js';
import { pngSizeOf } from './test/png-size.js';

const tcav = {
  cells: [
    { concept: 'stripes', layer: 'conv', mean: 0.95, std: 0.05, scores: [1, 0.9, 0.95], pValue: 0.0001, significant: true },
    { concept: 'dots', layer: 'conv', mean: 0.5, std: 0.2, scores: [0.3, 0.7, 0.5], pValue: 0.6, significant: false },
  ],
  random: [{ layer: 'conv', mean: 0.45, std: 0.25, scores: [0.2, 0.7, 0.45] }],
  title: 'TCAV',
};

describe('TCAV chart', () => {
  it('marks significance and draws bars in SVG and PNG', () => {
    const svg = tcavChartSvg(tcav);
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('>*</text>');
    expect(svg).toContain('>n.s.</text>');
    expect(svg).toContain('>stripes</text>');
    expect(svg).toContain('p=1e-4');
    const png = tcavChartPng(tcav);
    const { width, height } = pngSizeOf(png);
    expect(width).toBeGreaterThan(400);
    expect(height).toBeGreaterThan(200);
    expect(() => tcavChartSvg({ cells: [], random: [] })).toThrow(InvalidArgumentError);
  });
});

describe('cluster map', () => {
  const points = [0, 0, 1, 1, 5, 5, 6, 5];
  it('colours by cluster and shapes by label', () => {
    const input = { points, assignments: [0, 0, 1, 1], labels: [0, 1, 0, 1], labelNames: ['bar', 'plus'] };
    const svg = clusterMapSvg(input);
    expect(svg.match(/<path /g)!.length).toBeGreaterThanOrEqual(4 + 2 + 2);
    expect(svg).toContain('>plus</text>');
    const png = clusterMapPng(input);
    expect(pngSizeOf(png).width).toBeGreaterThan(300);
    expect(() => clusterMapSvg({ points: [0, 0], assignments: [0, 1] })).toThrow(ShapeError);
  });
});

describe('exemplar grid', () => {
  it('draws each exemplar image as a tile', () => {
    const images = { shape: [3, 2, 2], data: Float32Array.from([0, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0]) };
    const svg = clusterExemplarGridSvg({ images, exemplars: [[0, 1], [2]], tile: 20 });
    expect(svg.match(/<image /g)!.length).toBe(3);
    expect(pngSizeOf(clusterExemplarGridPng({ images, exemplars: [[0, 1], [2]], tile: 20 })).height).toBeGreaterThan(60);
    expect(() => clusterExemplarGridSvg({ images, exemplars: [[7]] })).toThrow(InvalidArgumentError);
    expect(categorical(11)).toEqual(categorical(1));
  });

  it('a scene raster puts a tile pixel where the layout says', () => {
    const r = sceneRaster({ width: 10, height: 10, title: 't', items: [{ kind: 'rect', x: 2, y: 2, w: 3, h: 3, fill: [10, 20, 30] }] }, 2);
    const o = (5 * r.width + 5) * 4;
    expect(Array.from(r.data.subarray(o, o + 3))).toEqual([10, 20, 30]);
  });
});
