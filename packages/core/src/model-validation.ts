/**
 * Request validation shared by the Model implementations (core's GraphModel, the ONNX adapter):
 * the same typed errors and messages everywhere — ShapeError (tensors, inputs, overrides,
 * reference), TargetError (output seeds), InvalidArgumentError (disposed models), AbortError.
 */
import { InvalidArgumentError, ShapeError, TargetError, throwIfAborted } from './errors.js';
import type { GradientRequest, OutputSeed } from './model.js';
import { sizeOf, type Tensor } from './tensor.js';

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** ShapeError unless `t` is a host tensor whose data length matches its shape (`what` names it). */
export function checkModelTensor(t: Tensor, what: string): void {
  if (!t || !Array.isArray(t.shape) || !(t.data instanceof Float32Array)) {
    throw new ShapeError(`${what} must be a tensor {shape, data: Float32Array}`);
  }
  if (t.data.length !== sizeOf(t.shape)) {
    throw new ShapeError(`${what} has ${t.data.length} values but shape ${fmt(t.shape)} needs ${sizeOf(t.shape)}`);
  }
}

/**
 * Validates a model call's input x [N, ...inputShape] (abort signal first, then a disposed model,
 * then the tensor and its shape); returns the batch size N.
 */
export function checkModelInput(x: Tensor, inputShape: readonly number[], signal: AbortSignal | undefined, disposed: boolean): number {
  throwIfAborted(signal);
  if (disposed) throw new InvalidArgumentError('the model has been disposed');
  checkModelTensor(x, 'input');
  const ok = x.shape.length === inputShape.length + 1 && x.shape[0]! >= 1 && inputShape.every((d, i) => d === x.shape[i + 1]);
  if (!ok) throw new ShapeError(`input has shape ${fmt(x.shape)}, expected [N, ${inputShape.join(', ')}] with N >= 1`);
  return x.shape[0]!;
}

/** The output seed as a tensor [n, ...outputShape] (index seeds become one-hot rows); TargetError if invalid. */
export function outputSeedTensor(seed: OutputSeed, n: number, outputShape: readonly number[]): Tensor {
  const per = sizeOf(outputShape);
  const shape = [n, ...outputShape];
  if (seed?.kind === 'index') {
    const idx = seed.indices;
    if (!Array.isArray(idx) || idx.length !== n) {
      throw new TargetError(`expected ${n} target indices (one per example), got ${Array.isArray(idx) ? idx.length : typeof idx}`);
    }
    const data = new Float32Array(n * per);
    idx.forEach((t, i) => {
      if (!Number.isInteger(t) || t < 0 || t >= per) {
        throw new TargetError(`target ${String(t)} for example ${i} is out of range [0, ${per})`);
      }
      data[i * per + t] = 1;
    });
    return { shape, data };
  }
  if (seed?.kind === 'tensor') {
    const s = seed.seed;
    if (!s || !(s.data instanceof Float32Array) || fmt(s.shape) !== fmt(shape) || s.data.length !== n * per) {
      throw new TargetError(`output seed must have shape ${fmt(shape)}, got ${s && Array.isArray(s.shape) ? fmt(s.shape) : 'no tensor'}`);
    }
    return s;
  }
  throw new TargetError(`unknown output seed kind ${String((seed as { kind?: unknown } | undefined)?.kind)}`);
}

/** Checks a gradient request's tensors: each override, and the reference (same shape as x). */
export function checkRequestTensors(x: Tensor, request: GradientRequest): void {
  for (const [name, t] of Object.entries(request.overrides ?? {})) checkModelTensor(t, `override for layer ${name}`);
  if (request.reference !== undefined) {
    checkModelTensor(request.reference, 'reference');
    if (fmt(request.reference.shape) !== fmt(x.shape)) {
      throw new ShapeError(`reference has shape ${fmt(request.reference.shape)} but x has shape ${fmt(x.shape)}`);
    }
  }
}
