/** Test support: run an ONNX model through ONNX Runtime and through import + reference executor. */
import { createReferenceModel, type Tensor } from '@glasswing/core';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { importOnnxModel, type OnnxImportResult } from '../../src/import/index.js';

export async function runOrt(bytes: Uint8Array, feeds: Record<string, Tensor>, output?: string): Promise<Tensor> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const f: Record<string, ort.Tensor> = {};
    for (const [k, t] of Object.entries(feeds)) f[k] = new ort.Tensor('float32', Float32Array.from(t.data), [...t.shape]);
    const res = await session.run(f);
    const y = res[output ?? session.outputNames[0]!]!;
    return { shape: [...y.dims], data: Float32Array.from(y.data as Float32Array) };
  } finally {
    await session.release();
  }
}

export async function runImported(result: OnnxImportResult, x: Tensor): Promise<Tensor> {
  if (!result.graph) throw new Error(`forward-only: ${result.reasons.join('; ')}`);
  const model = createReferenceModel(result.graph);
  try {
    return await model.forward(x);
  } finally {
    await model.dispose();
  }
}

/** max |a-b| / (1 + |b|) style relative check with tolerance `tol`. */
export function expectClose(actual: Tensor, expected: Tensor, tol = 1e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i]!;
    const e = expected.data[i]!;
    const err = Math.abs(a - e) / Math.max(1, Math.abs(e));
    if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

/** Import `bytes` (must not be forward-only), run both on x and compare; returns the import result. */
export async function expectMatchesOrt(bytes: Uint8Array, x: Tensor, tol = 1e-5): Promise<OnnxImportResult> {
  const result = importOnnxModel(bytes);
  expect(result.reasons).toEqual([]);
  expect(result.forwardOnly).toBe(false);
  const [ours, theirs] = [await runImported(result, x), await runOrt(bytes, { [result.inputName]: x })];
  expectClose(ours, theirs, tol);
  return result;
}
