/** The harness works end to end on one tiny workload (no timing assertion). */
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, adapterById } from './adapters.js';
import { headlessGlStarts } from './gpujs-adapters.js';
import { loadGraph, modelFiles } from './models.js';
import { captumExamplesPerSecond, captumSourceOf } from './captum-baseline.js';
import { bench, parseArgs, selectWorkloads } from './cli.js';
import { median } from './measure.js';
import { WORKLOADS, workloadsFor, ALGORITHM_ROWS } from './workloads.js';

describe('benchmark harness', () => {
  it('runs one tiny workload in quick mode and writes JSON + markdown', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'glasswing-bench-'));
    const tiny = workloadsFor(
      [{ ...ALGORITHM_ROWS[0]!, batch: 4 }, { ...ALGORITHM_ROWS[1]!, batch: 2, options: { ...ALGORITHM_ROWS[1]!.options, steps: 4 } }],
      ['reference', 'tfjs-cpu'],
    );
    const { report, markdown, files } = await bench({ quick: true, out, filter: 'mlp_tabular' }, tiny, () => {});
    expect(report.results.map((r) => [r.id, r.status, r.error])).toEqual([
      ['saliency/mlp_tabular/reference/b4', 'ok', undefined],
      ['integrated-gradients/mlp_tabular/reference/b2', 'ok', undefined],
      ['saliency/mlp_tabular/tfjs-cpu/b4', 'ok', undefined],
      ['integrated-gradients/mlp_tabular/tfjs-cpu/b2', 'ok', undefined],
    ]);
    const [sal, ig, , igTf] = report.results;
    expect(sal!.reps).toBe(1);
    expect(sal!.modelCalls).toBe(1);
    expect(ig!.modelCalls).toBeGreaterThanOrEqual(2);
    expect(sal!.examplesPerSec).toBeGreaterThan(0);
    expect(sal!.peakRssMB).toBeGreaterThan(0);
    expect(igTf!.backendTensorsLeaked).toBe(0);
    expect(sal!.captumExamplesPerSec).toBeUndefined(); // batch 4 has no Captum figure
    expect(markdown).toContain('| saliency | mlp_tabular | reference | 4 |');
    const json = JSON.parse(await readFile(files[0]!, 'utf8'));
    expect(json.results).toHaveLength(4);
    expect(await readFile(files[1]!, 'utf8')).toBe(markdown);
  });

  it('runs the ONNX Runtime rows from the models\' ONNX files (NCHW LeNet), forward-only methods included', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'glasswing-bench-'));
    const sal = ALGORITHM_ROWS.find((r) => r.method === 'saliency' && r.model === 'lenet_mnist')!;
    const ks = ALGORITHM_ROWS.find((r) => r.method === 'kernel-shap')!;
    const rows = [{ ...sal, batch: 2 }, { ...ks, batch: 1, options: { ...ks.options, samples: 64 } }];
    const { report } = await bench({ quick: true, out }, workloadsFor(rows, ['onnx-node', 'onnx-web']), () => {});
    expect(report.results.map((r) => [r.id, r.status, r.error])).toEqual([
      ['saliency/lenet_mnist/onnx-node/b2', 'ok', undefined],
      ['kernel-shap/mlp_tabular/onnx-node/b1', 'ok', undefined],
      ['saliency/lenet_mnist/onnx-web/b2', 'ok', undefined],
      ['kernel-shap/mlp_tabular/onnx-web/b1', 'ok', undefined],
    ]);
    const lenet = await adapterById('onnx-node').create(await loadGraph('lenet_mnist'), modelFiles('lenet_mnist'));
    try {
      expect(lenet.inputShape).toEqual([1, 28, 28]); // the ONNX export's NCHW input, not the tfjs NHWC graph
      expect(lenet.backend).toBe('onnx-node');
    } finally {
      await lenet.dispose();
    }
  });

  it('runs the gpujs-cpu rows in quick mode (tabular and LeNet), with the GPU-speed note', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'glasswing-bench-'));
    const pick = (method: string, model: string) => ALGORITHM_ROWS.find((r) => r.method === method && r.model === model)!;
    const ig = pick('integrated-gradients', 'mlp_tabular');
    const rows = [
      { ...pick('saliency', 'mlp_tabular'), batch: 4 },
      { ...ig, batch: 2, options: { ...ig.options, steps: 4 } },
      { ...pick('saliency', 'lenet_mnist'), batch: 2 },
      { ...pick('grad-cam', 'lenet_mnist'), batch: 2 },
    ];
    const { report, markdown } = await bench({ quick: true, out }, workloadsFor(rows, ['gpujs-cpu']), () => {});
    expect(report.results.map((r) => [r.id, r.status, r.error])).toEqual([
      ['saliency/mlp_tabular/gpujs-cpu/b4', 'ok', undefined],
      ['integrated-gradients/mlp_tabular/gpujs-cpu/b2', 'ok', undefined],
      ['saliency/lenet_mnist/gpujs-cpu/b2', 'ok', undefined],
      ['grad-cam/lenet_mnist/gpujs-cpu/b2', 'ok', undefined],
    ]);
    expect(report.results.every((r) => r.reps === 1 && r.examplesPerSec! > 0)).toBe(true);
    expect(markdown).toContain('| saliency | lenet_mnist | gpujs-cpu | 2 |');
    expect(markdown).toMatch(/say nothing about GPU speed/);
    expect(markdown).toMatch(/bench --filter gpujs-headlessgl/);
    const lenet = await adapterById('gpujs-cpu').create(await loadGraph('lenet_mnist'), modelFiles('lenet_mnist'));
    try {
      expect(lenet.backend).toBe('gpujs-cpu');
    } finally {
      await lenet.dispose();
    }
  }, 300_000);

  it('declares workloads as data: every algorithm row on every adapter, with Captum figures', () => {
    expect(WORKLOADS.length).toBe(ALGORITHM_ROWS.length * ADAPTERS.length);
    expect(ADAPTERS.map((x) => x.id)).toEqual([
      'reference',
      'tfjs-cpu',
      'tfjs-wasm',
      'onnx-node',
      'onnx-web',
      'gpujs-cpu',
      'gpujs-webasm',
      ...(headlessGlStarts() ? ['gpujs-headlessgl'] : []),
    ]);
    expect(new Set(WORKLOADS.map((w) => w.id)).size).toBe(WORKLOADS.length);
    // The shared reference has no Captum throughput for the rule family (LRP, DeepLIFT, Grad-CAM).
    const unmeasured = ['lrp', 'deeplift', 'grad-cam'];
    for (const w of WORKLOADS) {
      if (unmeasured.includes(w.method)) expect(captumExamplesPerSecond(w.method, w.model, w.batch), w.id).toBeUndefined();
      else expect(captumExamplesPerSecond(w.method, w.model, w.batch), w.id).toBeGreaterThan(0);
    }
    expect(selectWorkloads(WORKLOADS, 'lenet_mnist/tfjs-wasm').map((w) => w.method)).toEqual(['saliency', 'integrated-gradients', ...unmeasured]);
  });

  it('parses options strictly', () => {
    expect(parseArgs(['--quick', '--filter', 'saliency'])).toMatchObject({ quick: true, filter: 'saliency' });
    expect(() => parseArgs(['--filter'])).toThrow(/needs a value/);
    expect(() => parseArgs(['--reps', '3'])).toThrow(/unknown option/);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(captumExamplesPerSecond('integrated-gradients', 'lenet_mnist', 32)).toBe(48.8);
    // 224×224 layouts: the torch-autograd baseline measured beside the onnx-node rows, said as such.
    expect(captumExamplesPerSecond('saliency', 'resnet18_224', 8)).toBeGreaterThan(0);
    expect(captumSourceOf('integrated-gradients', 'mobilenet_v2_224')).toMatch(/torch_baseline\.py/);
    expect(captumSourceOf('integrated-gradients', 'lenet_mnist')).toMatch(/Captum 0\.8\.0/);
  });
});
