/** Test helpers: deterministic random tensors and closeness checks. */
import { expect } from 'vitest';
import type { Tensor } from '@glasswing/core';

/** mulberry32: small deterministic PRNG for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomTensor(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = lo + (hi - lo) * r();
  return { shape: [...shape], data };
}

/** Small integers in [0, levels): windows tie often. */
export function tiedTensor(shape: readonly number[], seed: number, levels = 3): Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.floor(r() * levels);
  return { shape: [...shape], data };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Shapes equal and |a − b| <= atol + rtol·|b| element-wise. */
export function expectClose(actual: Tensor, expected: Tensor, rtol = 1e-5, atol = 1e-5): void {
  expect([...actual.shape]).toEqual([...expected.shape]);
  expect(actual.data.length).toBe(expected.data.length);
  let worst = -Infinity;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    if (actual.data[i] === expected.data[i]) continue; // equal infinities too
    const excess = Math.abs(actual.data[i]! - expected.data[i]!) - (atol + rtol * Math.abs(expected.data[i]!));
    if (!(excess <= worst) && (excess > 0 || Number.isNaN(excess))) {
      worst = excess;
      at = i;
    }
  }
  if (at >= 0) {
    expect.fail(
      `element ${at}: got ${actual.data[at]}, expected ${expected.data[at]} (rtol ${rtol}, atol ${atol}); max |diff| ${maxAbsDiff(actual.data, expected.data)}`,
    );
  }
}

/**
 * gpu.js modes the tests run on: cpu and webasm always; headlessgl too where the optional `gl`
 * package is built and a display exists (scripts/setup-headlessgl.sh, xvfb-run), or when
 * GLASSWING_GPUJS_MODES lists the modes explicitly (a listed mode that cannot start fails).
 */
import { availableGpujsModes, type GpujsMode } from '../src/index.js';

export const MODES: readonly GpujsMode[] = process.env['GLASSWING_GPUJS_MODES']
  ? (process.env['GLASSWING_GPUJS_MODES'].split(',') as GpujsMode[])
  : (['headlessgl', 'webasm', 'cpu'] as const).filter((m) => availableGpujsModes().includes(m));
