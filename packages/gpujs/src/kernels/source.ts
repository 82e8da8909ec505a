/**
 * Source text helpers for our gpu.js kernels. Every shape number is inlined as a literal, so one
 * source is one (kernel, shape) pair: the runtime compiles it once and caches it. Index arithmetic
 * is float arithmetic on GL (and f32 on webasm): `floor(i / d)` can round across an integer for
 * large i, so every division is corrected exactly (`divmod`); integers stay exact below 2^24.
 */
import { CapabilityError, ShapeError } from '@glasswing/core';

/** Largest element count whose flat indices are exact in float32. */
export const MAX_EXACT_INDEX = 2 ** 24;

export function checkSize(what: string, shape: readonly number[]): number {
  const n = shape.reduce((a, d) => a * d, 1);
  if (n > MAX_EXACT_INDEX) {
    throw new CapabilityError(`${what}: ${n} elements [${shape.join(', ')}] exceed gpu.js' exact float32 index range (2^24)`);
  }
  return n;
}

/** `let q = ⌊i / d⌋; let r = i − q·d` for an integer-valued i and literal d ≥ 1, exact. */
export function divmod(q: string, r: string, i: string, d: number): string {
  if (d === 1) return `let ${q} = ${i}; let ${r} = 0;`;
  return (
    `let ${q} = Math.floor(${i} / ${d}); let ${r} = ${i} - ${q} * ${d};` +
    ` if (${r} < 0) { ${q} = ${q} - 1; ${r} = ${r} + ${d}; }` +
    ` if (${r} >= ${d}) { ${q} = ${q} + 1; ${r} = ${r} - ${d}; }`
  );
}

/** Decompose `index` (default the thread id) into coordinates `${p}0 … ${p}{r−1}` of `dims` (row-major). */
export function coords(p: string, dims: readonly number[], index = 'this.thread.x'): string {
  const r = dims.length;
  if (r === 0) return '';
  const lines = [`let ${p}t${r - 1} = ${index};`];
  for (let k = r - 1; k >= 1; k--) {
    lines.push(divmod(`${p}t${k - 1}`, `${p}${k}`, `${p}t${k}`, dims[k]!));
  }
  lines.push(`let ${p}0 = ${p}t0;`);
  return lines.join('\n');
}

/** `offset + Σ c_k · s_k` over the non-zero strides. */
export function dot(p: string, strides: readonly number[], offset = 0): string {
  const terms = strides.flatMap((s, k) => (s === 0 ? [] : [s === 1 ? `${p}${k}` : `${p}${k} * ${s}`]));
  if (offset !== 0 || terms.length === 0) terms.unshift(String(offset));
  return terms.join(' + ');
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    s[k] = acc;
    acc *= shape[k]!;
  }
  return s;
}

/**
 * Drop size-1 output dims and merge neighbours every operand steps through contiguously, so the
 * generated index code is as short as the access pattern allows.
 */
export function simplify(dims: readonly number[], strides: readonly (readonly number[])[]): { dims: number[]; strides: number[][] } {
  const keep = dims.map((d, k) => (d === 1 ? -1 : k)).filter((k) => k >= 0);
  const outDims: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (const k of keep) {
    const last = outDims.length - 1;
    const mergeable = last >= 0 && strides.every((s, j) => outStrides[j]![last] === s[k]! * dims[k]!);
    if (mergeable) {
      outDims[last] = outDims[last]! * dims[k]!;
      strides.forEach((s, j) => (outStrides[j]![last] = s[k]!));
    } else {
      outDims.push(dims[k]!);
      strides.forEach((s, j) => outStrides[j]!.push(s[k]!));
    }
  }
  return { dims: outDims, strides: outStrides };
}

export function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** numpy broadcast of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[], what: string): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let k = 0; k < r; k++) {
    const da = a[a.length - r + k] ?? 1;
    const db = b[b.length - r + k] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new ShapeError(`${what}: shapes ${fmt(a)} and ${fmt(b)} do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Strides reading `shape` broadcast to `out` (0 along broadcast dims). */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const s = stridesOf(shape);
  const off = out.length - shape.length;
  return out.map((d, k) => {
    const j = k - off;
    if (j < 0) return 0;
    return shape[j] === 1 && d !== 1 ? 0 : shape[j] === 1 ? 0 : s[j]!;
  });
}

/** Normalise a possibly negative axis. */
export function normAxis(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= Math.max(rank, 1)) throw new ShapeError(`${what}: axis ${axis} out of range for rank ${rank}`);
  return a;
}
