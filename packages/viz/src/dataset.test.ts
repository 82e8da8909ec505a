import { InvalidArgumentError, NumericError, ShapeError, tensor } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { beeswarmSvg, dependencePlotSvg, featureImportanceOrder, interactionFeature } from './dataset.js';
import { sequentialColor } from './sequential.js';

// 6 examples x 3 features; feature 1 matters most, then 0, then 2.
const attr = [
  [0.1, -2, 0],
  [-0.2, 1.5, 0.01],
  [0.3, -1, 0],
  [0.1, 2, 0],
  [-0.4, -0.5, 0.02],
  [0.2, 1, 0],
];
const vals = [
  [1, 10, 5],
  [2, 20, 4],
  [3, 30, 3],
  [4, 40, 2],
  [5, 50, 1],
  [6, 60, 0],
];

describe('beeswarm summary', () => {
  it('orders rows by mean |attribution| and draws one dot per example per feature', () => {
    expect(featureImportanceOrder(attr)).toEqual([1, 0, 2]);
    const svg = beeswarmSvg(attr, { featureValues: vals, featureNames: ['a', 'b<c>', 'd'] });
    const rows = [...svg.matchAll(/class="feature-row" data-feature="([^"]*)"/g)].map((m) => m[1]);
    expect(rows).toEqual(['b&lt;c&gt;', 'a', 'd']);
    expect(svg.match(/class="dot"/g)).toHaveLength(18);
    expect(svg).toContain('class="colorbar"');
    expect(svg).toContain('feature value');
    expect(svg).not.toContain('NaN');
  });
  it('colours dots by feature value: lowest value darkest, highest brightest', () => {
    const svg = beeswarmSvg([[1], [2], [3]], { featureValues: [[0], [5], [10]] });
    const fills = [...svg.matchAll(/class="dot"[^>]*fill="(rgb\([^)]*\))"/g)].map((m) => m[1]);
    const css = (c: readonly number[]) => `rgb(${c.join(',')})`;
    expect(fills).toEqual([css(sequentialColor(0)), css(sequentialColor(0.5)), css(sequentialColor(1))]);
  });
  it('limits features and handles all-zero data', () => {
    const svg = beeswarmSvg(attr, { maxFeatures: 2 });
    expect(svg.match(/class="feature-row"/g)).toHaveLength(2);
    expect(svg).toContain('top 2 of 3 features');
    const zero = beeswarmSvg(tensor(new Float32Array(6), [3, 2]), { featureValues: tensor(new Float32Array(6), [3, 2]) });
    expect(zero).not.toContain('NaN');
  });
  it('rejects ragged, non-finite and mismatched input', () => {
    expect(() => beeswarmSvg([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => beeswarmSvg([[1, Number.NaN]])).toThrow(NumericError);
    expect(() => beeswarmSvg(attr, { featureValues: [[1]] })).toThrow(ShapeError);
    expect(() => beeswarmSvg(attr, { featureNames: ['a'] })).toThrow(ShapeError);
  });
});

describe('dependence plot', () => {
  it('plots feature value against attribution, coloured by the chosen feature', () => {
    const svg = dependencePlotSvg(attr, 'b', { featureValues: vals, featureNames: ['a', 'b', 'c'], colorBy: 'c' });
    expect(svg.match(/class="dot"/g)).toHaveLength(6);
    expect(svg).toContain('data-color-by="c"');
    expect(svg).toContain('attribution of b');
    expect(svg).toContain('b (feature value)');
    expect(svg).toContain('c (colour)');
    // x increases with the feature value: first example (10) left of the last (60)
    const cx = [...svg.matchAll(/class="dot" cx="([^"]*)"/g)].map((m) => Number(m[1]));
    expect(cx[0]!).toBeLessThan(cx[5]!);
  });
  it("'auto' picks the interacting feature (what moves the attribution at fixed x)", () => {
    // attribution of feature 0 = x0 * (x2 ? 1 : 0.2): x2 interacts, x1 is unrelated
    const v = Array.from({ length: 40 }, (_, i) => [i % 10, (i * 7) % 13, Math.floor(i / 10) % 2]);
    const a = v.map((r) => [r[0]! * (r[2] ? 1 : 0.2), 0, 0]);
    expect(interactionFeature(a, v, 0)).toBe(2);
    expect(dependencePlotSvg(a, 0, { featureValues: v })).toContain('data-color-by="feature 2"');
    // and with the roles of 1 and 2 swapped
    const w = v.map((r) => [r[0]!, r[2]!, r[1]!]);
    expect(interactionFeature(a, w, 0)).toBe(1);
  });
  it('needs feature values and a valid feature', () => {
    expect(() => dependencePlotSvg(attr, 0)).toThrow(InvalidArgumentError);
    expect(() => dependencePlotSvg(attr, 'zzz', { featureValues: vals, featureNames: ['a', 'b', 'c'] })).toThrow(InvalidArgumentError);
    expect(dependencePlotSvg(attr, 0, { featureValues: vals, colorBy: 'none' })).not.toContain('data-color-by');
  });
});
