/** Distillation summary: teacher vs student bars per measure, on their own axes, and the loss curve. */
import { describe, expect, it } from 'vitest';
import { distillChartPng, distillChartSvg } from './distill.js';

const input = {
  subtitle: 'mlp: dense 8→16 relu',
  fidelity: { metric: 'agreement' as const, value: 0.75, rows: '200 held-out rows' },
  accuracy: { metric: 'accuracy' as const, teacher: 0.9, student: 0.5 },
  size: { teacher: 1000, student: 250 },
  speed: { teacherMs: 0.04, studentMs: 0.01 },
  loss: [0.8, 0.4, 0.2, 0.1],
};

/** Widths of the 11-px-high bars, in drawing order (teacher, student per measure). */
function barWidths(svg: string): number[] {
  return [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="11"/g)].map((m) => Number(m[1]));
}

function pngSize(png: Uint8Array): [number, number] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

describe('distillChartSvg / Png', () => {
  it('labels every measure with both values; bar lengths on each measure’s axis', () => {
    const svg = distillChartSvg(input);
    for (const t of ['Distillation: teacher vs student', 'mlp: dense 8→16 relu', 'fidelity', 'accuracy', 'parameters', 'ms per example', 'training loss',
      '75.0%', '100% (itself)', '90.0%', '50.0%', '1000', '250', '0.25× the teacher', '0.04', '0.01', 'student 4× faster', '200 held-out rows', 'epoch']) expect(svg).toContain(t);
    // 280-px axes: fidelity [0, 1] (teacher 1, student 0.75), accuracy [0, 1], parameters and time [0, max].
    const w = barWidths(svg);
    expect(w).toHaveLength(8);
    const want = [1, 0.75, 0.9, 0.5, 1, 0.25, 1, 0.25].map((f) => 280 * f);
    w.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 0));
    // The loss curve: 3 segments and 4 points in the student colour.
    expect((svg.match(/<line [^>]*stroke="rgb\(78,121,167\)"/g) ?? []).length).toBe(3);
    expect((svg.match(/<path d="[^"]*" fill="rgb\(78,121,167\)"/g) ?? []).length).toBe(4);
  });

  it('PNG at scale 2 of the SVG size; without labels, timing or loss those rows are absent and the picture is shorter', () => {
    const svg = distillChartSvg(input);
    const [w, h] = [Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)![1]), Number(/height="(\d+(?:\.\d+)?)"/.exec(svg)![1])];
    const png = distillChartPng(input);
    expect(Array.from(png.subarray(1, 4))).toEqual([80, 78, 71]);
    // (the SVG rounds its size to 0.1 px)
    pngSize(png).forEach((v, i) => expect(Math.abs(v - 2 * [w, h][i]!)).toBeLessThanOrEqual(1));
    const small = { fidelity: { metric: 'r2' as const, value: -0.2 }, size: { teacher: null, student: 31 } };
    const s2 = distillChartSvg(small);
    for (const t of ['accuracy', 'ms per example', 'training loss']) expect(s2).not.toContain(t);
    expect(s2).toContain('-0.2'); // a negative R² is labelled; its bar is the 1-px minimum
    expect(s2).toContain('teacher: unknown');
    expect(barWidths(s2)).toEqual([280, 1, 280]); // fidelity: teacher 1, student clipped at 0; parameters: the student alone
    expect(pngSize(distillChartPng(small))[1]).toBeLessThan(pngSize(png)[1]);
  });

  it('refuses non-finite values', () => {
    expect(() => distillChartSvg({ ...input, fidelity: { metric: 'agreement', value: NaN } })).toThrow(/fidelity must be finite/);
    expect(() => distillChartSvg({ ...input, loss: [1, Infinity] })).toThrow(/loss of epoch 2/);
  });
});
