/**
 * Host tensor: a dense, row-major Float32Array with a shape. The exchange format between
 * Glasswing and every backend. Backends keep their own tensor types internally.
 */
import { ShapeError } from './errors.js';

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Create a tensor, validating that `data.length` matches the shape. */
export function tensor(data: Float32Array | ArrayLike<number>, shape: readonly number[]): Tensor {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`invalid dimension ${d} in shape [${shape.join(', ')}]`);
  }
  const arr = data instanceof Float32Array ? data : Float32Array.from(data);
  if (arr.length !== sizeOf(shape)) {
    throw new ShapeError(`data has ${arr.length} elements but shape [${shape.join(', ')}] needs ${sizeOf(shape)}`);
  }
  return { shape: [...shape], data: arr };
}

export function zeros(shape: readonly number[]): Tensor {
  return { shape: [...shape], data: new Float32Array(sizeOf(shape)) };
}

export function full(shape: readonly number[], value: number): Tensor {
  return { shape: [...shape], data: new Float32Array(sizeOf(shape)).fill(value) };
}

/** Number of examples (leading dimension). */
export function batchSize(t: Tensor): number {
  if (t.shape.length === 0) throw new ShapeError('a batched tensor needs at least one dimension');
  return t.shape[0]!;
}

/** Rows `[start, end)` along the batch axis (a copy-free view). */
export function sliceBatch(t: Tensor, start: number, end: number): Tensor {
  const per = sizeOf(t.shape.slice(1));
  return { shape: [end - start, ...t.shape.slice(1)], data: t.data.subarray(start * per, end * per) };
}

/** Concatenate tensors along the batch axis. */
export function concatBatch(parts: readonly Tensor[]): Tensor {
  if (parts.length === 0) throw new ShapeError('concatBatch needs at least one tensor');
  const rest = parts[0]!.shape.slice(1);
  let n = 0;
  for (const p of parts) {
    if (p.shape.length !== rest.length + 1 || p.shape.slice(1).some((d, i) => d !== rest[i])) {
      throw new ShapeError(`cannot concatenate [${p.shape.join(', ')}] with [*, ${rest.join(', ')}]`);
    }
    n += p.shape[0]!;
  }
  const out = new Float32Array(n * sizeOf(rest));
  let off = 0;
  for (const p of parts) {
    out.set(p.data, off);
    off += p.data.length;
  }
  return { shape: [n, ...rest], data: out };
}

/** Repeat each example `times` times consecutively: [a, b] -> [a, a, b, b] for times = 2. */
export function repeatEach(t: Tensor, times: number): Tensor {
  const n = batchSize(t);
  const per = sizeOf(t.shape.slice(1));
  const out = new Float32Array(n * times * per);
  for (let i = 0; i < n; i++) {
    const row = t.data.subarray(i * per, (i + 1) * per);
    for (let r = 0; r < times; r++) out.set(row, (i * times + r) * per);
  }
  return { shape: [n * times, ...t.shape.slice(1)], data: out };
}

/** Convert nested arrays (any depth) to a tensor. */
export function fromNested(value: unknown): Tensor {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat = (value as unknown[]).flat(Infinity as 1) as unknown[];
  if (flat.some((v) => typeof v !== 'number')) throw new ShapeError('nested array contains non-numbers or is ragged');
  if (flat.length !== sizeOf(shape)) throw new ShapeError('nested array is ragged');
  return tensor(flat as number[], shape);
}

/** Convert a tensor to nested arrays (for JSON output). */
export function toNested(t: Tensor): unknown {
  if (t.shape.length === 0) return t.data[0];
  const build = (dim: number, offset: number): unknown => {
    const n = t.shape[dim]!;
    if (dim === t.shape.length - 1) return Array.from(t.data.subarray(offset, offset + n));
    const stride = sizeOf(t.shape.slice(dim + 1));
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(build(dim + 1, offset + i * stride));
    return out;
  };
  return build(0, 0);
}
