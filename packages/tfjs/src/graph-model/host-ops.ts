/** Exact host evaluation of constant tensors (shape arithmetic: integers stay integers). */
import { ImportIssue, arr, fmt, sizeOf, type ConstArr, type ElementKind } from './values.js';

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

export function normAxis(axis: number, rank: number, what: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw new ImportIssue(`${what} ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

export function reshapeTo(a: ConstArr, shape: readonly number[]): ConstArr {
  if (sizeOf(shape) !== a.data.length) throw new ImportIssue(`cannot reshape ${fmt(a.shape)} to ${fmt(shape)}`);
  return { kind: a.kind, shape: [...shape], data: a.data };
}

/** TF Reshape target: one -1 is inferred. */
export function resolveReshape(from: readonly number[], spec: readonly number[]): number[] {
  const total = sizeOf(from);
  const known = spec.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const infer = spec.filter((d) => d === -1).length;
  if (infer > 1 || spec.some((d) => d < -1)) throw new ImportIssue(`invalid reshape target ${fmt(spec)}`);
  if (infer === 0) return [...spec];
  if (known === 0 || total % known !== 0) throw new ImportIssue(`cannot reshape ${fmt(from)} to ${fmt(spec)}`);
  return spec.map((d) => (d === -1 ? total / known : d));
}

/** Element-wise over numpy broadcasting; `kind` is the result's element kind. */
export function binary(a: ConstArr, b: ConstArr, kind: ElementKind, fn: (x: number, y: number) => number): ConstArr {
  const rank = Math.max(a.shape.length, b.shape.length);
  const pa = [...new Array<number>(rank - a.shape.length).fill(1), ...a.shape];
  const pb = [...new Array<number>(rank - b.shape.length).fill(1), ...b.shape];
  const out = pa.map((d, i) => {
    const e = pb[i]!;
    if (d !== e && d !== 1 && e !== 1) throw new ImportIssue(`shapes ${fmt(a.shape)} and ${fmt(b.shape)} do not broadcast`);
    return d === 1 ? e : d;
  });
  const sa = stridesOf(pa).map((s, i) => (pa[i] === 1 ? 0 : s));
  const sb = stridesOf(pb).map((s, i) => (pb[i] === 1 ? 0 : s));
  const so = stridesOf(out);
  const n = sizeOf(out);
  const data = new Array<number>(n);
  for (let f = 0; f < n; f++) {
    let ia = 0;
    let ib = 0;
    let r = f;
    for (let d = 0; d < rank; d++) {
      const c = Math.floor(r / so[d]!);
      r -= c * so[d]!;
      ia += c * sa[d]!;
      ib += c * sb[d]!;
    }
    data[f] = fn(a.data[ia]!, b.data[ib]!);
  }
  return arr(kind, out, data);
}

export function unary(a: ConstArr, kind: ElementKind, fn: (x: number) => number): ConstArr {
  return arr(kind, a.shape, Array.from(a.data, fn));
}

/** Round integers towards zero after float arithmetic (TF int32 semantics), floats to float32. */
export function numericKind(a: ConstArr, b: ConstArr): ElementKind {
  return a.kind === 'float' || b.kind === 'float' ? 'float' : 'int';
}

export function transpose(a: ConstArr, perm: readonly number[]): ConstArr {
  const rank = a.shape.length;
  if (perm.length !== rank || [...perm].sort((x, y) => x - y).some((v, i) => v !== i)) {
    throw new ImportIssue(`perm ${fmt(perm)} is not a permutation of ${rank} axes`);
  }
  const out = perm.map((p) => a.shape[p]!);
  const si = stridesOf(a.shape);
  const so = stridesOf(out);
  const data = new Array<number>(a.data.length);
  for (let f = 0; f < data.length; f++) {
    let r = f;
    let src = 0;
    for (let d = 0; d < rank; d++) {
      const c = Math.floor(r / so[d]!);
      r -= c * so[d]!;
      src += c * si[perm[d]!]!;
    }
    data[f] = a.data[src]!;
  }
  return arr(a.kind, out, data);
}

export function concat(parts: readonly ConstArr[], axis: number): ConstArr {
  if (parts.length === 0) throw new ImportIssue('concatenation of no tensors');
  const rank = parts[0]!.shape.length;
  const ax = normAxis(axis, Math.max(rank, 1), 'concat axis');
  const kind = parts.some((p) => p.kind === 'float') ? 'float' : parts[0]!.kind;
  for (const p of parts) {
    if (p.shape.length !== rank || p.shape.some((d, i) => i !== ax && d !== parts[0]!.shape[i])) {
      throw new ImportIssue(`cannot concatenate ${parts.map((q) => fmt(q.shape)).join(', ')} along axis ${ax}`);
    }
  }
  const out = [...parts[0]!.shape];
  out[ax] = parts.reduce((s, p) => s + p.shape[ax]!, 0);
  const outer = sizeOf(out.slice(0, ax));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const chunk = sizeOf(p.shape.slice(ax));
      for (let i = 0; i < chunk; i++) data.push(p.data[o * chunk + i]!);
    }
  }
  return arr(kind, out, data);
}

/** Gather along `axis` with integer indices (any shape; negative indices are errors, as in TF). */
export function gather(a: ConstArr, indices: ConstArr, axis: number): ConstArr {
  const ax = normAxis(axis, a.shape.length, 'gather axis');
  const dim = a.shape[ax]!;
  const outer = sizeOf(a.shape.slice(0, ax));
  const inner = sizeOf(a.shape.slice(ax + 1));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const raw of Array.from(indices.data)) {
      if (!Number.isInteger(raw) || raw < 0 || raw >= dim) throw new ImportIssue(`gather index ${raw} is out of range for size ${dim}`);
      for (let i = 0; i < inner; i++) data.push(a.data[(o * dim + raw) * inner + i]!);
    }
  }
  return arr(a.kind, [...a.shape.slice(0, ax), ...indices.shape, ...a.shape.slice(ax + 1)], data);
}

/** Elements begin + k·stride (k < size) per dimension; the result has shape `size`. */
export function stridedGather(a: ConstArr, begin: readonly number[], stride: readonly number[], size: readonly number[]): ConstArr {
  const si = stridesOf(a.shape);
  const so = stridesOf(size);
  const n = sizeOf(size);
  const data = new Array<number>(n);
  for (let f = 0; f < n; f++) {
    let r = f;
    let src = 0;
    for (let d = 0; d < size.length; d++) {
      const c = Math.floor(r / so[d]!);
      r -= c * so[d]!;
      src += (begin[d]! + c * stride[d]!) * si[d]!;
    }
    data[f] = a.data[src]!;
  }
  return arr(a.kind, size, data);
}

export type Reducer = 'sum' | 'prod' | 'max' | 'min' | 'mean' | 'all' | 'any';

export function reduce(a: ConstArr, axes: readonly number[], keep: boolean, op: Reducer): ConstArr {
  const rank = a.shape.length;
  const ax = new Set(axes.map((x) => normAxis(x, Math.max(rank, 1), 'reduction axis')));
  const outFull = a.shape.map((d, i) => (ax.has(i) ? 1 : d));
  const so = stridesOf(outFull);
  const si = stridesOf(a.shape);
  const n = sizeOf(outFull);
  const init = op === 'prod' || op === 'all' ? 1 : op === 'max' ? -Infinity : op === 'min' ? Infinity : 0;
  const acc = new Array<number>(n).fill(init);
  const count = new Array<number>(n).fill(0);
  for (let f = 0; f < a.data.length; f++) {
    let r = f;
    let o = 0;
    for (let d = 0; d < rank; d++) {
      const c = Math.floor(r / si[d]!);
      r -= c * si[d]!;
      if (!ax.has(d)) o += c * so[d]!;
    }
    const v = a.data[f]!;
    count[o]!++;
    if (op === 'sum' || op === 'mean') acc[o]! += v;
    else if (op === 'prod') acc[o]! *= v;
    else if (op === 'max') acc[o] = Math.max(acc[o]!, v);
    else if (op === 'min') acc[o] = Math.min(acc[o]!, v);
    else if (op === 'all') acc[o] = acc[o]! && v ? 1 : 0;
    else acc[o] = acc[o]! || v ? 1 : 0;
  }
  const data = op === 'mean' ? acc.map((s, i) => (a.kind === 'int' ? Math.trunc(s / count[i]!) : s / count[i]!)) : acc;
  const shape = keep ? outFull : a.shape.filter((_, i) => !ax.has(i));
  const kind: ElementKind = op === 'all' || op === 'any' ? 'bool' : a.kind;
  return arr(kind, shape, data);
}

export function castTo(a: ConstArr, kind: ElementKind): ConstArr {
  if (kind === a.kind) return a;
  if (kind === 'float') return arr('float', a.shape, a.data);
  if (kind === 'bool') return arr('bool', a.shape, Array.from(a.data, (v) => (v !== 0 ? 1 : 0)));
  return arr('int', a.shape, Array.from(a.data, (v) => Math.trunc(v)));
}

export function fill(shape: readonly number[], value: number, kind: ElementKind): ConstArr {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new ImportIssue(`invalid fill shape ${fmt(shape)}`);
  return arr(kind, shape, new Array<number>(sizeOf(shape)).fill(value));
}

export function range(start: number, limit: number, delta: number, kind: ElementKind): ConstArr {
  if (delta === 0) throw new ImportIssue('Range with delta 0');
  const n = Math.max(0, Math.ceil((limit - start) / delta));
  return arr(kind, [n], Array.from({ length: n }, (_, i) => start + i * delta));
}
