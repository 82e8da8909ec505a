import { describe, expect, it } from 'vitest';
import { roadImpute, noisyLinearImpute, road, roadLerf, roadMorf, roadMetric, roadMorfMetric, roadLerfMetric } from '../faithfulness/road.js';
import { METRICS } from '../registry.js';
import { createRng } from '../../../random/prng.js';
import { AbortError, InvalidArgumentError, ShapeError } from '../../../errors.js';
import { linearModel, t } from './faith-helpers.js';

// Noisy linear imputation (Rong et al. 2022): a removed pixel = weighted mean of its in-image
// 8-neighbours, weights 1/6 (direct) and 1/12 (diagonal); removed neighbours are unknowns too.

describe('noisy linear imputation', () => {
  it('reproduces a linear ramp exactly in the interior (the weighted mean of a symmetric stencil of a linear function is its centre)', () => {
    const h = 6;
    const w = 7;
    const ramp = (y: number, x: number, ch: number) => 0.3 * y - 0.2 * x + 1 + ch;
    const img = t([1, h, w, 2], Array.from({ length: h * w * 2 }, (_, k) => ramp(Math.floor(k / 2 / w), Math.floor(k / 2) % w, k % 2)));
    const removed = new Uint8Array(h * w);
    for (const [y, x] of [[2, 2], [2, 3], [3, 2], [3, 3], [3, 4], [1, 5]]) removed[y! * w + x!] = 1;
    const out = roadImpute(img, [h, w, 2], removed);
    for (let k = 0; k < out.data.length; k++) expect(out.data[k]).toBeCloseTo(img.data[k]!, 5);
  });

  it('satisfies the defining equations on a random mask touching the border', () => {
    const h = 5;
    const w = 6;
    const rng = createRng(4);
    const img = Float32Array.from({ length: h * w }, () => rng.uniform());
    const removed = Uint8Array.from({ length: h * w }, (_, k) => (k % 3 === 0 || k < 4 ? 1 : 0));
    const out = new Float32Array(h * w);
    noisyLinearImpute(img, { h, w, c: 1, layout: 'NHWC' }, removed, 0, undefined, out);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!removed[y * w + x]) {
          expect(out[y * w + x]).toBe(img[y * w + x]);
          continue;
        }
        let s = 0;
        let ws = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if ((dy === 0 && dx === 0) || yy < 0 || xx < 0 || yy >= h || xx >= w) continue;
            const wt = dy === 0 || dx === 0 ? 1 / 6 : 1 / 12;
            s += wt * out[yy * w + xx]!;
            ws += wt;
          }
        }
        expect(out[y * w + x]).toBeCloseTo(s / ws, 5);
      }
    }
  });

  it('adds N(0, σ²) noise to the imputed values only (statistical)', () => {
    const h = 20;
    const w = 20;
    const img = Float32Array.from({ length: h * w }, (_, k) => (k % w) / w);
    const removed = Uint8Array.from({ length: h * w }, (_, k) => (k % 2));
    const clean = new Float32Array(h * w);
    const noisy = new Float32Array(h * w);
    noisyLinearImpute(img, { h, w, c: 1, layout: 'NHWC' }, removed, 0, undefined, clean);
    noisyLinearImpute(img, { h, w, c: 1, layout: 'NHWC' }, removed, 0.1, createRng(1), noisy);
    const d = Array.from(noisy, (v, k) => v - clean[k]!).filter((_, k) => removed[k]);
    const sd = Math.sqrt(d.reduce((a, b) => a + b * b, 0) / d.length);
    expect(sd).toBeGreaterThan(0.085); // 200 draws: sd of the estimate ≈ 0.1/√400 = 0.005
    expect(sd).toBeLessThan(0.115);
    expect(Array.from(noisy).filter((_, k) => !removed[k])).toEqual(Array.from(img).filter((_, k) => !removed[k]));
  });
});

describe('ROAD', () => {
  // 3×3 image 1…9, f(x) = x[0] (the top-left pixel), map ranks pixel 0 then 1 first (MoRF).
  // p = 0.12 → ⌊0.12·9⌋ = 1 pixel: u0 = (2/6 + 4/6 + 5/12) / (5/12) = 17/5 = 3.4.
  // p = 0.23 → 2 pixels: 5u0 − 2u1 = 13, −2u0 + 8u1 = 26 (×12) → u0 = u1 = 13/3.
  // LeRF removes pixels 8, 7 (lowest, ties by index: the last ones first) → f = 1.
  const w = [1, 0, 0, 0, 0, 0, 0, 0, 0];
  const x = t([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const a = t([1, 3, 3, 1], [9, 8, 1, 1, 1, 1, 1, 1, 1]);
  const options = { percentages: [0.12, 0.23], noise: 0 };

  it('matches the hand-solved imputations on a 3×3 image', async () => {
    const { model } = linearModel(w, [3, 3, 1]);
    const m = await roadMorf({ model, x, attributions: a }, options);
    expect(m.curves![0]!.y[0]![0]).toBeCloseTo(3.4, 5);
    expect(m.curves![0]!.y[0]![1]).toBeCloseTo(13 / 3, 5);
    expect(m.scores[0]).toBeCloseTo(0.11 * (3.4 + 13 / 3) / 2, 5);
    const l = await roadLerf({ model, x, attributions: a }, options);
    expect(l.curves![0]!.y[0]).toEqual([1, 1]);
    expect(l.scores[0]).toBeCloseTo(0.11, 6);
    const both = await road({ model, x, attributions: a }, { ...options, percentages: '0.12, 0.23' });
    expect(both.scores[0]).toBeCloseTo(0.11 - 0.11 * (3.4 + 13 / 3) / 2, 5);
  });

  it('is seeded and independent of perturbationsPerEval; progress, typed errors and abort', async () => {
    const { model } = linearModel([0.5, -1, 2, 0, 1, 1, -2, 0.3, 0.1], [3, 3, 1]);
    const x2 = t([2, 3, 3, 1], [...Array(18).keys()].map((k) => k / 10));
    const a2 = t([2, 3, 3, 1], [...Array(18).keys()].map((k) => ((k * 7) % 5) - 2));
    const events: { done: number; total: number }[] = [];
    const r1 = await road({ model, x: x2, attributions: a2 }, { seed: 2, noise: 0.05, onProgress: (p) => events.push(p) });
    const r2 = await road({ model, x: x2, attributions: a2 }, { seed: 2, noise: 0.05, perturbationsPerEval: 1 });
    const r3 = await road({ model, x: x2, attributions: a2 }, { seed: 3, noise: 0.05 });
    expect(r2.scores).toEqual(r1.scores);
    expect(r3.scores).not.toEqual(r1.scores);
    expect(r1.curves!.map((c) => c.x.length)).toEqual([9, 9]);
    expect(events.at(-1)).toEqual({ done: 2, total: 2 });
    await expect(road({ model, x: x2, attributions: t([2, 9], Array(18).fill(0)) })).rejects.toThrow(ShapeError);
    await expect(road({ model, x: x2, attributions: a2 }, { percentages: [0.5, 0.2] })).rejects.toThrow(InvalidArgumentError);
    await expect(road({ model, x: x2, attributions: a2 }, { percentages: [0.5, 1] })).rejects.toThrow(InvalidArgumentError);
    const flat = linearModel([1, 2, 3, 4, 5]).model;
    await expect(road({ model: flat, x: t([1, 5], [1, 1, 1, 1, 1]), attributions: t([1, 5], [1, 1, 1, 1, 1]) })).rejects.toThrow(InvalidArgumentError);
    const ac = new AbortController();
    ac.abort();
    await expect(roadMorf({ model, x: x2, attributions: a2 }, { signal: ac.signal })).rejects.toThrow(AbortError);
    expect([METRICS['road'], METRICS['road-morf'], METRICS['road-lerf']]).toEqual([roadMetric, roadMorfMetric, roadLerfMetric]);
  });
});
