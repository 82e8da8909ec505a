/**
 * Influence gallery: tabular rows as a table (feature names, scores coloured by sign, the explained
 * row first), images as tiles sized to whole pixels, and typed errors on bad input.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '@glasswing/core';
import { influenceGalleryPng, influenceGallerySvg } from './influence.js';

function pngSize(b: Uint8Array): { width: number; height: number } {
  const v = new DataView(b.buffer, b.byteOffset);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}
const row = (...v: number[]) => ({ shape: [v.length], data: Float32Array.from(v) });

describe('influence gallery', () => {
  it('tabular: a table with the feature names, the explained row and signed scores', () => {
    const input = {
      title: 'T',
      test: { input: row(1, 2), label: 'predicted yes' },
      featureNames: ['income', 'debt'],
      groups: [
        { title: 'proponents', items: [{ index: 12, score: 0.5, label: 'yes', input: row(3, 4) }] },
        { title: 'opponents', items: [{ index: 7, score: -0.25, label: 'no', input: row(5, 6) }] },
      ],
    };
    const svg = influenceGallerySvg(input);
    for (const t of ['income', 'debt', 'predicted yes', 'proponents', 'opponents', '>12<', '>7<', '>0.5<', '>-0.25<']) expect(svg).toContain(t);
    expect(svg).toContain('fill="rgb(26,120,60)"');
    expect(svg).toContain('fill="rgb(190,40,40)"');
    const png = influenceGalleryPng(input);
    expect(pngSize(png).width).toBeGreaterThan(300);
  });

  it('images: one tile per example, upscaled by a whole factor', () => {
    const img = (v: number) => ({ shape: [4, 4, 1], data: new Float32Array(16).fill(v) });
    const svg = influenceGallerySvg({ test: { input: img(0.5) }, groups: [{ title: 'highest', items: [1, 2, 3].map((i) => ({ index: i, score: i / 10, input: img(i / 4) })) }] });
    expect((svg.match(/<image /g) ?? []).length).toBe(4);
    expect(svg).toContain('width="72"');
    expect(svg).toContain('#3');
  });

  it('typed errors', () => {
    expect(() => influenceGallerySvg({ groups: [] })).toThrow(InvalidArgumentError);
    expect(() => influenceGallerySvg({ groups: [{ title: 'a', items: [{ index: 0, score: 1, input: { shape: [2, 2], data: new Float32Array(4) } }] }] })).toThrow(ShapeError);
    expect(() => influenceGallerySvg({ featureNames: ['a'], groups: [{ title: 'a', items: [{ index: 0, score: 1, input: row(1, 2) }] }] })).toThrow(/feature names/);
  });
});
