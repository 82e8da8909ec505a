import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { referenceKernels as k } from '../index.js';

const t = (data: number[], shape: number[]): Tensor => ({ shape, data: Float32Array.from(data) });
const arr = (x: Tensor): number[] => Array.from(x.data);

function rand(shape: number[], seed: number, zeroFrac = 0): Tensor {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = Math.imul(s ^ (s >>> 15), 1 | s);
    z = (z + Math.imul(z ^ (z >>> 7), 61 | z)) ^ z;
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  const n = shape.reduce((p, d) => p * d, 1);
  return t(Array.from({ length: n }, () => (next() < zeroFrac ? 0 : next() * 2 - 1)), shape);
}

/** Obvious definition: element [b, i, j] = sum_k A(b)[i,k] B(b)[k,j], transposes by index swap. */
function naive(a: Tensor, b: Tensor, ta: boolean, tb: boolean): Tensor {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = ta ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const K = ta ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const N = tb ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const batch = ra >= rb ? a.shape.slice(0, ra - 2) : b.shape.slice(0, rb - 2);
  const nb = batch.reduce((p, d) => p * d, 1);
  const A = (p: number, i: number, kk: number) => {
    const off = ra === 2 ? 0 : p * M * K;
    return ta ? a.data[off + kk * M + i]! : a.data[off + i * K + kk]!;
  };
  const B = (p: number, kk: number, j: number) => {
    const off = rb === 2 ? 0 : p * K * N;
    return tb ? b.data[off + j * K + kk]! : b.data[off + kk * N + j]!;
  };
  const out: number[] = [];
  for (let p = 0; p < nb; p++)
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let kk = 0; kk < K; kk++) s += A(p, i, kk) * B(p, kk, j);
        out.push(s);
      }
  return t(out, [...batch, M, N]);
}

function expectClose(got: Tensor, want: Tensor, tol = 1e-5): void {
  expect(got.shape).toEqual(want.shape);
  const g = arr(got);
  arr(want).forEach((v, i) => expect(Math.abs(g[i]! - v)).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
}

describe('reference matmul', () => {
  it('2x3 · 3x2 hand example', () => {
    const r = k.matmul(t([1, 2, 3, 4, 5, 6], [2, 3]), t([7, 8, 9, 10, 11, 12], [3, 2]), false, false);
    expect(r.shape).toEqual([2, 2]);
    expect(arr(r)).toEqual([58, 64, 139, 154]);
  });
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      it(`2-D, transA=${ta} transB=${tb}, with zeros in A`, () => {
        const [M, K, N] = [5, 7, 6];
        const a = rand(ta ? [K, M] : [M, K], 1, 0.3);
        const b = rand(tb ? [N, K] : [K, N], 2);
        expectClose(k.matmul(a, b, ta, tb), naive(a, b, ta, tb));
      });
      it(`batched [2,3,...] both operands, transA=${ta} transB=${tb}`, () => {
        const [M, K, N] = [4, 5, 3];
        const a = rand([2, 3, ...(ta ? [K, M] : [M, K])], 3);
        const b = rand([2, 3, ...(tb ? [N, K] : [K, N])], 4);
        expectClose(k.matmul(a, b, ta, tb), naive(a, b, ta, tb));
      });
      it(`batched against a shared rank-2 operand (either side), transA=${ta} transB=${tb}`, () => {
        const [M, K, N] = [3, 4, 5];
        const a = rand([2, ...(ta ? [K, M] : [M, K])], 5);
        const b = rand(tb ? [N, K] : [K, N], 6);
        expectClose(k.matmul(a, b, ta, tb), naive(a, b, ta, tb));
        const a2 = rand(ta ? [K, M] : [M, K], 7);
        const b2 = rand([3, ...(tb ? [N, K] : [K, N])], 8);
        expectClose(k.matmul(a2, b2, ta, tb), naive(a2, b2, ta, tb));
      });
    }
  }
  it('large K stays accurate (float64 accumulation)', () => {
    const a = rand([3, 3136], 9, 0.5);
    const b = rand([3136, 4], 10);
    expectClose(k.matmul(a, b, false, false), naive(a, b, false, false), 1e-5);
  });
  it('rejects mismatched shapes with ShapeError', () => {
    expect(() => k.matmul(rand([2, 3], 1), rand([4, 2], 1), false, false)).toThrow(/inner dimensions/);
    expect(() => k.matmul(rand([2, 3], 1), rand([2, 3], 1), false, false)).toThrow(ShapeError);
    expect(() => k.matmul(rand([2, 2, 3], 1), rand([3, 3, 2], 1), false, false)).toThrow(/batch/);
    expect(() => k.matmul(rand([3], 1), rand([3, 2], 1), false, false)).toThrow(/rank/);
    expect(() => k.matmul(rand([2, 2, 2, 3], 1), rand([2, 3, 2], 1), false, false)).toThrow(ShapeError);
  });
});
