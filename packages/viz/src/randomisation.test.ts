import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';
import { randomisationPanels, randomisationStrip, randomisationStripPng, randomisationStripSvg } from './randomisation.js';
import { imageAttrGridSvgLayout } from './grid.js';
import { labelProblems } from './labels.js';
import { pngSizeOf } from './test/png-size.js';

const map = (h: number, w: number, f: (y: number, x: number) => number): Tensor => ({
  shape: [h, w, 1],
  data: Float32Array.from({ length: h * w }, (_, i) => f(Math.floor(i / w), i % w)),
});

describe('randomisation strip (Adebayo et al. Fig. 2)', () => {
  const original = map(12, 12, (y, x) => (y > 3 && y < 8 && x > 5 ? 2 : 0.1));
  const steps = [map(12, 12, (y, x) => (y > 3 && y < 8 && x > 5 ? 1e-3 : 1e-4)), map(12, 12, (y, x) => Math.sin(3 * y + x) * 50)];

  it('one panel per map (plus the input), titled with the label and the similarity', () => {
    const panels = randomisationPanels({ maps: [original, ...steps], labels: ['original', 'logits', 'fc1'], similarities: [0.912, -0.0449], image: original });
    expect(panels.map((p) => p.title)).toEqual(['input', 'original', 'logits rho 0.91', 'fc1 rho -0.04']);
    expect(panels[0]!.attribution).toBeUndefined();
    expect(panels.slice(1).every((p) => p.sign === 'absolute_value')).toBe(true);
    // A batch of one is read as its example.
    const batched = randomisationPanels({ maps: [{ shape: [1, 12, 12, 1], data: original.data }], labels: ['original'] });
    expect(batched[0]!.attribution!.shape).toEqual([12, 12, 1]);
  });

  it('every map is scaled on its own: a map 1000× smaller draws the same colours as the original', () => {
    // steps[0] is the original's pattern (2 vs 0.1 → 1e-3 vs 1e-4 is not the same ratio, so use an exact multiple).
    const scaled: Tensor = { shape: [12, 12, 1], data: original.data.map((v) => v / 1000) };
    const r = randomisationStrip({ maps: [original, scaled], labels: ['original', 'scaled'], minSize: 24 });
    const one = randomisationStrip({ maps: [original], labels: ['original'], minSize: 24 });
    // Both panels have the width of the single panel; the second panel's map pixels equal the first's.
    const panelW = (r.width - 3 * 8) / 2;
    expect(panelW).toBe(one.width - 2 * 8);
    const px = (x: number, y: number) => Array.from(r.data.subarray((y * r.width + x) * 4, (y * r.width + x) * 4 + 4));
    let compared = 0;
    for (let y = 20; y < 40; y++) {
      for (let x = 8; x < 8 + panelW; x++) {
        expect(px(x + panelW + 8, y)).toEqual(px(x, y));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('PNG and SVG: one row, labels inside the picture, the layer names as text', () => {
    const image = map(12, 12, (y, x) => (x === y ? 1 : 0.2));
    const o = { maps: [original, ...steps], labels: ['original', 'logits', 'conv1/kernel randomised'], similarities: [0.5, 0.01], image, title: 'Cascading randomisation: saliency' };
    const png = randomisationStripPng(o);
    const { width, height } = pngSizeOf(png);
    const one = pngSizeOf(randomisationStripPng({ maps: [original], labels: ['original'] }));
    // One row (a long title may wrap to a second line, not to a second row of panels).
    expect(height).toBeLessThan(1.5 * one.height);
    expect(width).toBeGreaterThan(3 * one.width);
    const svg = randomisationStripSvg(o);
    expect(svg).toContain('>logits rho 0.50<');
    expect(svg).toContain('Cascading randomisation: saliency');
    const layout = imageAttrGridSvgLayout(randomisationPanels(o), { image, columns: 4, minSize: 96, title: o.title });
    expect(labelProblems(layout.labels, { x: 0, y: 0, width: layout.width, height: layout.height })).toEqual([]);
  });

  it('refuses mismatched labels and similarities, and empty strips', () => {
    expect(() => randomisationPanels({ maps: [original], labels: [] })).toThrow(InvalidArgumentError);
    expect(() => randomisationPanels({ maps: [original, steps[0]!], labels: ['a', 'b'], similarities: [1, 2] })).toThrow(/similarities/);
    expect(() => randomisationPanels({ maps: [], labels: [] })).toThrow(InvalidArgumentError);
    expect(() => randomisationPanels({ maps: [{ shape: [2, 12, 12, 1], data: new Float32Array(288) }], labels: ['x'] })).toThrow(/one example per map/);
  });
});
