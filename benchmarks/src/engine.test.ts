/**
 * The issue 15 engine: a tiny filtered --quick slice end to end (JSON, markdown and SVG carry the
 * FLOP and peak columns), --filter patterns, the row-counting wrapper, the line / power-law fit,
 * the scaling curves' memory bound, and the real layouts against torchvision's published figures
 * (multiply-adds and parameter counts) and against their own ONNX copy on ONNX Runtime.
 */
import { countFlops, createReferenceModel, type Model, type Tensor } from '@glasswing/core';
import { fromOnnx } from '@glasswing/onnx';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { throughputChartSvg } from './chart.js';
import { bench, defaultWorkloads, matchesFilter, parseArgs } from './cli.js';
import { ensureLayoutOnnx, ensureLayoutTfjs, layoutGraphNchw, layoutOnnxBytes, toNhwc } from './layouts.js';
import { importLayersModel, loadLayersArtifacts } from '@glasswing/tfjs';
import { matrixWorkloads, patchMask, quickWorkloads } from './matrix.js';
import { loadGraph } from './models.js';
import { benchScaling, fitLine } from './scaling.js';
import { countingModel, rowFlops } from './throughput.js';
import { WORKLOADS } from './workloads.js';
import { jsMatmul, measurePeaks } from './peak.js';

describe('benchmark engine (issue 15)', () => {
  it('runs a filtered --quick slice end to end: rows carry FLOPs, achieved GFLOP/s and % of peak; markdown and SVG show them', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'glasswing-engine-'));
    const filter = 'saliency/lenet_mnist/onnx-node/b1,*/mlp_tabular/reference/b1,saliency/mlp_tabular/tfjs-wasm/b1';
    const { report, markdown, files } = await bench({ ...parseArgs(['--quick', '--filter', filter]), out }, undefined, () => {});
    const ids = report.results.map((r) => r.id);
    expect(ids).toContain('saliency/lenet_mnist/onnx-node/b1');
    expect(ids.filter((id) => id.endsWith('/mlp_tabular/reference/b1'))).toHaveLength(9);
    expect(report.peaks!.map((p) => p.runtime).sort()).toEqual(['js', 'onnx-node', 'tfjs-wasm']);
    // tfjs-wasm reports its WebAssembly heap (at least the 16 MiB it starts with); others have none.
    expect(report.results.find((r) => r.adapter === 'tfjs-wasm')!.wasmHeapMB).toBeGreaterThanOrEqual(16);
    expect(report.results.find((r) => r.id === 'saliency/lenet_mnist/onnx-node/b1')!.wasmHeapMB).toBeUndefined();
    for (const p of report.peaks!) expect(p.gflops, p.runtime).toBeGreaterThan(0);
    const sal = report.results.find((r) => r.id === 'saliency/lenet_mnist/onnx-node/b1')!;
    expect(sal.status).toBe('ok');
    // One example, one gradient call: LeNet's forward + input-gradient FLOPs (≥ 4 × its 4,241,152 hand-counted multiply-adds).
    const lenet = countFlops(await loadGraph('lenet_mnist'));
    expect(lenet.multiplyAdds).toBe(4_241_152);
    expect(sal).toMatchObject({ gradientRows: 1, forwardRows: 0, flops: lenet.forward + lenet.backward, peakRuntime: 'onnx-node' });
    expect(sal.achievedGflops).toBeCloseTo(sal.flops! / sal.medianS! / 1e9, 9);
    expect(sal.fractionOfPeak).toBeCloseTo(sal.achievedGflops! / report.peaks!.find((p) => p.runtime === 'onnx-node')!.gflops!, 9);
    const ks = report.results.find((r) => r.id === 'kernel-shap/mlp_tabular/reference/b1')!;
    // 64 coalitions on the one background row, the input itself, and the background once (its expected output).
    expect(ks).toMatchObject({ status: 'ok', gradientRows: 0, forwardRows: 64 + 1 + 1, peakRuntime: 'js' });
    const gc = report.results.find((r) => r.id === 'grad-cam/mlp_tabular/reference/b1')!;
    expect(gc).toMatchObject({ status: 'skipped', error: expect.stringMatching(/needs a convolutional layer/) });

    expect(files.map((f) => path.basename(f))).toEqual([`${report.date.slice(0, 10)}-quick.json`, `${report.date.slice(0, 10)}-quick.md`, `${report.date.slice(0, 10)}-quick.svg`]);
    const json = JSON.parse(await readFile(files[0]!, 'utf8'));
    expect(json.results.find((r: { id: string }) => r.id === sal.id)).toHaveProperty('fractionOfPeak');
    expect(json.peaks).toHaveLength(3);
    expect(markdown).toContain('| GFLOP per rep | achieved GFLOP/s | peak GFLOP/s | % of peak | wasm heap MB |');
    expect(markdown).toMatch(/\| runtime \(peak\) \| matmul n \|/);
    const row = markdown.split('\n').find((l) => l.startsWith('| saliency | lenet_mnist | onnx-node | 1 |'))!;
    expect(row.split('|').at(-4)!.trim()).toBe(`${sal.peakGflops!.toFixed(1)} (onnx-node)`);
    const svg = await readFile(files[2]!, 'utf8');
    expect(svg).toBe(throughputChartSvg(report));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('saliency · lenet_mnist · b1');
    // One bar per measured row, and the log axis' decade labels.
    expect((svg.match(/<rect x="300"/g) ?? []).length).toBe(report.results.filter((r) => r.status === 'ok').length);
    expect(svg).toMatch(/>1<\/text>/);
    expect(svg).toMatch(/>10<\/text>/);
  });

  it('matches --filter as substrings, globs on the whole id, and comma-separated alternatives', () => {
    const id = 'integrated-gradients/resnet18_224/onnx-node/b8';
    expect(matchesFilter(id, 'resnet18')).toBe(true);
    expect(matchesFilter(id, 'resnet18_64')).toBe(false);
    expect(matchesFilter(id, '*/resnet18_*/onnx-*/b8')).toBe(true);
    expect(matchesFilter(id, '*/resnet18_*/onnx-*/b1')).toBe(false);
    expect(matchesFilter(id, 'resnet18_*')).toBe(false); // a glob matches the whole id
    expect(matchesFilter(id, 'lenet, onnx-node/b8')).toBe(true);
    expect(matchesFilter('saliency/lenet_mnist/tfjs-wasm/b1', 'saliency/lenet?mnist/*')).toBe(true);
    expect(() => parseArgs(['--max-estimate', '0'])).toThrow(/positive number/);
    expect(parseArgs(['--max-estimate', '12', '--no-peak'])).toMatchObject({ maxEstimateS: 12, noPeak: true });
  });

  it('declares the matrix: 9 methods × 6 models × 3 batches on every adapter (Captum-matched ids kept once), and a quick slice', () => {
    const all = defaultWorkloads(false);
    expect(new Set(all.map((w) => w.id)).size).toBe(all.length);
    const matrix = matrixWorkloads();
    const adapters = new Set(matrix.map((w) => w.adapter)).size;
    expect(matrix.length).toBe(9 * 6 * 3 * adapters);
    expect(all.length).toBe(WORKLOADS.length + matrixWorkloads(WORKLOADS).length);
    for (const model of ['resnet18_64', 'resnet18_224', 'mobilenet_v2_64', 'mobilenet_v2_224']) {
      expect(all.filter((w) => w.model === model && w.adapter === 'onnx-node').map((w) => w.batch).sort((a, b) => a - b)).toEqual([...Array(9).fill(1), ...Array(9).fill(8), ...Array(9).fill(32)]);
    }
    expect(all.find((w) => w.id === 'integrated-gradients/resnet18_224/onnx-node/b32')!.options).toMatchObject({ steps: 50 });
    const quick = quickWorkloads();
    expect(new Set(quick.map((w) => w.model))).toEqual(new Set(['mlp_tabular', 'lenet_mnist', 'mobilenet_v2_64']));
    expect(quick.every((w) => w.batch === 1)).toBe(true);
  });

  it('counts the rows of forward, activation and gradient calls, and the largest call', async () => {
    const fake = {
      inputShape: [2],
      forward: async (x: Tensor) => x,
      activations: async (x: Tensor) => ({ outputs: x, layers: {} }),
      gradient: async (x: Tensor) => ({ outputs: x, inputGradient: x, layers: {} }),
      dispose: () => {},
    } as unknown as Model;
    const c = countingModel(fake);
    const t = (n: number): Tensor => ({ shape: [n, 2], data: new Float32Array(2 * n) });
    await c.model.forward(t(3));
    await c.model.activations(t(2), []);
    await c.model.gradient(t(5), { seed: 'target' } as never);
    expect(c.rows()).toEqual({ forward: 5, gradient: 5, maxPerCall: 5 });
    expect(c.model.inputShape).toEqual([2]);
    c.reset();
    expect(c.rows()).toEqual({ forward: 0, gradient: 0, maxPerCall: 0 });
    expect(rowFlops({ forward: 10, backward: 7 }, 3, 2)).toBe(3 * 10 + 2 * 17);
  });

  it("the plain-JS peak kernel computes A·B (checked against the textbook triple loop; n not a multiple of the tile), and a peak is 2n³ / best time", async () => {
    for (const n of [5, 67, 130]) {
      const a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i));
      const b = Float32Array.from({ length: n * n }, (_, i) => Math.cos(i * 0.5));
      const c = new Float32Array(n * n);
      jsMatmul(n, a, b, c);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += a[i * n + k]! * b[k * n + j]!;
          expect(Math.abs(c[i * n + j]! - s), `${n}: ${i},${j}`).toBeLessThan(1e-3);
        }
    }
    const [p] = await measurePeaks(['js'], { n: 64, reps: 2 });
    expect(p!.gflops).toBeCloseTo((2 * 64 ** 3) / p!.bestS! / 1e9, 9);
    const [bad] = await measurePeaks(['no-such-runtime']);
    expect(bad!.error).toMatch(/no matmul microbenchmark/);
  });

  it('fits lines and power laws exactly on exact data', () => {
    const xs = [1, 2, 4, 8];
    const lin = fitLine(xs, xs.map((x) => 0.5 + 2 * x));
    expect(lin.slope).toBeCloseTo(2, 12);
    expect(lin.intercept).toBeCloseTo(0.5, 12);
    expect(lin.r2).toBeCloseTo(1, 12);
    expect(fitLine(xs, xs.map((x) => 3 * x)).exponent).toBeCloseTo(1, 12);
    const quad = fitLine(xs, xs.map((x) => x * x));
    expect(quad.exponent).toBeCloseTo(2, 12);
    expect(quad.r2).toBeLessThan(0.99);
  });

  it('runs the quick scaling curves: every model call stays within internalBatchSize, files written', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'glasswing-scaling-'));
    const { report, files, markdown } = await benchScaling({ quick: true, out }, () => {});
    expect(report.curves.map((c) => `${c.method}:${c.axis}`)).toEqual([
      'integrated-gradients:steps',
      'integrated-gradients:batch',
      'integrated-gradients:pixels',
      'kernel-shap:samples',
      'kernel-shap:batch',
      'kernel-shap:pixels',
    ]);
    for (const c of report.curves) {
      expect(c.error, `${c.method} ${c.axis}`).toBeUndefined();
      expect(c.memoryBounded).toBe(true);
      expect(Math.max(...c.points.map((p) => p.maxRowsPerCall))).toBeLessThanOrEqual(c.internalBatchSize);
      expect(c.fit!.r2).toBeGreaterThanOrEqual(0);
    }
    // IG over steps: gradient rows = batch × steps at every point.
    const steps = report.curves[0]!;
    expect(steps.points.map((p) => p.gradientRows)).toEqual(steps.points.map((p) => 4 * p.x));
    expect(markdown).toContain('| R² | exponent k | linear | largest call (rows) | memory bounded |');
    expect(files.map((f) => path.extname(f))).toEqual(['.json', '.md', '.svg']);
    expect((await readFile(files[2]!, 'utf8')).match(/<polyline/g)).toHaveLength(6);
  });
});

describe('real layouts (ResNet-18, MobileNetV2)', () => {
  const params = (g: { initializers: Record<string, Tensor> }) => Object.values(g.initializers).reduce((a, t) => a + t.data.length, 0);

  it("match torchvision's published multiply-adds and parameter counts (BatchNorm folded)", () => {
    const resnet = layoutGraphNchw({ arch: 'resnet18', size: 224, seed: 0 });
    const mobilenet = layoutGraphNchw({ arch: 'mobilenet_v2', size: 224, seed: 0 });
    // torchvision model cards: resnet18 1.81 GFLOPS (multiply-adds), 11,689,512 parameters;
    // mobilenet_v2 0.30 GFLOPS, 3,504,872 parameters. Folding a BatchNorm removes its 2 per
    // channel and adds the conv's bias, 1 per channel: −4,800 (ResNet-18), −17,056 (MobileNetV2).
    expect(countFlops(resnet).multiplyAdds / 1e9).toBeCloseTo(1.81, 2);
    expect(countFlops(mobilenet).multiplyAdds / 1e9).toBeCloseTo(0.3, 2);
    expect(params(resnet)).toBe(11_689_512 - 4_800);
    expect(params(mobilenet)).toBe(3_504_872 - 17_056);
    expect(resnet.nodes.filter((n) => n.op === 'Add')).toHaveLength(8);
    expect(mobilenet.nodes.filter((n) => n.op === 'Add')).toHaveLength(10);
    expect(mobilenet.nodes.filter((n) => n.op === 'Conv' && n.attrs['group'] !== 1)).toHaveLength(17);
    expect(mobilenet.nodes.filter((n) => n.op === 'Clip')).toHaveLength(35);
    // NHWC copy: same work.
    expect(countFlops(toNhwc(resnet)).forward).toBe(countFlops(resnet).forward);
  });

  it('are bit-reproducible from the seed, and the NHWC IR copy agrees with the ONNX file on onnx-node', async () => {
    const spec = { arch: 'mobilenet_v2', size: 32, seed: 3 } as const;
    const hash = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    const bytes = layoutOnnxBytes(layoutGraphNchw(spec));
    expect(hash(layoutOnnxBytes(layoutGraphNchw(spec)))).toBe(hash(bytes));
    expect(hash(layoutOnnxBytes(layoutGraphNchw({ ...spec, seed: 4 })))).not.toBe(hash(bytes));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'glasswing-layouts-'));
    const file = await ensureLayoutOnnx(spec, dir);
    expect(hash(new Uint8Array(await readFile(file)))).toBe(hash(bytes));
    const onnx = await fromOnnx(file, { runtime: 'onnx-node' });
    const ir = createReferenceModel(toNhwc(layoutGraphNchw(spec)));
    try {
      expect(onnx.inputShape).toEqual([3, 32, 32]);
      expect(ir.inputShape).toEqual([32, 32, 3]);
      const n = 2;
      const nchw = Float32Array.from({ length: n * 3 * 32 * 32 }, (_, i) => Math.sin(i * 0.37));
      const nhwc = new Float32Array(nchw.length);
      for (let b = 0; b < n; b++) for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) nhwc[b * 3072 + p * 3 + c] = nchw[b * 3072 + c * 1024 + p]!;
      const a = await onnx.forward({ shape: [n, 3, 32, 32], data: nchw });
      const b = await ir.forward({ shape: [n, 32, 32, 3], data: nhwc });
      expect(a.shape).toEqual([n, 1000]);
      let scale = 0;
      let worst = 0;
      a.data.forEach((v, i) => {
        scale = Math.max(scale, Math.abs(v));
        worst = Math.max(worst, Math.abs(v - b.data[i]!));
      });
      expect(scale).toBeGreaterThan(0);
      expect(worst / scale).toBeLessThan(1e-4);
    } finally {
      await onnx.dispose();
      await ir.dispose();
    }
  });

  it('have a TensorFlow.js copy (functional LayersModel, NHWC) that computes exactly what the NHWC IR graph does, with the same FLOPs', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'glasswing-layouts-'));
    for (const arch of ['resnet18', 'mobilenet_v2'] as const) {
      const spec = { arch, size: 32, seed: 5 } as const;
      const file = await ensureLayoutTfjs(spec, dir);
      expect(path.basename(file)).toBe('model.json');
      const tfjsGraph = importLayersModel(await loadLayersArtifacts(file));
      const irGraph = toNhwc(layoutGraphNchw(spec));
      expect(countFlops(tfjsGraph).multiplyAdds).toBe(countFlops(irGraph).multiplyAdds);
      expect(countFlops(tfjsGraph).forward).toBe(countFlops(irGraph).forward);
      const x = { shape: [2, 32, 32, 3], data: Float32Array.from({ length: 2 * 3072 }, (_, i) => Math.cos(i * 0.21)) };
      const a = await createReferenceModel(tfjsGraph).forward(x);
      const b = await createReferenceModel(irGraph).forward(x);
      expect(a.shape).toEqual([2, 1000]);
      // Same arithmetic in the same order (explicit zero padding adds zeros): equal to the last bit.
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
      const last = arch === 'resnet18' ? 'layer4/layer4.1/relu_1' : 'features/features.18/features.18.2';
      expect(createReferenceModel(tfjsGraph).layerNames).toContain(last);
    }
  });

  it('patch masks group all channels of a pixel, 64 patches, in either layout', () => {
    const nhwc = patchMask([16, 16, 3]);
    const nchw = patchMask([3, 16, 16]);
    expect(new Set(nhwc).size).toBe(64);
    expect(new Set(nchw).size).toBe(64);
    // pixel (y=5, x=9): patch (2, 4) = 20, every channel.
    for (let c = 0; c < 3; c++) {
      expect(nhwc[(5 * 16 + 9) * 3 + c]).toBe(20);
      expect(nchw[(c * 16 + 5) * 16 + 9]).toBe(20);
    }
  });
});
