/**
 * Faithfulness metrics on every adapter: the deletion curve (MoRF, 20 steps) and infidelity (10
 * Gaussian perturbations, σ = 0.05) of one fixed map on the demo CNN (20×20×1, 3 logits) built on
 * reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web and gpujs-cpu agree with the reference
 * executor (same seed → same perturbations on every adapter; only the model's float32 arithmetic
 * differs). Insertion, ROAD, faithfulness correlation, monotonicity and monotonicity correlation
 * (on 4×4 patches, few samples) are checked the same way, on their curves / per-step values where
 * the score itself is a rank or a 0/1 decision.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRng, deletion, faithfulnessCorrelation, infidelity, insertion, monotonicity, monotonicityCorrelation, road,
  type Graph, type MetricResult, type Tensor,
} from '@glasswing/core';
import { createModel, loadGraphFile } from '../model-file.js';
import type { AdapterId } from '../adapter-choice.js';

const DEMO = fileURLToPath(new URL('../../../../apps/demo/model/model.json', import.meta.url));
const ADAPTERS: AdapterId[] = ['reference', 'tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'];

describe('faithfulness metrics agree across adapters (demo CNN)', () => {
  let graph: Graph;
  const rng = createRng(21);
  // Two images: faint noise plus a bright horizontal / vertical bar in the decisive region.
  const data = new Float32Array(2 * 400);
  for (let i = 0; i < 2; i++) {
    for (let p = 0; p < 400; p++) data[i * 400 + p] = 0.1 * rng.uniform();
    for (let k = 0; k < 6; k++) data[i * 400 + (i === 0 ? 5 * 20 + 11 + k : (3 + k) * 20 + 13)] = 1;
  }
  const x: Tensor = { shape: [2, 20, 20, 1], data };
  // A fixed map (the image itself, shifted): the metrics score it, whatever explained it.
  const attributions: Tensor = { shape: [2, 20, 20, 1], data: Float32Array.from(data, (v, k) => v + 0.01 * Math.sin(k)) };
  const results = new Map<string, Record<string, MetricResult>>();
  // 4×4 patches: 25 groups of 16 pixels.
  const patches = Array.from({ length: 400 }, (_, p) => Math.floor(Math.floor(p / 20) / 4) * 5 + Math.floor((p % 20) / 4));
  const close = (a: readonly number[], b: readonly number[], tol: number) => a.forEach((v, k) => expect(Math.abs(v - b[k]!)).toBeLessThan(tol * Math.max(1, Math.abs(b[k]!))));

  beforeAll(async () => {
    graph = (await loadGraphFile(DEMO)).graph;
  });
  afterAll(() => results.clear());

  it.each(ADAPTERS)('%s', async (adapter) => {
    const model = await createModel(graph, adapter);
    try {
      const target = [0, 1];
      const del = await deletion({ model, x, attributions, target }, { steps: 20 });
      const inf = await infidelity({ model, x, attributions, target }, { nPerturbSamples: 10, noiseStd: 0.05, seed: 3 });
      const ins = await insertion({ model, x, attributions, target }, { steps: 10, featureMask: patches });
      const rd = await road({ model, x, attributions, target }, { percentages: [0.2, 0.6], seed: 1 });
      const fc = await faithfulnessCorrelation({ model, x, attributions, target }, { nRuns: 10, subsetSize: 40, seed: 2 });
      const mono = await monotonicity({ model, x, attributions, target }, { featureMask: patches });
      const mc = await monotonicityCorrelation({ model, x, attributions, target }, { featureMask: patches, nSamples: 2, seed: 4 });
      results.set(adapter, { del, inf, ins, rd, fc, mono, mc });
      expect(inf.scores.every((s) => s > 1e-6)).toBe(true);
      const r = results.get('reference')!;
      const ref = { del: r['del']!, inf: r['inf']! };
      close(ins.scores, r['ins']!.scores, 1e-4);
      rd.curves!.forEach((c, ci) => c.y.forEach((row, i) => close(row, r['rd']!.curves![ci]!.y[i]!, 1e-4)));
      close(fc.scores, r['fc']!.scores, 1e-3);
      mono.curves![0]!.y.forEach((row, i) => close(row, r['mono']!.curves![0]!.y[i]!, 1e-4));
      (mc.details!['variances'] as number[][]).forEach((row, i) => close(row, (r['mc']!.details!['variances'] as number[][])[i]!, 1e-3));
      expect(del.curves![0]!.y[0]!.length).toBe(21);
      // The curve starts at f(x) and must move: the bar's pixels are removed first.
      expect(del.curves![0]!.y[0]![0]).not.toBeCloseTo(del.curves![0]!.y[0]![20]!, 1);
      del.curves![0]!.y.forEach((row, i) => row.forEach((v, k) => expect(Math.abs(v - ref.del.curves![0]!.y[i]![k]!)).toBeLessThan(1e-3)));
      del.scores.forEach((s, i) => expect(Math.abs(s - ref.del.scores[i]!)).toBeLessThan(1e-3));
      inf.scores.forEach((s, i) => expect(Math.abs(s - ref.inf.scores[i]!)).toBeLessThan(1e-3 * Math.max(1, ref.inf.scores[i]!)));
    } finally {
      await model.dispose();
    }
  }, 120_000);
});
