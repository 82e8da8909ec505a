/**
 * Values the importer tracks per TensorFlow tensor. Shapes and folded constants are carried in two
 * "worlds" that differ only in the batch size (WORLD_BATCH): a number that differs between the
 * worlds depends on the batch, so shape subgraphs (Shape -> StridedSlice -> Pack -> Reshape) fold
 * with a SYMBOLIC batch dimension.
 */
export const WORLD_BATCH = [17, 23] as const;
export type World = 0 | 1;

export type ElementKind = 'float' | 'int' | 'bool';

/** A host constant: floats as float32, integers and booleans (0/1) as plain numbers. */
export interface ConstArr {
  readonly kind: ElementKind;
  readonly shape: readonly number[];
  readonly data: Float32Array | readonly number[];
}

export interface RuntimeValue {
  readonly kind: 'runtime';
  /** IR tensor name. */
  readonly name: string;
  /** Shape in each world (-1 for unknown dimensions). */
  readonly shapes: readonly [readonly number[], readonly number[]];
}

export interface ConstValue {
  readonly kind: 'const';
  readonly w: readonly [ConstArr, ConstArr];
  /** The TensorFlow node it came from (names its initializer). */
  readonly source?: string;
}

export interface UnknownValue {
  readonly kind: 'unknown';
}

export type Value = RuntimeValue | ConstValue | UnknownValue;

/** A node cannot be imported as configured; the message says why (collected, then thrown at once). */
export class ImportIssue extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportIssue';
  }
}

export const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function arr(kind: ElementKind, shape: readonly number[], data: ArrayLike<number>): ConstArr {
  if (data.length !== sizeOf(shape)) throw new Error(`internal: ${data.length} values for shape ${fmt(shape)}`);
  return { kind, shape: [...shape], data: kind === 'float' ? Float32Array.from(data) : Array.from(data) };
}

export function ints(values: readonly number[], shape: readonly number[] = [values.length]): ConstArr {
  return arr('int', shape, values);
}

export function sameArr(a: ConstArr, b: ConstArr): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  for (let i = 0; i < a.data.length; i++) {
    if (a.data[i] !== b.data[i] && !(Number.isNaN(a.data[i]) && Number.isNaN(b.data[i]))) return false;
  }
  return true;
}

export function constOf(a: ConstArr, source?: string): ConstValue {
  return source === undefined ? { kind: 'const', w: [a, a] } : { kind: 'const', w: [a, a], source };
}

/** A constant per world, collapsed to one when both agree. */
export function worldConst(w0: ConstArr, w1: ConstArr): ConstValue {
  return { kind: 'const', w: sameArr(w0, w1) ? [w0, w0] : [w0, w1] };
}

/** True when the constant does not depend on the batch size. */
export function batchIndependent(v: ConstValue): boolean {
  return sameArr(v.w[0], v.w[1]);
}

/** Shapes of a value in both worlds. */
export function shapesOf(v: Value): readonly [readonly number[], readonly number[]] {
  if (v.kind === 'runtime') return v.shapes;
  if (v.kind === 'const') return [v.w[0].shape, v.w[1].shape];
  throw new ImportIssue('internal: the shape of an unknown value');
}

/** The value's list of numbers in each world (constants only). */
export function listsOf(v: Value, what: string): [number[], number[]] {
  if (v.kind !== 'const') throw new ImportIssue(`${what} must be a constant, but it is computed from the model input`);
  return [Array.from(v.w[0].data), Array.from(v.w[1].data)];
}
