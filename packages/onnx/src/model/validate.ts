/**
 * Request validation with the same typed errors and messages as core's GraphModel:
 * ShapeError (inputs, overrides, reference), TargetError (seeds), InvalidArgumentError (layers,
 * disposed models), AbortError (signals).
 */
import {
  InvalidArgumentError,
  ShapeError,
  TargetError,
  sizeOf,
  throwIfAborted,
  type GradientRequest,
  type OutputSeed,
  type Tensor,
} from '@glasswing/core';

export function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function checkTensor(t: Tensor, what: string): void {
  if (!t || !Array.isArray(t.shape) || !(t.data instanceof Float32Array)) {
    throw new ShapeError(`${what} must be a tensor {shape, data: Float32Array}`);
  }
  if (t.data.length !== sizeOf(t.shape)) {
    throw new ShapeError(`${what} has ${t.data.length} values but shape ${fmt(t.shape)} needs ${sizeOf(t.shape)}`);
  }
}

/** Validate x against the per-example input shape; returns the batch size. */
export function checkInput(x: Tensor, inputShape: readonly number[], signal: AbortSignal | undefined, disposed: boolean): number {
  throwIfAborted(signal);
  if (disposed) throw new InvalidArgumentError('the model has been disposed');
  checkTensor(x, 'input');
  const ok = x.shape.length === inputShape.length + 1 && x.shape[0]! >= 1 && inputShape.every((d, i) => d === x.shape[i + 1]);
  if (!ok) throw new ShapeError(`input has shape ${fmt(x.shape)}, expected [N, ${inputShape.join(', ')}] with N >= 1`);
  return x.shape[0]!;
}

/** The seed as a tensor [n, ...outputShape] (index seeds become one-hot rows). */
export function seedTensor(seed: OutputSeed, n: number, outputShape: readonly number[]): Tensor {
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

/**
 * Map requested layer names (node names, or aliases such as ONNX tensor names) to node names;
 * InvalidArgumentError listing the unknown ones.
 */
export function resolveLayers(
  names: readonly string[],
  layerNames: readonly string[],
  alias: ((name: string) => string | undefined) | undefined,
): string[] {
  if (!Array.isArray(names)) throw new InvalidArgumentError('layers must be a list of layer names');
  const valid = new Set(layerNames);
  const bad: string[] = [];
  const out = names.map((n) => {
    if (valid.has(n)) return n;
    const a = typeof n === 'string' ? alias?.(n) : undefined;
    if (a !== undefined && valid.has(a)) return a;
    bad.push(String(n));
    return n;
  });
  if (bad.length > 0) {
    throw new InvalidArgumentError(`unknown layer(s) ${bad.join(', ')}; valid layers: ${layerNames.join(', ')}`);
  }
  return out;
}

/** Validated gradient request parts (everything but the seed). */
export function checkGradientRequest(x: Tensor, request: GradientRequest): void {
  for (const [name, t] of Object.entries(request.overrides ?? {})) checkTensor(t, `override for layer ${name}`);
  if (request.reference !== undefined) {
    checkTensor(request.reference, 'reference');
    if (fmt(request.reference.shape) !== fmt(x.shape)) {
      throw new ShapeError(`reference has shape ${fmt(request.reference.shape)} but x has shape ${fmt(x.shape)}`);
    }
  }
}
