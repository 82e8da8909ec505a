/**
 * The real-model rows (issue 19): declared on every adapter with Captum's figures and stated
 * skips; the nsfwjs MobileNetV2 LayersModel run on onnxruntime-node through the emitted IR graph
 * (the default adapter for a tfjs LayersModel) equals the reference executor; one quick row runs
 * end to end through the per-adapter child process and writes the report with its verdict.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createReferenceModel, Saliency, type Tensor } from '@glasswing/core';
import { createOnnxModel } from '@glasswing/onnx';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './adapters.js';
import { captumExamplesPerSecond, captumSourceOf } from './captum-baseline.js';
import { loadGraph, modelFiles } from './models.js';
import { benchReal, verdicts } from './real-models.js';
import { REAL_MODEL_ROWS, REAL_WORKLOADS } from './workloads.js';

function maxRel(a: Tensor, b: Tensor): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.data.length; i++) {
    d = Math.max(d, Math.abs(a.data[i]! - b.data[i]!));
    m = Math.max(m, Math.abs(b.data[i]!));
  }
  return d / m;
}

describe('real-model benchmark rows', () => {
  it('Saliency and IG 8 steps on both nsfwjs models, every adapter, Captum figures beside them, tfjs-cpu and gpu.js skipped with their reason', () => {
    expect(REAL_MODEL_ROWS.map((r) => `${r.method}/${r.model}`)).toEqual([
      'saliency/nsfwjs_mobilenet_v2',
      'integrated-gradients/nsfwjs_mobilenet_v2',
      'saliency/nsfwjs_inception_v3',
      'integrated-gradients/nsfwjs_inception_v3',
    ]);
    expect(REAL_WORKLOADS).toHaveLength(REAL_MODEL_ROWS.length * ADAPTERS.length);
    for (const w of REAL_WORKLOADS) {
      expect(w.batch).toBe(1);
      expect(captumExamplesPerSecond(w.method, w.model, 1), w.id).toBeGreaterThan(0);
      expect(captumSourceOf(w.method, w.model)).toMatch(/torch 2\.13/);
      if (w.adapter === 'tfjs-cpu') expect(w.skip).toMatch(/^tfjs-cpu: /);
      else if (w.adapter.startsWith('gpujs-')) expect(w.skip).toMatch(/^gpu\.js on the CPU: /);
      else expect(w.skip, w.id).toBeUndefined();
    }
    // Captum's seconds per image (issue 19) come back from the table.
    expect(1 / captumExamplesPerSecond('saliency', 'nsfwjs_inception_v3', 1)!).toBeCloseTo(0.22, 10);
    expect(1 / captumExamplesPerSecond('integrated-gradients', 'nsfwjs_mobilenet_v2', 1)!).toBeCloseTo(1.51, 10);
    expect(modelFiles('nsfwjs_mobilenet_v2')).toEqual({}); // no ONNX file: the ONNX rows emit the IR graph
  });

  it('nsfwjs MobileNetV2 on onnxruntime-node (emitted from the tfjs LayersModel, NHWC) equals the reference executor: logits, layers, Saliency', async () => {
    const graph = await loadGraph('nsfwjs_mobilenet_v2');
    const onnx = await createOnnxModel(graph, { runtime: 'onnx-node' });
    const reference = createReferenceModel(graph);
    try {
      expect(onnx.inputShape).toEqual([224, 224, 3]); // the Keras model's own NHWC input
      expect(onnx.layerNames).toEqual(reference.layerNames); // the Keras layer names
      expect(onnx.maxRowsPerCall).toBe(12);
      // A smooth, non-constant image. Deep ReLU6 networks' input gradients are discontinuous at
      // float32 resolution (a pre-activation within rounding of 0 or 6 flips its mask: on other
      // images a 1e-7 relative change of the input moves Saliency by up to 2e-2, on every
      // backend alike, see docs/architecture.md), so equality is checked on an image whose
      // pre-activations keep clear of the kinks.
      const x: Tensor = { shape: [1, 224, 224, 3], data: Float32Array.from({ length: 224 * 224 * 3 }, (_, i) => ((i * 7919) % 255) / 255) };
      const layers = ['block_3_expand_relu', 'block_13_project_BN', 'out_relu'];
      const [a, b] = [await onnx.activations(x, layers), await reference.activations(x, layers)];
      expect(maxRel(a.outputs, b.outputs)).toBeLessThan(1e-5);
      for (const l of layers) expect(maxRel(a.layers[l]!, b.layers[l]!), l).toBeLessThan(1e-5);
      const [sa, sb] = [await new Saliency(onnx).attribute(x, { target: 0 }), await new Saliency(reference).attribute(x, { target: 0 })];
      expect(maxRel(sa.attributions, sb.attributions)).toBeLessThan(1e-4);
    } finally {
      await onnx.dispose();
      await reference.dispose();
    }
  }, 120_000);

  it('runs a quick row in a child process and writes the report with the default adapter verdict', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'glasswing-bench-real-'));
    const { report, markdown, files } = await benchReal({ quick: true, out, filter: 'saliency/nsfwjs_mobilenet_v2/onnx-node' }, REAL_WORKLOADS, () => {});
    expect(report.results.map((r) => [r.id, r.status, r.error])).toEqual([['saliency/nsfwjs_mobilenet_v2/onnx-node/b1', 'ok', undefined]]);
    const r = report.results[0]!;
    expect(r.firstS).toBeGreaterThan(0);
    expect(r.modelCalls).toBe(1);
    const [v] = verdicts(report.results);
    expect(v).toMatchObject({ method: 'saliency', model: 'nsfwjs_mobilenet_v2', adapter: 'onnx-node' });
    expect(v!.captumS).toBeCloseTo(0.07, 10);
    expect(v!.slowdown).toBeCloseTo(r.medianS! / 0.07, 10);
    expect(markdown).toContain('## Default adapter (onnx-node) against Captum');
    expect(markdown).toContain(`| saliency | nsfwjs_mobilenet_v2 | ${r.medianS!.toFixed(3)} | 0.070 |`);
    expect(JSON.parse(await readFile(files[0]!, 'utf8')).verdicts).toHaveLength(1);
  }, 120_000);

  it('the skip reason is reported, not run', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'glasswing-bench-real-'));
    const { report, markdown } = await benchReal({ quick: true, out, filter: 'saliency/nsfwjs_inception_v3/tfjs-cpu' }, REAL_WORKLOADS, () => {});
    expect(report.results.map((r) => r.status)).toEqual(['skipped']);
    expect(markdown).toMatch(/\| skipped \| – \| 4\.5 \| .*tfjs-cpu: slowest adapter/);
  }, 60_000);
});
