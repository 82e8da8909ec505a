/** Host evaluation of ONNX ops on constant arrays (shape arithmetic, indices, small tensors). */
import { sizeOf } from '@glasswing/core';
import type { ElementKind } from '../proto/tensor.js';
import { BlockedError, arr, checkConstantSize, fmt, makeData, type ConstArr, type Data } from './values.js';

export function normAxis(axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new BlockedError(`${what} ${axis} is out of range for rank ${rank}`);
  return a;
}

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new BlockedError(`shapes ${fmt(a)} and ${fmt(b)} do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Index into `shape`-shaped data for each flat position of `out` (numpy broadcasting). */
function broadcastIndex(shape: readonly number[], out: readonly number[]): number[] {
  const n = sizeOf(out);
  checkConstantSize(n, `a broadcast to ${fmt(out)}`);
  const rank = out.length;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const inStrides = stridesOf(padded);
  const outStrides = stridesOf(out);
  const idx = new Array<number>(n);
  for (let f = 0; f < n; f++) {
    let rem = f;
    let src = 0;
    for (let d = 0; d < rank; d++) {
      const c = Math.floor(rem / outStrides[d]!);
      rem -= c * outStrides[d]!;
      if (padded[d] !== 1) src += c * inStrides[d]!;
    }
    idx[f] = src;
  }
  return idx;
}

export function expand(a: ConstArr, shape: readonly number[]): ConstArr {
  const out = broadcastShape(a.shape, shape);
  const idx = broadcastIndex(a.shape, out);
  const data = makeData(a.kind, idx.length);
  idx.forEach((s, i) => (data[i] = a.data[s]!));
  return arr(a.kind, out, data);
}

export type BinaryFn = (x: number, y: number) => number;

export function binary(a: ConstArr, b: ConstArr, fn: BinaryFn, kind: ElementKind = a.kind): ConstArr {
  const out = broadcastShape(a.shape, b.shape);
  const ia = broadcastIndex(a.shape, out);
  const ib = broadcastIndex(b.shape, out);
  const data = makeData(kind, ia.length);
  for (let i = 0; i < ia.length; i++) {
    const v = fn(a.data[ia[i]!]!, b.data[ib[i]!]!);
    data[i] = kind === 'int' ? Math.trunc(v) : kind === 'bool' ? (v ? 1 : 0) : v;
  }
  return arr(kind, out, data);
}

export function where(c: ConstArr, a: ConstArr, b: ConstArr): ConstArr {
  const out = broadcastShape(c.shape, broadcastShape(a.shape, b.shape));
  const ic = broadcastIndex(c.shape, out);
  const ia = broadcastIndex(a.shape, out);
  const ib = broadcastIndex(b.shape, out);
  const data = makeData(a.kind, ic.length);
  for (let i = 0; i < ic.length; i++) data[i] = c.data[ic[i]!] ? a.data[ia[i]!]! : b.data[ib[i]!]!;
  return arr(a.kind, out, data);
}

export function reshapeTo(a: ConstArr, shape: readonly number[]): ConstArr {
  if (sizeOf(shape) !== a.data.length) throw new BlockedError(`cannot reshape ${fmt(a.shape)} to ${fmt(shape)}`);
  return { kind: a.kind, shape: [...shape], data: a.data };
}

/** ONNX Reshape target resolution (0 copies unless allowzero, -1 inferred). */
export function resolveReshape(inShape: readonly number[], spec: readonly number[], allowZero: boolean): number[] {
  const out = spec.map((d, i) => (d === 0 && !allowZero ? inShape[i]! : d));
  const neg = out.filter((d) => d === -1).length;
  if (neg > 1 || out.some((d) => d < -1 || d === undefined)) throw new BlockedError(`invalid reshape target ${fmt(spec)}`);
  if (neg === 1) {
    const known = out.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    const total = sizeOf(inShape);
    if (known === 0 || total % known !== 0) throw new BlockedError(`cannot reshape ${fmt(inShape)} to ${fmt(spec)}`);
    out[out.indexOf(-1)] = total / known;
  }
  if (sizeOf(out) !== sizeOf(inShape)) throw new BlockedError(`cannot reshape ${fmt(inShape)} to ${fmt(spec)}`);
  return out;
}

export function concat(parts: readonly ConstArr[], axis: number): ConstArr {
  const first = parts[0]!;
  const rank = first.shape.length;
  const ax = normAxis(axis, rank);
  const outer = sizeOf(first.shape.slice(0, ax));
  const kind = first.kind;
  const shape = [...first.shape];
  shape[ax] = parts.reduce((n, p) => n + p.shape[ax]!, 0);
  const data = makeData(kind, sizeOf(shape));
  let off = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const inner = sizeOf(p.shape.slice(ax));
      for (let j = 0; j < inner; j++) data[off++] = p.data[o * inner + j]!;
    }
  }
  return arr(kind, shape, data);
}

/** Gather with (possibly multi-dimensional) indices along `axis`. */
export function gather(a: ConstArr, indices: ConstArr, axis: number): ConstArr {
  const ax = normAxis(axis, a.shape.length);
  const dim = a.shape[ax]!;
  const outer = sizeOf(a.shape.slice(0, ax));
  const inner = sizeOf(a.shape.slice(ax + 1));
  const idx = Array.from(indices.data, (i) => {
    const j = i < 0 ? i + dim : i;
    if (!Number.isInteger(j) || j < 0 || j >= dim) throw new BlockedError(`Gather index ${i} is out of range for dimension ${dim}`);
    return j;
  });
  const shape = [...a.shape.slice(0, ax), ...indices.shape, ...a.shape.slice(ax + 1)];
  const data = makeData(a.kind, sizeOf(shape));
  let off = 0;
  for (let o = 0; o < outer; o++) {
    for (const j of idx) for (let k = 0; k < inner; k++) data[off++] = a.data[(o * dim + j) * inner + k]!;
  }
  return arr(a.kind, shape, data);
}

/** ONNX Slice (any steps) on a constant. */
export function slice(a: ConstArr, starts: readonly number[], ends: readonly number[], axes: readonly number[], steps: readonly number[]): ConstArr {
  const rank = a.shape.length;
  const picks: number[][] = a.shape.map((d) => Array.from({ length: d }, (_, i) => i));
  axes.forEach((axis, k) => {
    const ax = normAxis(axis, rank);
    const d = a.shape[ax]!;
    const step = steps[k] ?? 1;
    if (step === 0) throw new BlockedError('Slice step 0');
    let s = starts[k]!;
    let e = ends[k]!;
    if (s < 0) s += d;
    if (e < 0) e += d;
    const list: number[] = [];
    if (step > 0) {
      s = Math.min(Math.max(s, 0), d);
      e = Math.min(Math.max(e, 0), d);
      for (let i = s; i < e; i += step) list.push(i);
    } else {
      s = Math.min(Math.max(s, -1), d - 1);
      e = Math.min(Math.max(e, -1), d - 1);
      for (let i = s; i > e; i += step) list.push(i);
    }
    picks[ax] = list;
  });
  const shape = picks.map((p) => p.length);
  const strides = stridesOf(a.shape);
  const data = makeData(a.kind, sizeOf(shape));
  const n = data.length;
  const counter = new Array<number>(rank).fill(0);
  for (let f = 0; f < n; f++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += picks[d]![counter[d]!]! * strides[d]!;
    data[f] = a.data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++counter[d]! < shape[d]!) break;
      counter[d] = 0;
    }
  }
  return arr(a.kind, shape, data);
}

export function transpose(a: ConstArr, perm: readonly number[]): ConstArr {
  const shape = perm.map((p) => a.shape[p]!);
  const inStrides = stridesOf(a.shape);
  const data = makeData(a.kind, a.data.length);
  const rank = shape.length;
  const counter = new Array<number>(rank).fill(0);
  for (let f = 0; f < data.length; f++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += counter[d]! * inStrides[perm[d]!]!;
    data[f] = a.data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++counter[d]! < shape[d]!) break;
      counter[d] = 0;
    }
  }
  return arr(a.kind, shape, data);
}

export function castTo(a: ConstArr, kind: ElementKind): ConstArr {
  const n = a.data.length;
  const data: Data = makeData(kind, n);
  for (let i = 0; i < n; i++) {
    const v = a.data[i]!;
    data[i] = kind === 'int' ? Math.trunc(v) : kind === 'bool' ? (v !== 0 ? 1 : 0) : v;
  }
  return arr(kind, a.shape, data);
}
