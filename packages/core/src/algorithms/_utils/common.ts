/**
 * Shared machinery for the attribution algorithms: option and result types, input / target /
 * baseline validation, target resolution, and the shared `attribute` body. Model calls go
 * through `ModelCaller` (caller.ts).
 */
import type { Model, OutputSeed } from '../../model.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import {
  CapabilityError,
  InvalidArgumentError,
  NumericError,
  ShapeError,
  TargetError,
  throwIfAborted,
} from '../../errors.js';
import type { Rng } from '../../random/prng.js';
import type { ResolvedTarget, Target } from './types.js';

export { ModelCaller, chunkCount, chunkRanges, expandedSeeds, seedSlice, seedsFor, type RowSeeds } from './caller.js';
export type { Target, Progress, CommonOptions, AttributionResult, ResolvedTarget } from './types.js';


export function outputSize(model: Model): number {
  return sizeOf(model.outputShape);
}

export function requireGradients(model: Model, method: string): void {
  if (!model.capabilities.gradients) {
    throw new CapabilityError(`${method} needs gradients, but the model (${model.backend}) does not provide them`);
  }
}

function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Checks x is [N ≥ 1, ...inputShape] with finite values; returns N. */
export function validateInput(model: Model, x: Tensor, name = 'x'): number {
  if (!x || !Array.isArray(x.shape) || !(x.data instanceof Float32Array)) {
    throw new InvalidArgumentError(`${name} must be a Tensor {shape, data: Float32Array}`);
  }
  const want = model.inputShape;
  if (x.shape.length !== want.length + 1 || want.some((d, i) => x.shape[i + 1] !== d)) {
    throw new ShapeError(`${name} has shape ${shapeStr(x.shape)} but the model expects [N, ${want.join(', ')}]`);
  }
  if (x.shape[0]! < 1) throw new ShapeError(`${name} has an empty batch (shape ${shapeStr(x.shape)})`);
  if (x.data.length !== sizeOf(x.shape)) {
    throw new ShapeError(`${name} has ${x.data.length} values but shape ${shapeStr(x.shape)} needs ${sizeOf(x.shape)}`);
  }
  assertFiniteInput(x.data, name);
  return x.shape[0]!;
}

function assertFiniteInput(data: Float32Array, name: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new InvalidArgumentError(`${name} contains a non-finite value (${data[i]}) at flat index ${i}`);
  }
}

export function checkPositiveInt(value: number | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** internalBatchSize: positive integer or undefined (= unlimited). */
export function checkBatchSize(value: number | undefined): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  return checkPositiveInt(value, 'internalBatchSize', 1);
}

export function checkNonNegative(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`${name} must be a finite number ≥ 0, got ${String(value)}`);
  }
  return value;
}

/** Sampling options shared by NoiseTunnel and GradientShap. */
export interface SamplingOptions {
  readonly nSamples?: number;
  readonly stdevs?: number;
  readonly seed?: number;
}

/** Validates nSamples (integer ≥ 1), stdevs (finite ≥ 0) and seed (integer), filling in `defaults`. */
export function checkSampling(
  options: SamplingOptions,
  defaults: Required<SamplingOptions>,
): { nSamples: number; stdev: number; seed: number } {
  const nSamples = checkPositiveInt(options.nSamples, 'nSamples', defaults.nSamples);
  const stdev = checkNonNegative(options.stdevs, 'stdevs', defaults.stdevs);
  const seed = options.seed ?? defaults.seed;
  if (!Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer, got ${String(seed)}`);
  return { nSamples, stdev, seed };
}

/**
 * dst[dstOff + j] = src[srcOff + j] + stdev · ε_j, ε_j = rng.normal() drawn in order j = 0..per−1;
 * with stdev 0 a plain copy that draws nothing.
 */
export function addNoise(
  src: Float32Array, srcOff: number, per: number, stdev: number, rng: Rng, dst: Float32Array, dstOff: number,
): void {
  for (let j = 0; j < per; j++) dst[dstOff + j] = stdev === 0 ? src[srcOff + j]! : src[srcOff + j]! + stdev * rng.normal();
}

function checkClassIndex(idx: unknown, size: number, where: string): number {
  if (typeof idx !== 'number' || !Number.isInteger(idx) || idx < 0 || idx >= size) {
    throw new TargetError(`${where}: target ${String(idx)} is not an integer in [0, ${size})`);
  }
  return idx;
}

/**
 * Validates a target against a batch of n examples without calling the model. Returns
 * `undefined` for the predicted-class target (resolved later from a forward pass).
 */
export function validateTarget(model: Model, target: Target | undefined, n: number): ResolvedTarget | undefined {
  if (target === undefined) return undefined;
  const size = outputSize(model);
  if (typeof target === 'number') {
    const idx = checkClassIndex(target, size, 'target');
    return { kind: 'index', indices: new Array<number>(n).fill(idx) };
  }
  if (Array.isArray(target)) {
    if (target.length !== n) throw new TargetError(`target has ${target.length} entries for ${n} examples`);
    return { kind: 'index', indices: target.map((t, i) => checkClassIndex(t, size, `example ${i}`)) };
  }
  const seed = target as OutputSeed;
  if (seed && typeof seed === 'object' && seed.kind === 'index') {
    if (!Array.isArray(seed.indices) || seed.indices.length !== n) {
      throw new TargetError(`output seed has ${String(seed.indices?.length)} indices for ${n} examples`);
    }
    return { kind: 'index', indices: seed.indices.map((t, i) => checkClassIndex(t, size, `example ${i}`)) };
  }
  if (seed && typeof seed === 'object' && seed.kind === 'tensor') {
    const t = seed.seed;
    const want = [n, ...model.outputShape];
    if (!t || !Array.isArray(t.shape) || t.shape.length !== want.length || want.some((d, i) => t.shape[i] !== d)) {
      throw new TargetError(`output seed tensor has shape ${shapeStr(t?.shape ?? [])}, expected ${shapeStr(want)}`);
    }
    if (!(t.data instanceof Float32Array) || t.data.length !== sizeOf(want)) {
      throw new TargetError('output seed tensor data does not match its shape');
    }
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i]!)) throw new TargetError(`output seed tensor has a non-finite value at ${i}`);
    }
    return { kind: 'tensor', seed: t };
  }
  throw new TargetError('target must be a class index, an array of class indices, or an OutputSeed');
}

/** Per-row argmax of the flattened outputs (first maximum). */
export function argmaxRows(outputs: Tensor, rows = outputs.shape[0]!): number[] {
  const per = sizeOf(outputs.shape.slice(1));
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < per; j++) if (outputs.data[r * per + j]! > outputs.data[r * per + best]!) best = j;
    out.push(best);
  }
  return out;
}

export function targetList(t: ResolvedTarget, n: number): number[] {
  return t.kind === 'index' ? [...t.indices] : new Array<number>(n).fill(-1);
}

/** Expands a target for expanded rows: row r explains example `exampleOf(r)`. */
export function expandTarget(t: ResolvedTarget, rows: number, exampleOf: (row: number) => number): ResolvedTarget {
  if (t.kind === 'index') return { kind: 'index', indices: Array.from({ length: rows }, (_, r) => t.indices[exampleOf(r)]!) };
  const per = sizeOf(t.seed.shape.slice(1));
  const data = new Float32Array(rows * per);
  for (let r = 0; r < rows; r++) data.set(t.seed.data.subarray(exampleOf(r) * per, (exampleOf(r) + 1) * per), r * per);
  return { kind: 'tensor', seed: { shape: [rows, ...t.seed.shape.slice(1)], data } };
}

/** The explained scalar of output row `row`, for target row `targetRow`. */
export function targetValue(outputs: Tensor, row: number, t: ResolvedTarget, targetRow: number): number {
  const per = sizeOf(outputs.shape.slice(1));
  if (t.kind === 'index') return outputs.data[row * per + t.indices[targetRow]!]!;
  let s = 0;
  for (let j = 0; j < per; j++) s += t.seed.data[targetRow * per + j]! * outputs.data[row * per + j]!;
  return s;
}

/**
 * Baselines for a batch of n examples, as [n, ...inputShape]: a number (every element), or a
 * tensor of shape [n, ...inputShape] (per example), [1, ...inputShape] or [...inputShape]
 * (shared). Default 0.
 */
export function resolveBaselines(baselines: number | Tensor | undefined, n: number, inputShape: readonly number[]): Tensor {
  const per = sizeOf(inputShape);
  if (baselines === undefined || typeof baselines === 'number') {
    const v = baselines ?? 0;
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`baseline must be finite, got ${v}`);
    return { shape: [n, ...inputShape], data: new Float32Array(n * per).fill(v) };
  }
  const b = baselines;
  if (!b || !Array.isArray(b.shape) || !(b.data instanceof Float32Array) || b.data.length !== sizeOf(b.shape)) {
    throw new InvalidArgumentError('baselines must be a number or a Tensor {shape, data: Float32Array}');
  }
  assertFiniteInput(b.data, 'baselines');
  const same = (a: readonly number[]) => a.length === inputShape.length && a.every((d, i) => d === inputShape[i]);
  if (same(b.shape) || (b.shape.length === inputShape.length + 1 && b.shape[0] === 1 && same(b.shape.slice(1)))) {
    const data = new Float32Array(n * per);
    for (let i = 0; i < n; i++) data.set(b.data, i * per);
    return { shape: [n, ...inputShape], data };
  }
  if (b.shape.length === inputShape.length + 1 && b.shape[0] === n && same(b.shape.slice(1))) return b;
  throw new ShapeError(
    `baselines have shape ${shapeStr(b.shape)}; expected [${n}, ${inputShape.join(', ')}], [1, ${inputShape.join(', ')}] or [${inputShape.join(', ')}]`,
  );
}
