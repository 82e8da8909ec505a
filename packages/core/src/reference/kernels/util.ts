/** Shared shape helpers for the reference kernels. */
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';

export function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Validate a shape argument (non-negative integers) and return a private copy. */
export function checkShape(shape: readonly number[], what: string): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${what}: shape must be an array of integers`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${what}: invalid dimension ${d} in shape ${fmt(shape)}`);
  }
  return [...shape];
}

/** Validate that a tensor's data length matches its shape. */
export function checkTensor(t: Tensor, what: string): void {
  if (t === null || typeof t !== 'object' || !(t.data instanceof Float32Array) || !Array.isArray(t.shape)) {
    throw new ShapeError(`${what}: expected a tensor {shape, data: Float32Array}`);
  }
  const n = sizeOfShape(t.shape);
  if (t.data.length !== n) {
    throw new ShapeError(`${what}: data has ${t.data.length} elements but shape ${fmt(t.shape)} needs ${n}`);
  }
}

/** Row-major strides. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Normalise a possibly negative axis for a tensor of the given rank. */
export function normAxis(axis: number, rank: number, what: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(`${what}: axis ${axis} is out of range for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** numpy broadcast of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[], what: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)]!;
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)]!;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else throw new ShapeError(`${what}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together`);
  }
  return out;
}

/**
 * Strides for reading a tensor of shape `src` as if broadcast to `out` (0 on broadcast dims).
 * `src` must already be broadcast-compatible with `out`.
 */
export function broadcastStrides(src: readonly number[], out: readonly number[]): number[] {
  const rank = out.length;
  const st = stridesOf(src);
  const res = new Array<number>(rank).fill(0);
  const off = rank - src.length;
  for (let i = 0; i < src.length; i++) res[i + off] = src[i] === 1 && out[i + off] !== 1 ? 0 : st[i]!;
  return res;
}

/**
 * Odometer over all but the last dimension of `shape`: advances the multi-index `idx` to the next
 * row (row-major) and returns `off` moved by the matching `strides`. Wraps to all zeros after
 * the last row. Called once per row of `shape[rank - 1]` elements, never per element.
 */
export function nextRow(idx: number[], shape: readonly number[], strides: readonly number[], off: number): number {
  for (let d = shape.length - 2; d >= 0; d--) {
    idx[d]++;
    off += strides[d]!;
    if (idx[d]! < shape[d]!) return off;
    off -= strides[d]! * shape[d]!;
    idx[d] = 0;
  }
  return off;
}

/** Backprop kernels: `dy` must have the forward output's shape `yShape` (`kind`: 'pool' | 'conv'). */
export function checkDyShape(what: string, dy: Tensor, yShape: readonly number[], xShape: readonly number[], kind: string): void {
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== yShape[i])) {
    throw new ShapeError(`${what}: dy ${fmt(dy.shape)} does not match the ${kind} output ${fmt(yShape)} for input ${fmt(xShape)}`);
  }
}
