/**
 * Values the importer tracks per ONNX tensor. Shapes and folded constants are carried in two
 * "worlds" that differ only in the batch size (WORLD_BATCH): a number that differs between the
 * worlds depends on the batch, so shape subgraphs fold with a SYMBOLIC batch dimension.
 */
import { sizeOf } from '@glasswing/core';
import type { ElementKind } from '../proto/tensor.js';

export const WORLD_BATCH = [17, 23] as const;

export type Data = Float32Array | number[];

export interface ConstArr {
  readonly kind: ElementKind;
  readonly shape: readonly number[];
  readonly data: Data;
}

export interface RuntimeValue {
  readonly kind: 'runtime';
  /** IR tensor name. */
  readonly name: string;
  /** Shape in each world (-1 for unknown non-batch dimensions). */
  readonly shapes: readonly [readonly number[], readonly number[]];
}

export interface ConstValue {
  readonly kind: 'const';
  readonly w: readonly [ConstArr, ConstArr];
  /** The ONNX tensor name it came from (used to name its initializer). */
  readonly source?: string;
}

export interface UnknownValue {
  readonly kind: 'unknown';
}

export type Value = RuntimeValue | ConstValue | UnknownValue;

/** A converter cannot map a node: the model becomes forward-only with this reason. */
export class BlockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockedError';
  }
}

export function constOf(a: ConstArr, source?: string): ConstValue {
  return source === undefined ? { kind: 'const', w: [a, a] } : { kind: 'const', w: [a, a], source };
}

export function worldConst(w0: ConstArr, w1: ConstArr): ConstValue {
  return { kind: 'const', w: [w0, w1] };
}

export function sameArr(a: ConstArr, b: ConstArr): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i] && !(Number.isNaN(a.data[i]) && Number.isNaN(b.data[i]))) return false;
  return true;
}

/** True when the constant does not depend on the batch size. */
export function batchIndependent(v: ConstValue): boolean {
  return sameArr(v.w[0], v.w[1]);
}

export function ints(values: readonly number[], shape: readonly number[] = [values.length]): ConstArr {
  return { kind: 'int', shape: [...shape], data: [...values] };
}

export function floats(values: ArrayLike<number>, shape: readonly number[]): ConstArr {
  return { kind: 'float', shape: [...shape], data: Float32Array.from(values) };
}

/** Default of OnnxImportOptions.maxConstantElements: 2^24 elements (64 MiB of float32). */
export const DEFAULT_MAX_CONSTANT_ELEMENTS = 2 ** 24;
let maxConstantElements = DEFAULT_MAX_CONSTANT_ELEMENTS;

/** Run `fn` (synchronous: one import) with the cap on folded constants set to `limit`. */
export function withConstantLimit<T>(limit: number, fn: () => T): T {
  const saved = maxConstantElements;
  maxConstantElements = limit;
  try {
    return fn();
  } finally {
    maxConstantElements = saved;
  }
}

/**
 * Refuse to fold a constant of `n` elements above the cap, before allocating it: a tiny model can
 * declare a ConstantOfShape / Expand / Range of billions of elements.
 */
export function checkConstantSize(n: number, what = 'a constant'): void {
  if (!Number.isFinite(n) || n > maxConstantElements) {
    throw new BlockedError(
      `folding ${what} would create ${n} elements, more than the limit of ${maxConstantElements} (OnnxImportOptions.maxConstantElements)`,
    );
  }
}

export function makeData(kind: ElementKind, n: number): Data {
  checkConstantSize(n);
  return kind === 'float' ? new Float32Array(n) : new Array<number>(n).fill(0);
}

export function arr(kind: ElementKind, shape: readonly number[], data: Data): ConstArr {
  if (data.length !== sizeOf(shape)) throw new Error(`internal: ${data.length} values for shape [${shape.join(', ')}]`);
  return { kind, shape: [...shape], data };
}

export const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;
