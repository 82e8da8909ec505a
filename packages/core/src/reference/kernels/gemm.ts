/**
 * A dense, register-tiled matrix product for the reference executor's hot kernels (conv2d,
 * conv2dBackpropInput through im2col/col2im, matmul). Pure JavaScript: V8 compiles each
 * accumulator to a float64 register, so a 4×4 tile of the output is built from 8 loads per
 * 16 multiply-adds (the row-accumulator kernel in sparse-rows.ts does one load and one store of
 * its float64 accumulator per multiply-add), and accumulation stays in float64 for free.
 *
 * Both operands are read along K ("NT" form: B is given transposed, one row per output column),
 * so every inner loop streams two or more contiguous rows.
 */

/**
 * C[cOff + i·ldc + j] = Σ_{k<K} A[aOff + i·lda + k] · B[bOff + j·ldb + k]   (i < M, j < N),
 * overwriting C (or adding to it when `accumulate`).
 */
export function gemmNT(
  M: number, N: number, K: number,
  A: Float32Array, aOff: number, lda: number,
  B: Float32Array, bOff: number, ldb: number,
  C: Float32Array, cOff: number, ldc: number,
  accumulate = false,
): void {
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    const a0 = aOff + i * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    const c0 = cOff + i * ldc;
    for (let j = 0; j < N4; j += 4) {
      const b0 = bOff + j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k]!, x1 = A[a1 + k]!, x2 = A[a2 + k]!, x3 = A[a3 + k]!;
        const y0 = B[b0 + k]!, y1 = B[b1 + k]!, y2 = B[b2 + k]!, y3 = B[b3 + k]!;
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      const r0 = c0 + j, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
      if (accumulate) {
        s00 += C[r0]!; s01 += C[r0 + 1]!; s02 += C[r0 + 2]!; s03 += C[r0 + 3]!;
        s10 += C[r1]!; s11 += C[r1 + 1]!; s12 += C[r1 + 2]!; s13 += C[r1 + 3]!;
        s20 += C[r2]!; s21 += C[r2 + 1]!; s22 += C[r2 + 2]!; s23 += C[r2 + 3]!;
        s30 += C[r3]!; s31 += C[r3 + 1]!; s32 += C[r3 + 2]!; s33 += C[r3 + 3]!;
      }
      C[r0] = s00; C[r0 + 1] = s01; C[r0 + 2] = s02; C[r0 + 3] = s03;
      C[r1] = s10; C[r1 + 1] = s11; C[r1 + 2] = s12; C[r1 + 3] = s13;
      C[r2] = s20; C[r2 + 1] = s21; C[r2 + 2] = s22; C[r2 + 3] = s23;
      C[r3] = s30; C[r3 + 1] = s31; C[r3 + 2] = s32; C[r3 + 3] = s33;
    }
    // Remaining columns: 4 rows × 1 column.
    for (let j = N4; j < N; j++) {
      const b0 = bOff + j * ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const y = B[b0 + k]!;
        s0 += A[a0 + k]! * y; s1 += A[a1 + k]! * y; s2 += A[a2 + k]! * y; s3 += A[a3 + k]! * y;
      }
      const r0 = c0 + j;
      if (accumulate) {
        C[r0] += s0; C[r0 + ldc] += s1; C[r0 + 2 * ldc] += s2; C[r0 + 3 * ldc] += s3;
      } else {
        C[r0] = s0; C[r0 + ldc] = s1; C[r0 + 2 * ldc] = s2; C[r0 + 3 * ldc] = s3;
      }
    }
  }
  // Remaining rows: 1 row × 4 columns, then 1 × 1.
  for (let i = M4; i < M; i++) {
    const a0 = aOff + i * lda;
    const c0 = cOff + i * ldc;
    for (let j = 0; j < N4; j += 4) {
      const b0 = bOff + j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const x = A[a0 + k]!;
        s0 += x * B[b0 + k]!; s1 += x * B[b1 + k]!; s2 += x * B[b2 + k]!; s3 += x * B[b3 + k]!;
      }
      const r0 = c0 + j;
      if (accumulate) {
        C[r0] += s0; C[r0 + 1] += s1; C[r0 + 2] += s2; C[r0 + 3] += s3;
      } else {
        C[r0] = s0; C[r0 + 1] = s1; C[r0 + 2] = s2; C[r0 + 3] = s3;
      }
    }
    for (let j = N4; j < N; j++) {
      const b0 = bOff + j * ldb;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k]! * B[b0 + k]!;
      if (accumulate) C[c0 + j] += s;
      else C[c0 + j] = s;
    }
  }
}

/** Fraction of non-zero entries among the first `n` of `x` from `off` (sampled every `step`). */
export function density(x: Float32Array, off: number, n: number, step = 1): number {
  if (n <= 0) return 0;
  let nz = 0;
  let seen = 0;
  for (let i = 0; i < n; i += step) {
    if (x[off + i] !== 0) nz++;
    seen++;
  }
  return nz / seen;
}
