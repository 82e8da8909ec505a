/**
 * Batched matmul (Gemm's product): each output cell is one K-long dot product. Transposes are
 * folded into the read strides; a rank-2 operand is shared by every batch entry.
 */
import { ShapeError } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import { GpuTensor } from '../tensor.js';
import { checkSize, divmod, fmt } from './source.js';

export function matmul(rt: GpujsRuntime, a: GpuTensor, b: GpuTensor, transA: boolean, transB: boolean): GpuTensor {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) throw new ShapeError(`matmul: operands must have rank >= 2, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const batchA = a.shape.slice(0, ra - 2);
  const batchB = b.shape.slice(0, rb - 2);
  let batch: readonly number[];
  if (ra === 2) batch = batchB;
  else if (rb === 2) batch = batchA;
  else if (ra === rb && batchA.every((d, i) => d === batchB[i])) batch = batchA;
  else throw new ShapeError(`matmul: batch dimensions of ${fmt(a.shape)} and ${fmt(b.shape)} must be equal (or one operand rank 2)`);
  const [a0, a1] = [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const [b0, b1] = [b.shape[rb - 2]!, b.shape[rb - 1]!];
  const M = transA ? a1 : a0;
  const K = transA ? a0 : a1;
  const N = transB ? b0 : b1;
  if (K !== (transB ? b1 : b0)) {
    throw new ShapeError(`matmul: inner dimensions differ: ${fmt(a.shape)}${transA ? 'ᵀ' : ''} · ${fmt(b.shape)}${transB ? 'ᵀ' : ''}`);
  }
  const out = [...batch, M, N];
  if (checkSize('matmul', out) === 0) return new GpuTensor(out, null);
  if (K === 0) return rt.run('function(v) { return v[0]; }', out, [new Float32Array([0])]);
  // a[p, m, k] at p·aStep + m·am + k·ak; b[p, k, n] at p·bStep + k·bk + n·bn
  const aStep = ra === 2 ? 0 : M * K;
  const bStep = rb === 2 ? 0 : K * N;
  const [am, ak] = transA ? [1, M] : [K, 1];
  const [bk, bn] = transB ? [1, K] : [N, 1];
  const src =
    `function(a, b) {\n${divmod('q', 'n', 'this.thread.x', N)}\n${divmod('p', 'm', 'q', M)}\n` +
    `const ao = p * ${aStep} + m * ${am};\nconst bo = p * ${bStep} + n * ${bn};\nlet s = 0;\n` +
    `for (let k = 0; k < ${K}; k++) { s += a[ao + k * ${ak}] * b[bo + k * ${bk}]; }\nreturn s;\n}`;
  return rt.run(src, out, [a.data!, b.data!]);
}
