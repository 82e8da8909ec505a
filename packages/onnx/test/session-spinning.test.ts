/**
 * Sessions that run between a model's gradient runs (its forward-only sessions) are made without
 * spin-waiting intra-op threads; gradient sessions keep ORT's default (runtime.ts `spinning`,
 * docs/performance.md "Sessions that spin").
 */
import { fileURLToPath } from 'node:url';
import type { Tensor } from '@glasswing/core';
import { afterAll, describe, expect, it } from 'vitest';
import { fromOnnx, loadRuntime, type CreateSessionOptions, type OnnxModel, type OnnxRuntime } from '../src/index.js';

const lenet = fileURLToPath(new URL('./fixtures/lenet_mnist.onnx', import.meta.url));
const x: Tensor = { shape: [2, 1, 28, 28], data: Float32Array.from({ length: 2 * 784 }, (_, i) => ((i * 37) % 101) / 101) };
const models: OnnxModel[] = [];
afterAll(async () => {
  for (const m of models) await m.dispose();
});

describe('intra-op spinning per session', () => {
  it('forward and activation sessions are made with spinning: false, gradient sessions without it; results unchanged', async () => {
    const base = await loadRuntime('onnx-node');
    const made: (CreateSessionOptions | undefined)[] = [];
    const recording: OnnxRuntime = { ...base, createSession: (bytes, o) => (made.push(o), base.createSession(bytes, o)) };
    const m = await fromOnnx(lenet, { runtime: recording, cacheDir: false });
    const plain = await fromOnnx(lenet, { cacheDir: false });
    models.push(m, plain);
    const seed = { kind: 'index' as const, indices: [1, 7] };
    made.length = 0;
    const y = await m.forward(x);
    expect(made.map((o) => o?.spinning)).toEqual([false]);
    made.length = 0;
    const g = await m.gradient(x, { seed });
    expect(made.map((o) => o?.spinning)).toEqual([true]);
    made.length = 0;
    await m.activations(x, [m.layerNames[0]!]);
    expect(made.map((o) => o?.spinning)).toEqual([false]);
    expect(Array.from(y.data)).toEqual(Array.from((await plain.forward(x)).data));
    expect(Array.from(g.inputGradient.data)).toEqual(Array.from((await plain.gradient(x, { seed })).inputGradient.data));
    expect(g.inputGradient.data.some((v) => v !== 0)).toBe(true);
  });
});
