/** Metric × method heat table and mean metric curves (issue 14). */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EvaluateResult } from '@glasswing/core';
import { formatRank, headLines, meanCurve, metricCurvesPng, metricCurvesSvg, metricHeatTablePng, metricHeatTableSvg, rankColor } from './metric-table.js';

const curve = (label: string, ys: number[][]) => ({ label, xLabel: 'fraction of features removed', x: [0, 0.25, 0.5, 0.75, 1], y: ys });
/** 3 methods × 2 metrics; 'flat' has an n/a cell; deletion curves for two methods. */
const result: EvaluateResult = {
  examples: 2,
  targets: [0, 1],
  seed: 3,
  metrics: [
    { id: 'pixel-flipping', title: 'Pixel flipping', family: 'faithfulness', higherIsBetter: false, options: {} },
    { id: 'sparseness', title: 'Sparseness', family: 'complexity', higherIsBetter: true, options: {} },
  ],
  methods: [
    { method: 'saliency', title: 'Saliency', control: false, meanRank: 1, overallRank: 1 },
    { method: 'flat', title: 'Flat', control: false, meanRank: 2.5, overallRank: 2.5 },
    { method: 'control:random', title: 'Random', control: true, meanRank: 2.5, overallRank: 2.5 },
  ],
  cells: [
    { method: 'saliency', metric: 'pixel-flipping', status: 'ok', mean: 0.2, scores: [0.1, 0.3], rank: 1, curves: [curve('deletion', [[1, 0.5, 0.2, 0.1, 0], [1, 0.7, 0.4, 0.2, 0]])] },
    { method: 'saliency', metric: 'sparseness', status: 'ok', mean: 0.8, scores: [0.8, 0.8], rank: 1 },
    { method: 'flat', metric: 'pixel-flipping', status: 'n/a', reason: 'CapabilityError: no' },
    { method: 'flat', metric: 'sparseness', status: 'ok', mean: 0.1, scores: [0.1, 0.1], rank: 2.5 },
    { method: 'control:random', metric: 'pixel-flipping', status: 'ok', mean: 0.5, scores: [0.5, 0.5], rank: 2, curves: [curve('deletion', [[1, 0.9, 0.8, 0.6, 0], [1, 0.9, 0.8, 0.6, 0]])] },
    { method: 'control:random', metric: 'sparseness', status: 'ok', mean: 0.1, scores: [0.1, 0.1], rank: 2.5 },
  ],
};

const pngSize = (png: Uint8Array): [number, number] => {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
};

describe('metric heat table', () => {
  it('prints every cell as mean (rank), n/a in grey, rank colours green → red', () => {
    const svg = metricHeatTableSvg(result, { title: 'Quality' });
    for (const t of ['Quality', 'pixel-', 'flipping ↓', 'sparseness ↑', '0.2 (1)', '0.5 (2)', '0.8 (1)', '0.1 (2.5)', 'n/a', 'control:random', 'seed 3']) expect(svg).toContain(t);
    expect(rankColor(1, 3)).toEqual([120, 198, 121]);
    expect(rankColor(2, 3)).toEqual([254, 224, 139]);
    expect(rankColor(3, 3)).toEqual([244, 140, 112]);
    expect(svg).toContain('fill="rgb(232,232,232)"');
    // rows sorted by overall rank: saliency first.
    expect(svg.indexOf('>saliency<')).toBeLessThan(svg.indexOf('>flat<'));
    expect(formatRank(13.5)).toBe('13.5');
    expect(headLines('sparseness ↑')).toEqual(['sparseness ↑']);
    expect(headLines('model-parameter-randomisation ↓')).toEqual(['model-parameter-', 'randomisation ↓']);
    expect(formatRank(2)).toBe('2');
  });
  it('PNG at scale 2 of the SVG', () => {
    const svg = metricHeatTableSvg(result);
    const w = Number(/width="([\d.]+)"/.exec(svg)![1]);
    const png = metricHeatTablePng(result);
    expect(pngSize(png)[0]).toBe(Math.ceil(w * 2));
    if (process.env['GLASSWING_WRITE_PICTURES']) writeFileSync(`${process.env['GLASSWING_WRITE_PICTURES']}/heat.png`, png);
  });
});

describe('metric curves', () => {
  it('draws the mean curve per method, controls dashed, one panel per metric curve', () => {
    expect(meanCurve([[1, 0.5, 0.2, 0.1, 0], [1, 0.7, 0.4, 0.2, 0]])).toEqual([1, 0.6, 0.30000000000000004, 0.15000000000000002, 0]);
    const svg = metricCurvesSvg(result);
    expect(svg).toContain('pixel-flipping: deletion');
    expect(svg).toContain('fraction of features removed');
    // 4 segments per method with curves (saliency solid, random dashed) + 1 legend line each; 'flat' has no curve, no legend entry.
    expect(svg).not.toContain('>flat<');
    expect((svg.match(/<line [^>]*stroke="rgb\(78,121,167\)"/g) ?? []).length).toBe(5);
    expect((svg.match(/<line [^>]*stroke="rgb\(89,161,79\)"[^>]*stroke-dasharray/g) ?? []).length).toBe(5);
    const png = metricCurvesPng(result);
    expect(pngSize(png)[0]).toBeGreaterThan(600);
    if (process.env['GLASSWING_WRITE_PICTURES']) writeFileSync(`${process.env['GLASSWING_WRITE_PICTURES']}/curves.png`, png);
  });
  it('rows past the 10 colours get markers (the colours repeat)', () => {
    const many = 12;
    const methods = Array.from({ length: many }, (_, i) => ({ method: `m${i}`, title: `m${i}`, control: false, meanRank: i + 1, overallRank: i + 1 }));
    const cells = methods.map((m, i) => ({ method: m.method, metric: 'pixel-flipping', status: 'ok' as const, mean: i, scores: [i], rank: i + 1, curves: [curve('deletion', [[1, 0.8, 0.5, 0.2, 0]])] }));
    const svg = metricCurvesSvg({ ...result, metrics: [result.metrics[0]!], methods, cells });
    // m10 and m11: square markers at the 5 points + 1 in the legend each; m0..m9: none.
    expect((svg.match(/<path d="M[^"]*h[^"]*v[^"]*Z"/g) ?? []).length).toBe(2 * 6);
    if (process.env['GLASSWING_WRITE_PICTURES']) writeFileSync(`${process.env['GLASSWING_WRITE_PICTURES']}/curves-many.png`, metricCurvesPng({ ...result, metrics: [result.metrics[0]!], methods, cells }));
  });

  it('x ticks: layer names where the curve has them, integers for integer x', () => {
    const layers = { label: 'similarity', xLabel: 'layers randomised', x: [1, 2, 3], y: [[0.9, 0.5, 0.1]], xNames: ['fc3', 'fc2', 'conv_block_number_one'] };
    const cells = [{ method: 'saliency', metric: 'pixel-flipping', status: 'ok' as const, mean: 1, scores: [1], rank: 1, curves: [layers] }];
    const base = { ...result, metrics: [result.metrics[0]!], methods: [result.methods[0]!] };
    const svg = metricCurvesSvg({ ...base, cells });
    for (const t of ['>fc3<', '>fc2<', '>conv_block_…<']) expect(svg).toContain(t);
    const plain = metricCurvesSvg({ ...base, cells: [{ ...cells[0]!, curves: [{ ...layers, xNames: undefined, x: [1, 2, 3, 4] }] }] } as EvaluateResult);
    expect(plain).not.toContain('>1.5<');
    expect(plain).toContain('>2<');
  });

  it('refuses a result without curves', () => {
    expect(() => metricCurvesSvg({ ...result, cells: result.cells.map((c) => ({ ...c, curves: undefined })) as EvaluateResult['cells'] })).toThrow(/no metric/);
  });
});

describe('metric curves: a curve two metrics share is drawn once', () => {
  const twin = (ys: number[][]): EvaluateResult => ({
    ...result,
    metrics: [...result.metrics, { id: 'morf-lerf', title: 'MoRF − LeRF', family: 'faithfulness', higherIsBetter: true, options: {} }],
    cells: [
      ...result.cells,
      { method: 'saliency', metric: 'morf-lerf', status: 'ok', mean: 1, scores: [1, 1], rank: 1, curves: [curve('deletion', ys)] },
      { method: 'flat', metric: 'morf-lerf', status: 'n/a', reason: 'CapabilityError: no' },
      { method: 'control:random', metric: 'morf-lerf', status: 'ok', mean: 0, scores: [0, 0], rank: 2, curves: [curve('deletion', [[1, 0.9, 0.8, 0.6, 0], [1, 0.9, 0.8, 0.6, 0]])] },
    ],
  });
  it('same label and values: one panel; other values: two', () => {
    const same = metricCurvesSvg(twin([[1, 0.5, 0.2, 0.1, 0], [1, 0.7, 0.4, 0.2, 0]]));
    expect(same).toContain('pixel-flipping: deletion');
    expect(same).not.toContain('morf-lerf: deletion');
    const other = metricCurvesSvg(twin([[1, 0.6, 0.2, 0.1, 0], [1, 0.7, 0.4, 0.2, 0]]));
    expect(other).toContain('pixel-flipping: deletion');
    expect(other).toContain('morf-lerf: deletion');
  });
});
