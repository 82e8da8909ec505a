/**
 * Batched matrix multiply. a: [..., M, K] ([..., K, M] when transA); b: [..., K, N]
 * ([..., N, K] when transB). Leading dims must be equal, or one operand is rank 2.
 */
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, fmt, sizeOfShape } from './util.js';

/** Copy the [rows, cols] matrix at `src[off..]` transposed into `dst` ([cols, rows]). */
function transposeInto(src: Float32Array, off: number, rows: number, cols: number, dst: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const base = off + r * cols;
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[base + c]!;
  }
}

/**
 * C[M,N] = A[M,K] · B[K,N] in i-k-j order: per row of A its non-zero entries are gathered, then
 * accumulated 8 (then 4) at a time into a float64 row accumulator over contiguous rows of B.
 */
function mmNN(
  A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number,
  M: number, K: number, N: number, acc: Float64Array, vals: Float64Array, offs: Int32Array,
): void {
  for (let i = 0; i < M; i++) {
    const aRow = aOff + i * K;
    let nnz = 0;
    for (let k = 0; k < K; k++) {
      const v = A[aRow + k]!;
      if (v !== 0) {
        vals[nnz] = v;
        offs[nnz] = bOff + k * N;
        nnz++;
      }
    }
    acc.fill(0);
    let t = 0;
    for (; t + 8 <= nnz; t += 8) {
      const v0 = vals[t]!, v1 = vals[t + 1]!, v2 = vals[t + 2]!, v3 = vals[t + 3]!;
      const v4 = vals[t + 4]!, v5 = vals[t + 5]!, v6 = vals[t + 6]!, v7 = vals[t + 7]!;
      const b0 = offs[t]!, b1 = offs[t + 1]!, b2 = offs[t + 2]!, b3 = offs[t + 3]!;
      const b4 = offs[t + 4]!, b5 = offs[t + 5]!, b6 = offs[t + 6]!, b7 = offs[t + 7]!;
      for (let j = 0; j < N; j++) {
        acc[j] +=
          v0 * B[b0 + j]! + v1 * B[b1 + j]! + v2 * B[b2 + j]! + v3 * B[b3 + j]! +
          v4 * B[b4 + j]! + v5 * B[b5 + j]! + v6 * B[b6 + j]! + v7 * B[b7 + j]!;
      }
    }
    for (; t + 4 <= nnz; t += 4) {
      const v0 = vals[t]!, v1 = vals[t + 1]!, v2 = vals[t + 2]!, v3 = vals[t + 3]!;
      const b0 = offs[t]!, b1 = offs[t + 1]!, b2 = offs[t + 2]!, b3 = offs[t + 3]!;
      for (let j = 0; j < N; j++) acc[j] += v0 * B[b0 + j]! + v1 * B[b1 + j]! + v2 * B[b2 + j]! + v3 * B[b3 + j]!;
    }
    for (; t < nnz; t++) {
      const v = vals[t]!;
      const b0 = offs[t]!;
      for (let j = 0; j < N; j++) acc[j] += v * B[b0 + j]!;
    }
    const cRow = cOff + i * N;
    for (let j = 0; j < N; j++) C[cRow + j] = acc[j]!;
  }
}

export function matmul(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  checkTensor(a, 'matmul (a)');
  checkTensor(b, 'matmul (b)');
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) throw new ShapeError(`matmul: operands must have rank >= 2, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const batchA = a.shape.slice(0, ra - 2);
  const batchB = b.shape.slice(0, rb - 2);
  let batch: number[];
  if (ra === 2) batch = batchB;
  else if (rb === 2) batch = batchA;
  else if (ra === rb && batchA.every((d, i) => d === batchB[i])) batch = batchA;
  else {
    throw new ShapeError(`matmul: batch dimensions of ${fmt(a.shape)} and ${fmt(b.shape)} must be equal (or one operand rank 2)`);
  }
  const a0 = a.shape[ra - 2]!;
  const a1 = a.shape[ra - 1]!;
  const b0 = b.shape[rb - 2]!;
  const b1 = b.shape[rb - 1]!;
  const M = transA ? a1 : a0;
  const K = transA ? a0 : a1;
  const Kb = transB ? b1 : b0;
  const N = transB ? b0 : b1;
  if (K !== Kb) {
    throw new ShapeError(
      `matmul: inner dimensions differ: ${fmt(a.shape)}${transA ? 'ᵀ' : ''} · ${fmt(b.shape)}${transB ? 'ᵀ' : ''} (${K} vs ${Kb})`,
    );
  }
  const nb = sizeOfShape(batch);
  const out = new Float32Array(nb * M * N);
  const aStep = ra === 2 ? 0 : M * K;
  const bStep = rb === 2 ? 0 : K * N;
  const acc = new Float64Array(N);
  const vals = new Float64Array(K);
  const offs = new Int32Array(K);
  // Transposed operands are copied (once per batch entry, or once when shared) into row-major form.
  const aT = transA ? new Float32Array(M * K) : undefined;
  const bT = transB ? new Float32Array(K * N) : undefined;
  for (let p = 0; p < nb; p++) {
    let A = a.data;
    let aOff = p * aStep;
    if (aT) {
      if (p === 0 || aStep !== 0) transposeInto(a.data, aOff, K, M, aT);
      A = aT;
      aOff = 0;
    }
    let B = b.data;
    let bOff = p * bStep;
    if (bT) {
      if (p === 0 || bStep !== 0) transposeInto(b.data, bOff, N, K, bT);
      B = bT;
      bOff = 0;
    }
    mmNN(A, aOff, B, bOff, out, p * M * N, M, K, N, acc, vals, offs);
  }
  return { shape: [...batch, M, N], data: out };
}
