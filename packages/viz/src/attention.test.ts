/**
 * Attention pictures: the colour of each heat-map cell follows its value (sequential map, scale
 * = the largest value, or the largest off-diagonal one), labels stay inside the picture and do
 * not overlap, arcs are drawn for the weights above the threshold with widths growing with the
 * weight, and bad input is a typed error.
 */
import { InvalidArgumentError, NumericError, ShapeError } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { attentionArcsPng, attentionArcsSvg, attentionHeatmapPng, attentionHeatmapSvg } from './attention.js';
import { sequentialColor } from './sequential.js';
import { rgbCss } from './svg.js';
import { svgTextProblems } from './test/svg-text-boxes.js';

const TOKENS = ['[CLS]', 'the', 'cat', 'sat', '[SEP]'];
const T = TOKENS.length;
const M = Array.from({ length: T * T }, (_, k) => (k % (T + 1) === 0 ? 0.5 : ((k * 7) % 5) / 20));

function cellFills(svg: string): string[] {
  return [...svg.matchAll(/<rect x="[^"]*" y="[^"]*" width="[^"]*" height="[^"]*" fill="([^"]*)" stroke="#fff"/g)].map((m) => m[1]!);
}

describe('attention heat maps', () => {
  it('colours every cell by value / max; labels fit and do not overlap', () => {
    const svg = attentionHeatmapSvg([{ title: 'layer 0 · head 0', matrix: M }, { title: 'layer 0 · head 1', matrix: M.map((v) => v / 2) }], { tokens: TOKENS, title: 'Raw attention' });
    const fills = cellFills(svg);
    expect(fills).toHaveLength(2 * T * T);
    fills.slice(0, T * T).forEach((f, k) => expect(f).toBe(rgbCss(sequentialColor(M[k]! / 0.5))));
    fills.slice(T * T).forEach((f, k) => expect(f).toBe(rgbCss(sequentialColor(M[k]! / 2 / 0.5))));
    expect(svgTextProblems(svg)).toEqual([]);
    for (const tok of TOKENS) expect(svg).toMatch(new RegExp(`<text[^>]*>[^<]*${tok.replace(/[[\]]/g, '\\$&')}</text>`));
  });

  it('offDiagonalScale: scale = largest off-diagonal value, the diagonal clipped at full colour', () => {
    const svg = attentionHeatmapSvg([{ title: 'rollout', matrix: M }], { tokens: TOKENS, offDiagonalScale: true });
    const off = Math.max(...M.filter((_, k) => k % (T + 1) !== 0));
    cellFills(svg).forEach((f, k) => expect(f).toBe(rgbCss(sequentialColor(Math.min(1, M[k]! / off)))));
  });

  it('long tokens switch the columns to indices; PNG is a PNG', () => {
    const long = TOKENS.map((t) => `${t}-extraordinarily-long`);
    const svg = attentionHeatmapSvg([{ title: 'x', matrix: M }], { tokens: long });
    expect(svgTextProblems(svg)).toEqual([]);
    expect(svg).toContain('>0 [CLS]-extra');
    const png = attentionHeatmapPng([{ title: 'x', matrix: M }], { tokens: long });
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  });

  it('typed errors', () => {
    expect(() => attentionHeatmapSvg([{ title: 'x', matrix: M.slice(1) }], { tokens: TOKENS })).toThrow(ShapeError);
    expect(() => attentionHeatmapSvg([{ title: 'x', matrix: M.map(() => NaN) }], { tokens: TOKENS })).toThrow(NumericError);
    expect(() => attentionHeatmapSvg([], { tokens: TOKENS })).toThrow(InvalidArgumentError);
  });
});

describe('attention arcs', () => {
  it('one arc per key token above the threshold, wider for larger weights; labels fit', () => {
    const row = [0.4, 0.3, 0.001, 0.2, 0.099];
    const m = Array.from({ length: T * T }, (_, k) => (k < T ? row[k]! : 0));
    const svg = attentionArcsSvg(TOKENS, m, { title: 'Rollout from [CLS]' });
    const widths = [...svg.matchAll(/<path [^>]*stroke-width="([\d.]+)"/g)].map((x) => Number(x[1]));
    expect(widths).toHaveLength(3); // 0.001 is below 2% of the largest weight (0.3); no self arc
    expect(widths[0]!).toBeGreaterThan(widths[1]!); // 0.3 > 0.2 > 0.099 (tokens 1, 3, 4)
    expect(widths[1]!).toBeGreaterThan(widths[2]!);
    expect(svgTextProblems(svg)).toEqual([]);
    expect(attentionArcsPng(TOKENS, m).length).toBeGreaterThan(100);
    expect(() => attentionArcsSvg(TOKENS, m, { queries: [5] })).toThrow(InvalidArgumentError);
  });
});
