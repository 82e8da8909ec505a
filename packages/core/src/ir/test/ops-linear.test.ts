import { describe, expect, it } from 'vitest';
import { checkVjp, expectClose, randomTensor, runOp, t } from './helpers.js';
import type { Tensor } from '../../tensor.js';

function naiveGemm(a: Tensor, b: Tensor, c: Tensor | undefined, o: { alpha: number; beta: number; tA: boolean; tB: boolean }): number[] {
  const M = o.tA ? a.shape[1]! : a.shape[0]!;
  const K = o.tA ? a.shape[0]! : a.shape[1]!;
  const N = o.tB ? b.shape[0]! : b.shape[1]!;
  const A = (i: number, kk: number) => (o.tA ? a.data[kk * M + i]! : a.data[i * K + kk]!);
  const B = (kk: number, j: number) => (o.tB ? b.data[j * K + kk]! : b.data[kk * N + j]!);
  const out: number[] = [];
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let kk = 0; kk < K; kk++) s += A(i, kk) * B(kk, j);
      let cv = 0;
      if (c) {
        const ci = c.shape.length === 2 ? (c.shape[0] === 1 ? 0 : i) : 0;
        const cj = c.shape[c.shape.length - 1] === 1 ? 0 : j;
        cv = c.shape.length === 2 ? c.data[ci * c.shape[1]! + cj]! : c.data[cj]!;
      }
      out.push(o.alpha * s + o.beta * cv);
    }
  return out;
}

describe('Gemm', () => {
  it('computes alpha·A·B + beta·C by hand', () => {
    const a = t([1, 2, 3, 4], [2, 2]);
    const b = t([5, 6, 7, 8], [2, 2]);
    const c = t([1, -1], [2]);
    // A·B = [[19, 22], [43, 50]]
    expectClose(runOp('Gemm', [a, b, c], { alpha: 2, beta: 3 }), t([41, 41, 89, 97], [2, 2]));
  });

  for (const [tA, tB] of [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ] as const) {
    it(`matches a naive loop and finite differences (transA=${tA}, transB=${tB})`, () => {
      const a = randomTensor(tA ? [4, 3] : [3, 4], 1);
      const b = randomTensor(tB ? [5, 4] : [4, 5], 2);
      for (const c of [undefined, randomTensor([5], 3), randomTensor([3, 1], 4), randomTensor([3, 5], 5)]) {
        const attrs = { alpha: 0.7, beta: 1.3, transA: tA, transB: tB };
        const inputs = c ? [a, b, c] : [a, b];
        expectClose(runOp('Gemm', inputs, attrs), naiveGemm(a, b, c, { alpha: 0.7, beta: 1.3, tA: !!tA, tB: !!tB }));
        checkVjp('Gemm', inputs, attrs, { wrt: c ? [0, 1, 2] : [0, 1] });
      }
    });
  }
});

describe('MatMul', () => {
  it('multiplies 2-D matrices by hand', () => {
    expectClose(runOp('MatMul', [t([1, 2, 3, 4, 5, 6], [2, 3]), t([1, 0, 0, 1, 1, 1], [3, 2])]), t([4, 5, 10, 11], [2, 2]));
  });

  it('promotes rank-1 operands like numpy', () => {
    expectClose(runOp('MatMul', [t([1, 2], [2]), t([1, 2, 3, 4], [2, 2])]), t([7, 10], [2]));
    expectClose(runOp('MatMul', [t([1, 2, 3, 4], [2, 2]), t([1, 2], [2])]), t([5, 11], [2]));
    checkVjp('MatMul', [randomTensor([3], 1), randomTensor([3, 2], 2)], {}, { wrt: [0, 1] });
    checkVjp('MatMul', [randomTensor([2, 3], 1), randomTensor([3], 2)], {}, { wrt: [0, 1] });
  });

  it('handles batched and broadcast batch dimensions (forward vs per-slice matmul, VJP vs FD)', () => {
    const a = randomTensor([2, 1, 3, 4], 7);
    const b = randomTensor([3, 4, 2], 8);
    const y = runOp('MatMul', [a, b]);
    expect([...y.shape]).toEqual([2, 3, 3, 2]);
    // slice [i, j]: a[i, 0] · b[j]
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) {
        const as = t(Array.from(a.data.subarray(i * 12, i * 12 + 12)), [3, 4]);
        const bs = t(Array.from(b.data.subarray(j * 8, j * 8 + 8)), [4, 2]);
        const ys = runOp('MatMul', [as, bs]);
        const off = (i * 3 + j) * 6;
        expectClose(t(Array.from(y.data.subarray(off, off + 6)), [3, 2]), ys);
      }
    checkVjp('MatMul', [a, b], {}, { wrt: [0, 1] });
    checkVjp('MatMul', [randomTensor([2, 3, 4], 1), randomTensor([4, 5], 2)], {}, { wrt: [0, 1] });
    checkVjp('MatMul', [randomTensor([3, 4], 1), randomTensor([2, 4, 5], 2)], {}, { wrt: [0, 1] });
  });

  it('rejects mismatched inner dimensions', () => {
    expect(() => runOp('MatMul', [randomTensor([2, 3], 1), randomTensor([4, 2], 2)])).toThrow(/inner dimensions/);
  });
});
