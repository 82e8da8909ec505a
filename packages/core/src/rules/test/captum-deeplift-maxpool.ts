/**
 * Captum 0.8 DeepLift / DeepLiftShap figures on max-pooling CNNs with random non-zero baselines
 * (tools/captum-fixtures/deeplift_maxpool.py), registered as vitest cases on any Model; shared
 * by the reference, tfjs and ONNX test files. Also the conservation check (Σ attributions =
 * f(x) − f(x′)) used on LeNet.
 *
 * Fixtures (packages/core/test/fixtures/deeplift_maxpool/):
 *   cnn2d          Conv → MaxPool(2, s2, ceil) → Conv → ReLU → Conv1×1 → MaxPool(2, s2, pad 1) → Linear → ReLU → Linear
 *   cnn2d_overlap  the same with MaxPool(3, s2, pad 1): overlapping windows (Captum run with an
 *                  accumulating unpool; see the script: as is, its max_unpool overwrites shared winners)
 *   cnn1d          Conv1d / MaxPool1d(2, s2) / MaxPool1d(3, s3, pad 1) net; our graph is its 2-D twin of height 1
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import type { GraphJSON } from '../../ir/serialize.js';
import { DeepLift } from '../../algorithms/rules/deep-lift.js';
import { DeepLiftShap } from '../../algorithms/rules/deep-lift-shap.js';

export const MAXPOOL_FIXTURES = ['cnn2d', 'cnn2d_overlap', 'cnn1d'] as const;
export type MaxPoolFixtureName = (typeof MAXPOOL_FIXTURES)[number];

export interface MaxPoolFixture {
  model: string;
  captum: string;
  /** Our model's input shape (NCHW; cnn1d as [C, 1, L]). */
  input_shape: number[];
  targets: number[];
  inputs: number[][];
  /** One non-zero baseline per input (DeepLift). */
  baselines: number[][];
  /** The baseline distribution (DeepLiftShap). */
  shap_baselines: number[][];
  unpool: string;
  deeplift: { attributions: number[][]; delta: number[] };
  deeplift_shap: { attributions: number[][]; delta_per_pair: number[][] };
  outputs_float32: number[][];
  outputs_float64: { inputs: number[][]; baselines: number[][]; shap_baselines: number[][] };
}

const DIR = new URL('../../../test/fixtures/deeplift_maxpool/', import.meta.url);

export function loadMaxPoolFixture(name: MaxPoolFixtureName): MaxPoolFixture {
  return JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as MaxPoolFixture;
}

export function loadMaxPoolGraphJson(name: MaxPoolFixtureName): GraphJSON {
  return JSON.parse(readFileSync(new URL(`${name}.graph.json`, DIR), 'utf8')) as GraphJSON;
}

const stack = (rows: number[][], shape: readonly number[]): Tensor => ({ shape: [rows.length, ...shape], data: Float32Array.from(rows.flat()) });

/** |got − want| ≤ rel·|want| + abs for every element of every row; mismatches listed. */
function expectRows(got: Tensor, want: number[][], rel: number, abs: number, what: string): void {
  const per = got.data.length / want.length;
  want.forEach((w, r) => {
    expect(w.length, what).toBe(per);
    const bad = w
      .map((v, i) => ({ i, want: v, got: got.data[r * per + i]! }))
      .filter((e) => !(Math.abs(e.got - e.want) <= rel * Math.abs(e.want) + abs));
    expect(bad, `${what}, row ${r}`).toEqual([]);
  });
}

export interface MaxPoolTolerance {
  /** Relative tolerance on each attribution (the 1e-4). */
  readonly rel: number;
  /** Absolute floor, for attributions that are (nearly) zero. */
  readonly abs: number;
}

export const MAXPOOL_TOLERANCE: MaxPoolTolerance = { rel: 1e-4, abs: 1e-7 };

/**
 * Registers, for fixture `f` on `model()`: the forward pass against the exported torch model,
 * DeepLift with per-example non-zero baselines and DeepLiftShap with three baselines, both
 * against Captum's attributions, and their deltas (Captum's are ~1e-17).
 */
export function captumDeepLiftMaxPool(f: MaxPoolFixture, model: () => Model, tol: MaxPoolTolerance = MAXPOOL_TOLERANCE): void {
  const x = () => stack(f.inputs, f.input_shape);
  const deltaTol = (i: number, ref: number) => 1e-5 * Math.abs(f.outputs_float64.inputs[i]![f.targets[i]!]! - ref) + 1e-6;

  it('forward equals the exported torch model (float32)', async () => {
    expectRows(await model().forward(x()), f.outputs_float32, 1e-5, 1e-6, 'outputs');
  });

  it('DeepLift, non-zero baselines: = Captum', async () => {
    const res = await new DeepLift(model()).attribute(x(), { target: f.targets, baselines: stack(f.baselines, f.input_shape) });
    expect(res.method).toBe('deeplift');
    expectRows(res.attributions, f.deeplift.attributions, tol.rel, tol.abs, `${f.model} DeepLift`);
    f.targets.forEach((t, i) => expect(Math.abs(res.delta![i]!), `delta ${i}`).toBeLessThanOrEqual(deltaTol(i, f.outputs_float64.baselines[i]![t]!)));
  });

  it(`DeepLiftShap, ${f.shap_baselines.length} non-zero baselines: = Captum`, async () => {
    const res = await new DeepLiftShap(model()).attribute(x(), { target: f.targets, baselines: stack(f.shap_baselines, f.input_shape) });
    expect(res.method).toBe('deeplift-shap');
    expectRows(res.attributions, f.deeplift_shap.attributions, tol.rel, tol.abs, `${f.model} DeepLiftShap`);
    f.targets.forEach((t, i) => {
      const meanRef = f.outputs_float64.shap_baselines.reduce((s, o) => s + o[t]!, 0) / f.shap_baselines.length;
      expect(Math.abs(res.delta![i]!), `delta ${i}`).toBeLessThanOrEqual(deltaTol(i, meanRef));
    });
  });
}

/** mulberry32 uniform [lo, hi) tensor of `shape` (test data only). */
export function uniformTensor(shape: readonly number[], seed: number, lo = 0, hi = 1): Tensor {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const n = shape.reduce((p, d) => p * d, 1);
  return { shape: [...shape], data: Float32Array.from({ length: n }, () => lo + (hi - lo) * next()) };
}

/**
 * Conservation on `model()` (e.g. LeNet: Conv → ReLU → MaxPool twice) with random non-zero
 * baselines: |Σ attributions − (f(x) − f(x′))| ≤ rel·|f(x) − f(x′)| for DeepLift (per-example
 * baselines) and DeepLiftShap (three baselines; f(x′) their mean). Each example explains the
 * output whose difference is largest (no accidental cancellation to divide by). Σ attributions
 * is summed here in float64 from the returned attributions, independently of the method's delta.
 */
export function deepLiftConservation(model: () => Model, rel = 1e-5, n = 4): void {
  const rowsOf = (o: Tensor) => Array.from({ length: o.shape[0]! }, (_, i) => Array.from(o.data.subarray((i * o.data.length) / o.shape[0]!, ((i + 1) * o.data.length) / o.shape[0]!)));
  const sums = (attr: Tensor) => rowsOf(attr).map((r) => r.reduce((a, b) => a + b, 0));
  const check = async (method: DeepLift | DeepLiftShap, x: Tensor, base: Tensor, refOut: (fb: number[][], i: number) => number[]) => {
    const fx = rowsOf(await model().forward(x));
    const fb = rowsOf(await model().forward(base));
    const diffs = fx.map((row, i) => row.map((v, j) => v - refOut(fb, i)[j]!));
    const targets = diffs.map((d) => d.reduce((best, v, j) => (Math.abs(v) > Math.abs(d[best]!) ? j : best), 0));
    const res = await method.attribute(x, { target: targets, baselines: base });
    const s = sums(res.attributions);
    targets.forEach((t, i) => {
      const df = diffs[i]![t]!;
      expect(Math.abs(df), 'f(x) − f(x′) is not negligible').toBeGreaterThan(1e-3);
      expect(Math.abs(s[i]! - df), `example ${i}: Σ attr ${s[i]} vs Δf ${df}`).toBeLessThanOrEqual(rel * Math.abs(df));
    });
  };

  it(`DeepLift with random non-zero baselines conserves f(x) − f(x′) within ${rel} relative`, async () => {
    const shape = model().inputShape;
    await check(new DeepLift(model()), uniformTensor([n, ...shape], 11), uniformTensor([n, ...shape], 12, -0.5, 1.5), (fb, i) => fb[i]!);
  });

  it(`DeepLiftShap with 3 random non-zero baselines conserves f(x) − mean f(x′) within ${rel} relative`, async () => {
    const shape = model().inputShape;
    const mean = (fb: number[][]) => fb[0]!.map((_, j) => fb.reduce((a, r) => a + r[j]!, 0) / fb.length);
    await check(new DeepLiftShap(model()), uniformTensor([n, ...shape], 21), uniformTensor([3, ...shape], 22, -0.5, 1.5), (fb) => mean(fb));
  });
}
