/**
 * Test harness: run a computation written against Kernels<T> both with core's reference kernels
 * (host) and with the symbolic kernels (an emitted ONNX model run by onnxruntime-node), and compare.
 * Inputs marked `constant` become initializers (exercising host folding and constant-weight paths).
 */
import { createRng, referenceKernels, type Kernels, type Tensor } from '@glasswing/core';
import { expect } from 'vitest';
import { encodeModel } from '../../src/emit/encode.js';
import { createSymbolicKernels, OnnxGraphBuilder, type Sym } from '../../src/symbolic/index.js';
import { loadRuntime, type OnnxRuntime } from '../../src/runtime.js';

export interface HarnessInput {
  readonly value: Tensor;
  readonly constant?: boolean;
}

let runtime: Promise<OnnxRuntime> | undefined;
export function nodeRuntime(): Promise<OnnxRuntime> {
  runtime ??= loadRuntime('onnx-node');
  return runtime;
}

export function randomTensor(shape: readonly number[], seed: number, opts: { integers?: number; positive?: boolean } = {}): Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, d) => a * d, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (opts.integers !== undefined) data[i] = rng.int(opts.integers) - (opts.positive ? 0 : Math.floor(opts.integers / 2));
    else data[i] = opts.positive ? 0.1 + rng.uniform() * 2 : rng.normal();
  }
  return { shape: [...shape], data };
}

/** Run `f` symbolically in ORT and on the reference kernels; returns both results. */
export async function runBoth(
  inputs: readonly HarnessInput[],
  f: <T>(k: Kernels<T>, xs: T[]) => T,
): Promise<{ onnx: Tensor; reference: Tensor; nodes: string[] }> {
  const reference = f(referenceKernels, inputs.map((i) => i.value));
  const builder = new OnnxGraphBuilder();
  const k = createSymbolicKernels(builder);
  const syms = inputs.map((inp, i) => (inp.constant ? k.fromHost(inp.value) : builder.input(`in_${i}`, inp.value.shape)));
  builder.output(f(k, syms), 'y');
  const bytes = encodeModel(builder, 'harness');
  const rt = await nodeRuntime();
  const session = await rt.createSession(bytes);
  const feeds: Record<string, Tensor> = {};
  inputs.forEach((inp, i) => {
    if (!inp.constant) feeds[`in_${i}`] = inp.value;
  });
  try {
    const out = await rt.run(session, feeds, ['y']);
    return { onnx: out['y']!, reference, nodes: builder.liveNodes().map((n) => n.op) };
  } finally {
    await session.release();
  }
}

export function expectClose(actual: Tensor, expected: Tensor, tol = 1e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i]!;
    const e = expected.data[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    const err = Math.abs(a - e) / Math.max(1, Math.abs(e));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `worst error ${worst} at ${at}: ${actual.data[at]} vs ${expected.data[at]}`).toBeLessThanOrEqual(tol);
}

export async function expectAgrees(inputs: readonly HarnessInput[], f: <T>(k: Kernels<T>, xs: T[]) => T, tol = 1e-5): Promise<string[]> {
  const r = await runBoth(inputs, f);
  expectClose(r.onnx, r.reference, tol);
  return r.nodes;
}

export type { Sym };
