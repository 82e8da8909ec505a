/**
 * The inner product shared by matmul, conv2d and conv2dBackpropInput: a weighted sum of rows of a
 * row-major matrix, where the caller has gathered only the non-zero weights.
 */

/**
 * out[j] = Σ_{t < nnz} vals[t] · M[offs[t] + j] for j < len (out is zeroed first), accumulated in
 * float64, 8 (then 4, then 1) rows per pass over the output so each pass streams contiguous rows.
 */
export function sumScaledRows(
  M: Float32Array, vals: Float64Array, offs: Int32Array, nnz: number, out: Float64Array, len: number,
): void {
  out.fill(0, 0, len);
  let t = 0;
  for (; t + 8 <= nnz; t += 8) {
    const v0 = vals[t]!, v1 = vals[t + 1]!, v2 = vals[t + 2]!, v3 = vals[t + 3]!;
    const v4 = vals[t + 4]!, v5 = vals[t + 5]!, v6 = vals[t + 6]!, v7 = vals[t + 7]!;
    const m0 = offs[t]!, m1 = offs[t + 1]!, m2 = offs[t + 2]!, m3 = offs[t + 3]!;
    const m4 = offs[t + 4]!, m5 = offs[t + 5]!, m6 = offs[t + 6]!, m7 = offs[t + 7]!;
    for (let j = 0; j < len; j++) {
      out[j] +=
        v0 * M[m0 + j]! + v1 * M[m1 + j]! + v2 * M[m2 + j]! + v3 * M[m3 + j]! +
        v4 * M[m4 + j]! + v5 * M[m5 + j]! + v6 * M[m6 + j]! + v7 * M[m7 + j]!;
    }
  }
  for (; t + 4 <= nnz; t += 4) {
    const v0 = vals[t]!, v1 = vals[t + 1]!, v2 = vals[t + 2]!, v3 = vals[t + 3]!;
    const m0 = offs[t]!, m1 = offs[t + 1]!, m2 = offs[t + 2]!, m3 = offs[t + 3]!;
    for (let j = 0; j < len; j++) out[j] += v0 * M[m0 + j]! + v1 * M[m1 + j]! + v2 * M[m2 + j]! + v3 * M[m3 + j]!;
  }
  for (; t < nnz; t++) {
    const v = vals[t]!;
    const m0 = offs[t]!;
    for (let j = 0; j < len; j++) out[j] += v * M[m0 + j]!;
  }
}
