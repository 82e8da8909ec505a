/**
 * The hand-written gradients of feature visualization against independent truth: a direct
 * O(H²W²) inverse DFT of the Hermitian-completed spectrum, the dot-product identity for adjoints,
 * and central finite differences (float64) for the non-linear pieces.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../random/prng.js';
import { irfft2, irfft2Adjoint, realDft2 } from '../_utils/real-fft.js';
import { Adam } from '../_utils/adam.js';
import { ImageParam, type ImageGeometry } from './fv-image.js';
import { applyPenalties, drawAffine, sample, sampleAdjoint, standardTransforms, type Penalty } from './fv-transforms.js';
import { evaluateObjective, type CompiledObjective, type LayerInfo, type Objective } from './fv-objectives.js';

const rand = (n: number, seed: number) => {
  const r = createRng(seed);
  return Float64Array.from({ length: n }, () => r.normal());
};
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

describe('irfft2', () => {
  for (const [h, w] of [[4, 6], [5, 7], [6, 5], [8, 8]] as const) {
    it(`equals the full inverse DFT of the Hermitian-completed spectrum (${h}×${w}) and has an exact adjoint`, () => {
      const d = realDft2(h, w);
      const re = rand(h * d.k, 1);
      const im = rand(h * d.k, 2);
      const got = new Float64Array(h * w);
      irfft2(d, re, im, got);
      // numpy's irfft2: a complex inverse DFT along H (Y = Σ_ky X e^{+2πi·ky·y/H}), then along W
      // the full-length inverse DFT of the row completed Hermitian-ly (Y[W−kx] = conj Y[kx]),
      // the imaginary parts of the self-conjugate columns (kx = 0, W/2) dropped; norm 1/√(HW)
      for (let y = 0; y < h; y++) {
        const yr = new Float64Array(d.k);
        const yi = new Float64Array(d.k);
        for (let kx = 0; kx < d.k; kx++) for (let ky = 0; ky < h; ky++) {
          const t = (2 * Math.PI * ky * y) / h;
          yr[kx] += re[ky * d.k + kx]! * Math.cos(t) - im[ky * d.k + kx]! * Math.sin(t);
          yi[kx] += re[ky * d.k + kx]! * Math.sin(t) + im[ky * d.k + kx]! * Math.cos(t);
        }
        const full = (kx: number): [number, number] => {
          if (kx < d.k) return [yr[kx]!, kx === 0 || (w % 2 === 0 && kx === w / 2) ? 0 : yi[kx]!];
          return [yr[w - kx]!, -yi[w - kx]!];
        };
        for (let x = 0; x < w; x++) {
          let s = 0;
          let si = 0;
          for (let kx = 0; kx < w; kx++) {
            const [a, b] = full(kx);
            const t = (2 * Math.PI * kx * x) / w;
            s += a * Math.cos(t) - b * Math.sin(t);
            si += a * Math.sin(t) + b * Math.cos(t);
          }
          expect(Math.abs(si)).toBeLessThan(1e-9); // the completed row is Hermitian: a real signal
          expect(got[y * w + x]).toBeCloseTo(s / Math.sqrt(h * w), 9);
        }
      }
      const g = rand(h * w, 3);
      const gre = new Float64Array(h * d.k);
      const gim = new Float64Array(h * d.k);
      irfft2Adjoint(d, g, gre, gim);
      expect(dot(got, g)).toBeCloseTo(dot(re, gre) + dot(im, gim), 9);
    });
  }
});

/** Central finite differences of f at p (float64 copy), as a check of `grad`. */
function checkGrad(f: (p: Float64Array) => number, p: Float64Array, grad: ArrayLike<number>, eps = 1e-5, tol = 1e-5) {
  let worst = 0;
  let scale = 1e-8;
  for (let i = 0; i < p.length; i++) {
    const a = Float64Array.from(p);
    const b = Float64Array.from(p);
    a[i] += eps;
    b[i] -= eps;
    const fd = (f(a) - f(b)) / (2 * eps);
    worst = Math.max(worst, Math.abs(fd - grad[i]!));
    scale = Math.max(scale, Math.abs(fd));
  }
  expect(worst / scale).toBeLessThan(tol);
}

describe('ImageParam.backward', () => {
  const cases = [
    { kind: 'fft', c: 3, h: 5, w: 6, decorrelate: true },
    { kind: 'fft', c: 1, h: 6, w: 5, decorrelate: false },
    { kind: 'pixel', c: 3, h: 4, w: 4, decorrelate: true },
    { kind: 'pixel', c: 2, h: 3, w: 4, decorrelate: false },
  ] as const;
  for (const cs of cases) {
    it(`matches finite differences: ${cs.kind}, ${cs.c} channels, decorrelate ${cs.decorrelate}`, () => {
      const geo: ImageGeometry = { b: 2, c: cs.c, h: cs.h, w: cs.w };
      const per = cs.c * cs.h * cs.w;
      const lo = Float64Array.from({ length: per }, (_, i) => -1 - (i % 3) * 0.1);
      const hi = Float64Array.from({ length: per }, (_, i) => 1 + (i % 2));
      const param = new ImageParam(geo, { kind: cs.kind, sd: 0.5, decorrelate: cs.decorrelate }, lo, hi, createRng(4));
      const weights = rand(2 * per, 5);
      const p0 = Float64Array.from(param.params);
      // f(θ) = ⟨weights, image(θ)⟩ in float64: render from a float64 copy
      const f = (p: Float64Array) => {
        // float32 params would round the FD step away: evaluate with a float64 shadow
        const saved = Float32Array.from(param.params);
        const img = renderAt(param, p);
        param.params.set(saved);
        return dot(weights, img);
      };
      param.render();
      const g = param.backward(weights);
      checkGrad(f, p0, g, 1e-3, 1e-4);
    });
  }
});

/** Render at float64 parameters p (the class stores float32; differences of 1e-3 survive that). */
function renderAt(param: ImageParam, p: Float64Array): Float64Array {
  param.params.set(p);
  return param.render();
}

describe('transforms', () => {
  it('sampling has an exact adjoint (dot-product test) under random standard transforms', () => {
    const geo: ImageGeometry = { b: 3, c: 2, h: 12, w: 10 };
    const rng = createRng(9);
    const maps = Array.from({ length: 3 }, () => drawAffine(standardTransforms(12 * 8), 12, 10, 12, 10, rng));
    const index = (b: number, c: number, y: number, x: number) => ((b * 12 + y) * 10 + x) * 2 + c; // NHWC
    const img = rand(3 * 2 * 12 * 10, 10);
    const out = new Float32Array(img.length);
    sample(img, geo, maps, 0, 12, 10, index, out); // fill 0: the map is linear
    const g = rand(out.length, 11);
    const adj = sampleAdjoint(g, geo, maps, 12, 10, index);
    expect(dot(out, g)).toBeCloseTo(dot(img, adj), 3);
    expect(maps.some((m) => Math.abs(m.b) > 1e-6)).toBe(true); // some rotation drawn
  });

  it('no transforms: the map is the identity and sampling copies exactly', () => {
    const geo: ImageGeometry = { b: 1, c: 1, h: 5, w: 7 };
    const m = drawAffine([], 5, 7, 5, 7, createRng(1));
    const img = rand(35, 12);
    const out = new Float32Array(35);
    sample(img, geo, [m], 0.5, 5, 7, (_b, _c, y, x) => y * 7 + x, out);
    expect(Array.from(out)).toEqual(Array.from(Float32Array.from(img)));
  });

  it('a pure shift (jitter) moves pixels by whole steps and fills with the pad value', () => {
    // pad 1 then jitter 2 (offset 0 or 1) then resize back: offset 0 shows the padded border
    const geo: ImageGeometry = { b: 1, c: 1, h: 4, w: 4 };
    const m = drawAffine([{ kind: 'pad', pixels: 1 }, { kind: 'jitter', pixels: 2 }], 4, 4, 4, 4, createRng(3));
    expect([m.a, m.b, m.c, m.d]).toEqual([1, 0, 0, 1]);
    const img = Float64Array.from({ length: 16 }, (_, i) => i);
    const out = new Float32Array(16);
    sample(img, geo, [m], -7, 4, 4, (_b, _c, y, x) => y * 4 + x, out);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) {
      const u = y + m.e;
      const v = x + m.f;
      expect(out[y * 4 + x]).toBe(u >= 0 && u < 4 && v >= 0 && v < 4 ? u * 4 + v : -7);
    }
  });
});

describe('penalties', () => {
  for (const kind of ['l1', 'l2', 'tv', 'blur'] as const) {
    it(`${kind}: gradient matches finite differences`, () => {
      const geo: ImageGeometry = { b: 2, c: 2, h: 4, w: 5 };
      const p: Penalty = kind === 'l1' || kind === 'l2' ? { kind, weight: 0.7, center: 0.2 } : { kind, weight: 0.7 };
      const x = rand(80, 13);
      const grad = new Float64Array(80);
      applyPenalties(x, geo, [p], grad, new Float64Array(2));
      const f = (v: Float64Array) => {
        const per = new Float64Array(2);
        applyPenalties(v, geo, [p], new Float64Array(80), per);
        return per[0]! + per[1]!;
      };
      if (kind === 'blur') {
        // stop-gradient through the blur target: the gradient is w·(x − mean of the 3×3
        // neighbourhood inside the image), written out here independently
        for (let n = 0; n < 2; n++) for (let c = 0; c < 2; c++) for (let y = 0; y < 4; y++) for (let xx = 0; xx < 5; xx++) {
          let s = 0;
          let cnt = 0;
          for (let yy = Math.max(0, y - 1); yy <= Math.min(3, y + 1); yy++) for (let x2 = Math.max(0, xx - 1); x2 <= Math.min(4, xx + 1); x2++) {
            s += x[((n * 2 + c) * 4 + yy) * 5 + x2]!;
            cnt++;
          }
          const i = ((n * 2 + c) * 4 + y) * 5 + xx;
          expect(grad[i]).toBeCloseTo(0.7 * (x[i]! - s / cnt), 12);
        }
        return;
      }
      checkGrad(f, x, grad, 1e-6, 1e-6);
    });
  }
});

describe('objective gradients', () => {
  // NHWC layer [3, 4, 2]: positions 3×4, 2 channels
  const info: LayerInfo = { name: 'L', shape: [3, 4, 2], size: 24, channelAxis: 2, channels: 2, positions: [3, 4], layout: 'NHWC' };
  const compile = (objective: Objective, linear: boolean): CompiledObjective => ({ objective, layers: new Map([['L', info]]), linear, minBatch: 1 });
  const cases: [string, Objective, boolean][] = [
    ['neuron', { kind: 'neuron', layer: 'L', channel: 1, position: [2, 3] }, true],
    ['channel', { kind: 'channel', layer: 'L', channel: 0 }, true],
    ['direction', { kind: 'direction', layer: 'L', vector: [0.5, -2] }, true],
    ['layer', { kind: 'layer', layer: 'L' }, false],
    ['diversity', { kind: 'diversity', layer: 'L' }, false],
    ['sum of scaled batch terms', { kind: 'sum', terms: [{ kind: 'batch', index: 1, objective: { kind: 'layer', layer: 'L' } }, { kind: 'scale', by: -3, objective: { kind: 'diversity', layer: 'L' } }] }, false],
  ];
  for (const [name, o, linear] of cases) {
    it(`${name}: gradient matches finite differences`, () => {
      const c = compile(o, linear);
      const a = rand(3 * 24, 14);
      const g = evaluateObjective(c, new Map([['L', a]]), 3).grads.get('L')!;
      checkGrad((v) => evaluateObjective(c, new Map([['L', v]]), 3).total, a, g, 1e-6, 1e-6);
    });
  }

  it('neuron / channel values by hand', () => {
    const a = Float64Array.from({ length: 24 }, (_, i) => i);
    // NHWC flat index of (y, x, c) = (y·4 + x)·2 + c
    expect(evaluateObjective(compile({ kind: 'neuron', layer: 'L', channel: 1, position: [2, 3] }, true), new Map([['L', a]]), 1).total).toBe((2 * 4 + 3) * 2 + 1);
    expect(evaluateObjective(compile({ kind: 'channel', layer: 'L', channel: 0 }, true), new Map([['L', a]]), 1).total).toBeCloseTo(11, 12);
    // default neuron position is the centre (⌊3/2⌋, ⌊4/2⌋) = (1, 2)
    expect(evaluateObjective(compile({ kind: 'neuron', layer: 'L', channel: 0 }, true), new Map([['L', a]]), 1).total).toBe((1 * 4 + 2) * 2);
  });

  it('diversity is −(B−1) for identical images and larger for dissimilar ones', () => {
    const c = compile({ kind: 'diversity', layer: 'L' }, false);
    const one = rand(24, 15);
    const same = new Float64Array(72);
    for (let b = 0; b < 3; b++) same.set(one, b * 24);
    expect(evaluateObjective(c, new Map([['L', same]]), 3).total).toBeCloseTo(-2, 6);
    expect(evaluateObjective(c, new Map([['L', rand(72, 16)]]), 3).total).toBeGreaterThan(-2);
  });
});

describe('Adam', () => {
  it('first step moves every parameter by lr against the gradient sign (bias-corrected)', () => {
    const p = Float32Array.of(1, -1, 0.5);
    new Adam(3, { lr: 0.1 }).step(p, [2, -3, 0]);
    expect(p[0]).toBeCloseTo(0.9, 6);
    expect(p[1]).toBeCloseTo(-0.9, 6);
    expect(p[2]).toBeCloseTo(0.5, 6);
  });
  it('minimises a quadratic', () => {
    const p = Float32Array.of(3, -2);
    const opt = new Adam(2, { lr: 0.05 });
    for (let i = 0; i < 2000; i++) opt.step(p, [2 * (p[0]! - 1), 2 * (p[1]! + 0.5)]);
    expect(p[0]).toBeCloseTo(1, 2);
    expect(p[1]).toBeCloseTo(-0.5, 2);
  });
});
