/** Tensor comparison with readable failure messages. */
import type { Tensor } from '@glasswing/core';

export interface Tolerance {
  /** Absolute tolerance. */
  readonly atol: number;
  /** Relative tolerance (times |expected|). */
  readonly rtol: number;
}

/** A conformance check failed; the message says what, where, and by how much. */
export class ConformanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceError';
  }
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function unravel(index: number, shape: readonly number[]): string {
  const out: number[] = [];
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    out.unshift(rest % shape[d]!);
    rest = Math.floor(rest / shape[d]!);
  }
  return `[${out.join(', ')}]`;
}

/** Throws ConformanceError unless |actual − expected| ≤ atol + rtol·|expected| element-wise. */
export function expectClose(
  actual: Tensor,
  expected: Tensor | ArrayLike<number>,
  tol: Tolerance,
  what: string,
): void {
  const expShape = 'shape' in expected ? (expected as Tensor).shape : actual.shape;
  const exp = 'shape' in expected ? (expected as Tensor).data : (expected as ArrayLike<number>);
  if (!sameShape(actual.shape, expShape) || actual.data.length !== exp.length) {
    throw new ConformanceError(`${what}: shape [${actual.shape.join(', ')}] but expected [${expShape.join(', ')}]`);
  }
  let worst = -1;
  let worstExcess = 0;
  let failures = 0;
  for (let i = 0; i < exp.length; i++) {
    const a = actual.data[i]!;
    const e = exp[i]!;
    if (!Number.isFinite(a)) {
      throw new ConformanceError(`${what}: non-finite value ${a} at ${unravel(i, actual.shape)} (expected ${e})`);
    }
    const excess = Math.abs(a - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (excess > 0) {
      failures++;
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = i;
      }
    }
  }
  if (failures > 0) {
    const a = actual.data[worst]!;
    const e = exp[worst]!;
    throw new ConformanceError(
      `${what}: ${failures}/${exp.length} elements out of tolerance (atol ${tol.atol}, rtol ${tol.rtol}); ` +
        `worst at ${unravel(worst, actual.shape)}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e).toExponential(3)})`,
    );
  }
}

export function maxAbs(data: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) m = Math.max(m, Math.abs(data[i]!));
  return m;
}

/** Element-wise map into a new tensor. */
export function mapTensor(t: Tensor, fn: (v: number, i: number) => number): Tensor {
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = fn(t.data[i]!, i);
  return { shape: [...t.shape], data: out };
}
