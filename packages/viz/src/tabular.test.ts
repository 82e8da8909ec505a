import { NumericError, ShapeError } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { barChartSvg, forcePlotSvg, waterfallSteps, waterfallSvg } from './tabular.js';

function attrs(svg: string, cls: string, key: string): string[] {
  return [...svg.matchAll(new RegExp(`class="${cls}"[^>]*?data-${key}="([^"]*)"`, 'g'))].map((m) => m[1]!);
}

describe('bar chart', () => {
  it('sorts features by |attribution|, largest first, with names and values', () => {
    const svg = barChartSvg([0.1, -3, 2, 0], { featureNames: ['a', 'b', 'c', 'd'], featureValues: [5, 6, 7, 8] });
    expect(attrs(svg, 'bar', 'feature')).toEqual(['b', 'c', 'a', 'd']);
    expect(svg).toContain('b = 6');
    expect(svg).toContain('class="legend"');
    expect(svg).toContain('attribution</text>'); // axis label
  });
  it('folds the tail into one "other features" bar holding its sum', () => {
    const svg = barChartSvg([5, 4, 3, 2, 1], { maxFeatures: 3 });
    expect(attrs(svg, 'bar', 'feature')).toEqual(['feature 0', 'feature 1', '3 other features']);
    expect(attrs(svg, 'bar', 'value')[2]).toBe('6');
  });
  it('escapes feature names (HTML/SVG injection)', () => {
    const svg = barChartSvg([1, 2], { featureNames: ['<script>alert(1)</script>', 'a"b'], featureValues: ['<img>', 'x'] });
    expect(svg).not.toMatch(/<script|<img/);
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('a&quot;b');
  });
  it('draws all-zero attributions without NaN and rejects bad input', () => {
    expect(barChartSvg([0, 0, 0])).not.toContain('NaN');
    expect(() => barChartSvg([1, Number.POSITIVE_INFINITY])).toThrow(NumericError);
    expect(() => barChartSvg([1, 2], { featureNames: ['a'] })).toThrow(ShapeError);
    expect(() => barChartSvg([])).toThrow(ShapeError);
  });
});

describe('waterfall', () => {
  it('starts at E[f(x)] and the last bar ends at f(x) = base + sum', () => {
    const { steps, output } = waterfallSteps({ baseValue: 0.5, values: [0.2, -0.7, 0.1] });
    expect(output).toBeCloseTo(0.1, 12);
    expect(steps.map((s) => s.value)).toEqual([-0.7, 0.2, 0.1]);
    expect(steps[0]!.start).toBe(0.5);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.start).toBe(steps[i - 1]!.end);
    expect(steps[steps.length - 1]!.end).toBe(output);
    const svg = waterfallSvg({ baseValue: 0.5, values: [0.2, -0.7, 0.1], featureNames: ['a', 'b', 'c'] });
    const ends = attrs(svg, 'step', 'value');
    expect(ends).toHaveLength(3);
    expect(svg).toContain('E[f(x)] = 0.5');
    expect(svg).toContain('f(x) = 0.1');
  });
  it('adds a residual row when f(x) is not base + sum (incomplete attributions)', () => {
    const { steps } = waterfallSteps({ baseValue: 0, values: [1, 1], output: 3 });
    expect(steps.map((s) => s.name)).toEqual(['feature 0', 'feature 1', 'residual']);
    expect(steps[2]!.value).toBe(1);
    expect(steps[2]!.end).toBe(3);
  });
  it('sums folded features so the end is unchanged', () => {
    const { steps, output } = waterfallSteps({ baseValue: 1, values: [3, -2, 0.5, 0.25, -0.125], maxFeatures: 2 });
    expect(steps).toHaveLength(2);
    expect(steps[1]!.name).toBe('4 other features');
    expect(steps[1]!.end).toBe(output);
    expect(output).toBeCloseTo(2.625, 12);
  });
});

describe('force plot', () => {
  it('stacks positive features up to f(x) from the left and negative ones down to it from the right', () => {
    const svg = forcePlotSvg({ baseValue: 1, values: [2, -1, 0.5], featureNames: ['up', 'down', 'small'] });
    const names = attrs(svg, 'force', 'feature');
    const starts = attrs(svg, 'force', 'start').map(Number);
    const ends = attrs(svg, 'force', 'end').map(Number);
    const fx = 2.5;
    const seg = (n: string) => ({ a: starts[names.indexOf(n)]!, b: ends[names.indexOf(n)]! });
    // positives stack so they end at f(x), the largest next to it; negatives start right of f(x)
    expect(seg('up')).toEqual({ a: 0.5, b: 2.5 });
    expect(seg('small')).toEqual({ a: 0, b: 0.5 });
    expect(seg('down')).toEqual({ a: 3.5, b: 2.5 });
    expect(svg).toContain(`f(x) = ${fx}`);
    expect(svg).toContain('E[f(x)] = 1');
    expect(svg).toContain('class="legend"');
  });
  it('escapes names and survives all-zero input', () => {
    const svg = forcePlotSvg({ baseValue: 0, values: [0, 0], featureNames: ['<x>', "'"] });
    expect(svg).not.toContain('NaN');
    expect(svg).not.toContain('<x>');
  });
});
