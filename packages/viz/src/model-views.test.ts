import { InvalidArgumentError, ShapeError, tensor, zeros } from '@glasswing/core';
import type { Graph } from '@glasswing/core';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { activationStats, activationStatsSvg } from './activations.js';
import { divergingColor } from './colormap.js';
import { featureMapGrid, featureMapGridPng } from './featuremaps.js';
import { branchGraph } from './test/graphs.js';
import { getPixel } from './raster.js';
import { sequentialColor } from './sequential.js';
import { histogram, histogramSvg, layerWeights, weightHistogramsSvg, weightMatrix, weightMatrixPng } from './weights.js';

describe('histograms', () => {
  it('counts values into equal bins, the maximum in the last bin', () => {
    const h = histogram([0, 0.1, 0.5, 0.9, 1, 1], 2);
    expect(h.edges).toEqual([0, 0.5, 1]);
    expect(h.counts).toEqual([2, 4]);
    expect(h.n).toBe(6);
    expect(h.mean).toBeCloseTo(3.5 / 6, 12);
    const r = histogram([-5, 0, 0.25, 5], 4, [0, 1]);
    expect(r.counts).toEqual([1, 1, 0, 0]); // outside the range is left out
    expect(histogram([2, 2, 2], 3).counts).toEqual([0, 3, 0]); // constant: centred range
    expect(() => histogram([1], 0)).toThrow(InvalidArgumentError);
  });
  it('draws one rect per bin with its count, axis labels and stats', () => {
    const svg = histogramSvg([0, 1, 1, 2, 2, 2], { bins: 3, title: '<w>' });
    expect([...svg.matchAll(/class="bin" data-count="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([1, 2, 3]);
    expect(svg).toContain('count');
    expect(svg).toContain('n=6');
    expect(svg).not.toContain('<w>');
  });
  it('small multiples: one histogram per weight tensor of the graph', () => {
    const ws = layerWeights(branchGraph());
    expect(ws.map((w) => `${w.layer}/${w.tensor}`)).toEqual(['d1/W1', 'd1/b1', 'd2/W2', 'out<&>/W3', 'out<&>/b3']);
    const svg = weightHistogramsSvg(branchGraph(), { bins: 4 });
    expect(svg.match(/class="histogram"/g)).toHaveLength(5);
    expect(svg.match(/class="bin"/g)).toHaveLength(20);
    expect(svg).not.toContain('NaN');
  });
});

describe('weight matrix heatmaps', () => {
  it('draws a matrix cell by cell with a symmetric diverging scale and a colour bar', () => {
    const m = weightMatrix(tensor([1, -1, 0, 0.5], [2, 2]), { minSize: 2, colorBar: false });
    expect([m.width, m.height]).toEqual([2, 2]);
    expect(getPixel(m, 0, 0).slice(0, 3)).toEqual([...divergingColor(1)]);
    expect(getPixel(m, 1, 0).slice(0, 3)).toEqual([...divergingColor(-1)]);
    expect(getPixel(m, 0, 1).slice(0, 3)).toEqual([255, 255, 255]);
    const png = decode(weightMatrixPng(tensor([1, -1, 0, 0.5], [2, 2]), { minSize: 100 }));
    expect(png.width).toBe(100);
    expect(png.height).toBeGreaterThan(100);
    expect(png.text['Scale']).toBe('1');
  });
  it('lays conv kernels out as an O x I grid of kh x kw tiles in both layouts', () => {
    // O=2, I=1, kh=1, kw=2; kernel o has values [o+1, -(o+1)]
    const oihw = tensor([1, -1, 2, -2], [2, 1, 1, 2]);
    const hwio = tensor([1, 2, -1, -2], [1, 2, 1, 2]);
    const a = weightMatrix(oihw, { layout: 'OIHW', minSize: 1, colorBar: false });
    const b = weightMatrix(hwio, { layout: 'HWIO', minSize: 1, colorBar: false });
    expect([a.width, a.height]).toEqual([1 * 3 + 1, 2 * 2 + 1]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(getPixel(a, 1, 3).slice(0, 3)).toEqual([...divergingColor(1)]); // o=1, x=0: 2/2
    expect(getPixel(a, 2, 1).slice(0, 3)).toEqual([...divergingColor(-0.5)]); // o=0, x=1: -1/2
    expect(() => weightMatrix(zeros([2, 2, 2]))).toThrow(ShapeError);
    expect(weightMatrix(zeros([3, 3])).data.every((v) => Number.isInteger(v))).toBe(true);
  });
});

describe('activation statistics', () => {
  const graph: Graph = {
    ...branchGraph(),
    nodes: [...branchGraph().nodes, { name: 'sig', op: 'Sigmoid', inputs: ['logits'], outputs: ['s'], attrs: {} }],
  };
  it('dead ReLU fraction counts units that are <= 0 on every example', () => {
    // 3 examples x 4 units: unit 0 alive in ex 2, unit 1 always 0, unit 2 negative/zero, unit 3 alive
    const r1 = tensor([0, 0, -1, 2, 0, 0, 0, 1, 3, 0, -2, 0], [3, 4]);
    const [st] = activationStats(graph, { r1 });
    expect(st!.deadUnits).toBe(2);
    expect(st!.deadFraction).toBe(0.5);
    expect(st!.zeroFraction).toBe(7 / 12);
    expect(st!.mean).toBeCloseTo(3 / 12, 6);
    expect(st!.min).toBe(-2);
    expect(st!.max).toBe(3);
    expect(st!.saturatedFraction).toBeUndefined();
  });
  it('saturation share for sigmoid and tanh, mean/std for others, in graph order', () => {
    const sig = tensor([0.001, 0.5, 0.995, 0.2], [2, 2]);
    const d1 = tensor([1, 3], [2, 1]);
    const stats = activationStats(graph, { sig, d1 });
    expect(stats.map((s) => s.layer)).toEqual(['d1', 'sig']);
    expect(stats[0]!.std).toBeCloseTo(1, 12);
    expect(stats[0]!.deadFraction).toBeUndefined();
    expect(stats[1]!.saturatedFraction).toBe(0.5);
    const tanhGraph: Graph = { ...graph, nodes: [{ name: 't', op: 'Tanh', inputs: ['x'], outputs: ['y'], attrs: {} }] };
    expect(activationStats(tanhGraph, { t: tensor([-0.999, 0.5, 0.9, 0.995], [4, 1]) })[0]!.saturatedFraction).toBe(0.5);
    expect(() => activationStats(graph, { nope: d1 })).toThrow(InvalidArgumentError);
  });
  it('renders a table with a row per layer, escaped names and a legend', () => {
    const stats = activationStats(graph, { r1: zeros([2, 3]), 'out<&>': zeros([2, 2]) });
    expect(stats[0]!.deadFraction).toBe(1);
    const svg = activationStatsSvg(stats);
    expect(svg.match(/class="stats-row"/g)).toHaveLength(2);
    expect(svg).toContain('data-layer="out&lt;&amp;&gt;"');
    expect(svg).toContain('100%');
    expect(svg).toContain('class="legend"');
    expect(svg).not.toContain('NaN');
  });
});

describe('feature-map grids', () => {
  // 1 example, 2 channels, 1x2 maps: ch0 = [0, 1], ch1 = [2, 3]
  const nchw = tensor([0, 1, 2, 3], [1, 2, 1, 2]);
  const nhwc = tensor([0, 2, 1, 3], [1, 1, 2, 2]);
  it('draws the same grid from NCHW and NHWC activations', () => {
    const a = featureMapGrid(nchw, { layout: 'NCHW', minTile: 2 });
    const b = featureMapGrid(nhwc, { layout: 'NHWC', minTile: 2 });
    expect(a.width).toBe(b.width);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });
  it('uses one shared scale: lowest value darkest, highest brightest', () => {
    const g = featureMapGrid(nchw, { minTile: 2, columns: 2 });
    // tile 0 at x = 4, y = 4 + 11 (label row: 9 px of text and 2 px gap); k = 1
    expect(getPixel(g, 4, 15).slice(0, 3)).toEqual([...sequentialColor(0)]);
    expect(getPixel(g, 4 + 2 + 4 + 1, 15).slice(0, 3)).toEqual([...sequentialColor(1)]);
    const per = featureMapGrid(nchw, { minTile: 2, columns: 2, normalize: 'per-map' });
    expect(getPixel(per, 4 + 2 + 4, 15).slice(0, 3)).toEqual([...sequentialColor(0)]);
  });
  it('encodes a PNG of the reported size, no NaN for constant maps, typed errors', () => {
    const r = featureMapGrid(zeros([1, 8, 4, 4]), { minTile: 16 });
    const png = decode(featureMapGridPng(zeros([1, 8, 4, 4]), { minTile: 16 }));
    expect([png.width, png.height]).toEqual([r.width, r.height]);
    expect(() => featureMapGrid(zeros([2, 2]))).toThrow(ShapeError);
    expect(() => featureMapGrid(zeros([1, 2, 2, 2]), { example: 1 })).toThrow(InvalidArgumentError);
  });
});
