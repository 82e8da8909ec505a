/**
 * Batched matrix multiply. a: [..., M, K] ([..., K, M] when transA); b: [..., K, N]
 * ([..., N, K] when transB). Leading dims must be equal, or one operand is rank 2.
 */
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { sumScaledRows } from './sparse-rows.js';
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
 * combined (sumScaledRows) into a float64 row accumulator over contiguous rows of B.
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
    sumScaledRows(B, vals, offs, nnz, acc, N);
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
