/** Counterfactual before / after bars: one row per changed feature, bar lengths on its own axis. */
import { describe, expect, it } from 'vitest';
import { counterfactualChartPng, counterfactualChartSvg } from './counterfactual.js';

const input = {
  before: 'class 0',
  counterfactuals: [
    { after: 'class 1', note: '1 changed', changes: [{ name: 'income', before: 1, after: 4 }] },
    { after: 'class 1', changes: [{ name: 'debt', before: 1.5, after: 0.5 }, { name: 'years', before: 2, after: 9 }] },
  ],
  ranges: { income: [0, 8] as const },
};

describe('counterfactualChartSvg / Png', () => {
  it('draws every changed feature with both values; bars scale with the value on the axis', () => {
    const svg = counterfactualChartSvg(input);
    for (const t of ['income', 'debt', 'years', '#1: class 0 → class 1 · 1 changed', '#2: class 0 → class 1']) expect(svg).toContain(t);
    // income on its range [0, 8]: the original bar (1) is 1/8 of the 300-px axis, the new one (4) half.
    const widths = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="10"/g)].map((m) => Number(m[1]));
    expect(widths[0]).toBeCloseTo(300 / 8, 0);
    expect(widths[1]).toBeCloseTo(150, 0);
    // debt decreased: red bar; income increased: blue.
    expect(svg).toContain('rgb(225,87,89)');
    expect(svg).toContain('rgb(78,121,167)');
    const png = counterfactualChartPng(input);
    expect(Array.from(png.subarray(1, 4))).toEqual([80, 78, 71]);
  });

  it('refuses an empty set', () => {
    expect(() => counterfactualChartSvg({ before: 'x', counterfactuals: [] })).toThrow(/no counterfactuals/);
  });
});
