/**
 * The soak's CI slice (issue 16; the 1,000-iteration run is `pnpm --filter @glasswing/benchmarks
 * soak`, figures in docs/reliability.md): 60 consecutive attributions (integrated gradients,
 * DeepLIFT, feature ablation, cycling targets; every other one with an AbortSignal, two of them
 * aborted) leave no extra TensorFlow.js tensor, no extra ONNX Runtime session, no extra gpu.js
 * kernel or texture, and every tensor the model held is released by dispose().
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { soak } from './soak.js';

describe('soak slice', () => {
  it('tfjs-cpu: 60 attributions, tensors +0 after warm-up; dispose() releases the weights', async () => {
    const r = await soak('tfjs-cpu', 60, { warmup: 6, every: 6 });
    expect(r.tensorGrowth).toBe(0);
    expect(r.samples.every((s) => s.tensors === r.samples[0]!.tensors)).toBe(true);
    expect(r.tensorsAfterDispose).toBe(0);
    expect(tf.memory().numTensors).toBe(0);
    expect(r.aborted).toBe(2);
  });

  it('gpujs-cpu: 60 attributions, no kernel compiled after warm-up, cache and textures flat', async () => {
    const r = await soak('gpujs-cpu', 60, { warmup: 6, every: 6 });
    expect(r.kernelsCompiledGrowth).toBe(0);
    expect(r.textureGrowth).toBe(0);
    const after = r.samples.filter((s) => s.iteration >= 6);
    expect(new Set(after.map((s) => s.gpujs!.cached)).size).toBe(1);
    expect(after.every((s) => s.gpujs!.retired === 0 && s.gpujs!.textures === 0)).toBe(true);
    expect(r.aborted).toBe(2);
  });

  it('onnx-node: 60 attributions, sessions held and created +0 after warm-up', async () => {
    const r = await soak('onnx-node', 60, { warmup: 6, every: 6 });
    expect(r.sessionGrowth).toBe(0);
    const created = r.samples.filter((s) => s.iteration >= 6).map((s) => s.sessionsCreated);
    expect(new Set(created).size).toBe(1);
  });
});
