/**
 * Browser rows end to end on a tiny slice: Saliency on mlp_tabular, batch 1 (quick), every browser adapter,
 * in Debian's Chromium (playwright-core). Each row is 'ok' or 'skipped' with the reason the page
 * found (no WebGL context, no WebGPU adapter); the rows that need nothing but wasm must run; every
 * row that ran must have computed what core's reference executor computes in Node for the same
 * seeded inputs and targets (Σ|attribution|), on the backend it claims. No timing assertion.
 * Skipped, saying so, only where /usr/bin/chromium is absent (CI installs it: .ci/run).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReferenceModel, createRng, METHODS } from '@glasswing/core';
import { BROWSER_ADAPTER_IDS, browserNote, browserWorkloads, CHROMIUM, runBrowserWorkloads, type BrowserWorkloadResult } from './browser.js';
import { bench, parseArgs } from './cli.js';
import { loadGraph } from './models.js';

const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** Σ|Saliency| of the reference executor for the harness's seeded input (1234) and targets (99). */
async function referenceAbsSum(batch: number): Promise<number> {
  const model = createReferenceModel(await loadGraph('mlp_tabular'));
  const rng = createRng(1234);
  const per = model.inputShape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: batch * per }, () => rng.uniform());
  const trng = createRng(99);
  const target = Array.from({ length: batch }, () => trng.int(model.outputShape.reduce((a, b) => a * b, 1)));
  const r = await METHODS['saliency']!.run(model, { shape: [batch, ...model.inputShape], data }, { abs: true, target });
  await model.dispose();
  return r.attributions.data.reduce((s, v) => s + Math.abs(v), 0);
}

describe('browser rows: the workload table and the flags', () => {
  it('crosses every method × model × batch 1/8/32 with each browser adapter (quick: batch 1)', () => {
    const all = browserWorkloads();
    expect(new Set(all.map((w) => w.adapter))).toEqual(new Set(BROWSER_ADAPTER_IDS.map((a) => `browser:${a}`)));
    expect(new Set(all.map((w) => w.batch))).toEqual(new Set([1, 8, 32]));
    expect(new Set(all.map((w) => w.method))).toEqual(new Set(['saliency', 'integrated-gradients', 'smoothgrad', 'deeplift']));
    expect(new Set(all.map((w) => w.model))).toEqual(new Set(['mlp_tabular', 'lenet_mnist']));
    expect(all).toHaveLength(4 * 2 * 3 * BROWSER_ADAPTER_IDS.length);
    expect(all.find((w) => w.id === 'integrated-gradients/lenet_mnist/browser:tfjs-webgl/b32')?.options).toMatchObject({ steps: 50 });
    expect(new Set(browserWorkloads(true).map((w) => w.batch))).toEqual(new Set([1]));
    expect(new Set(browserWorkloads(true).map((w) => w.method))).toEqual(new Set(['saliency', 'integrated-gradients']));
    expect(parseArgs(['--quick'])).toMatchObject({ quick: true, browser: true });
    expect(parseArgs(['--quick', '--no-browser']).browser).toBeUndefined();
    expect(parseArgs(['--browser'])).toMatchObject({ browser: true });
    expect(parseArgs(['--browser-gpu'])).toMatchObject({ browser: true, browserGpu: true });
    expect(parseArgs([]).browser).toBeUndefined();
  });

  it('without Chromium every row is skipped, saying where it looked', async () => {
    const ws = browserWorkloads(true).slice(0, 2);
    const { results, environment } = await runBrowserWorkloads(ws, { chromium: '/nonexistent/chromium' });
    expect(results.map((r) => [r.status, r.error])).toEqual(ws.map(() => ['skipped', expect.stringContaining('no Chromium at /nonexistent/chromium')]));
    expect(browserNote(environment).join(' ')).toContain('not run (no Chromium at /nonexistent/chromium');
  });
});

describe.skipIf(!HAVE_CHROMIUM)(`browser rows in headless Chromium (${HAVE_CHROMIUM ? CHROMIUM : `skipped: ${CHROMIUM} is missing; apt-get install chromium`})`, () => {
  it('pnpm bench --browser --quick --filter saliency/mlp_tabular/browser: — every browser adapter ok and agreeing with the reference executor, or a reason', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'glasswing-bench-browser-'));
    // No Node rows: only the browser slice (batch 1 in quick mode) through the command's own path.
    const { report, markdown, files } = await bench({ quick: true, out, browser: true, filter: 'saliency/mlp_tabular/browser:' }, [], () => {});
    const results = report.results;
    const environment = report.browser!;
    expect(environment.error).toBeUndefined();
    const probe = environment.probe!;
    const byAdapter = new Map(results.map((r) => [r.adapter.replace('browser:', ''), r as BrowserWorkloadResult]));
    expect([...byAdapter.keys()].sort()).toEqual([...BROWSER_ADAPTER_IDS].sort());
    const want = await referenceAbsSum(1);
    const expectOk = (id: string, ran: RegExp) => {
      const r = byAdapter.get(id)!;
      expect([r.status, r.error], id).toEqual(['ok', undefined]);
      expect(r.ran, id).toMatch(ran);
      expect(r.modelCalls, id).toBe(1);
      expect(r.examplesPerSec, id).toBeGreaterThan(0);
      expect(Math.abs(r.attributionAbsSum! - want), `${id}: Σ|saliency| ${r.attributionAbsSum} vs reference ${want}`).toBeLessThanOrEqual(1e-4 * want);
    };
    const expectSkipped = (id: string, reason: string | undefined) => {
      const r = byAdapter.get(id)!;
      expect(r.status, id).toBe('skipped');
      expect(r.error, id).toBe(reason);
    };
    // wasm needs nothing from the machine.
    expectOk('tfjs-wasm', /^tfjs wasm/);
    expectOk('onnx-web', /^onnxruntime-web wasm/);
    expect(byAdapter.get('tfjs-wasm')!.backendTensorsLeaked).toBe(0);
    // GL rows run exactly where the page could create the context, on the backend they name.
    if (probe.webgl2.ok || probe.webgl.ok) {
      expectOk('tfjs-webgl', /^tfjs webgl/);
      expect(byAdapter.get('tfjs-webgl')!.backendTensorsLeaked).toBe(0);
    } else expect(byAdapter.get('tfjs-webgl')!.error).toMatch(/no WebGL context/);
    if (probe.gpujsModes.includes('webgl2')) expectOk('gpujs-webgl2', /^gpu\.js webgl2$/);
    else expect(byAdapter.get('gpujs-webgl2')!.error).toMatch(/gpu\.js offers no 'webgl2' mode/);
    if (probe.webgpu.ok) expectOk('onnx-webgpu', /^onnxruntime-web webgpu/);
    else expectSkipped('onnx-webgpu', probe.webgpu.reason);
    const note = browserNote(environment).join(' ');
    expect(note).toContain(`Chromium ${environment.version}`);
    if (probe.webgl2.software) expect(note).toContain('say nothing about GPU speed');
    expect(markdown).toContain(note);
    expect(markdown).toContain('| saliency | mlp_tabular | browser:tfjs-wasm | 1 | abs=true | 1 |');
    const json = JSON.parse(await readFile(files[0]!, 'utf8'));
    expect(json.browser.probe.userAgent).toContain('HeadlessChrome');
    expect(json.results.map((r: { id: string }) => r.id)).toEqual(BROWSER_ADAPTER_IDS.map((a) => `saliency/mlp_tabular/browser:${a}/b1`));
  });

  it("LeNet's gradients on onnx-webgpu: a row saying why it cannot run (WebGPU MaxPool has no Indices output), or the probe's reason", async () => {
    const ws = browserWorkloads(true).filter((w) => w.id === 'saliency/lenet_mnist/browser:onnx-webgpu/b1');
    expect(ws).toHaveLength(1);
    const { results, environment } = await runBrowserWorkloads(ws, { quick: true });
    const [row] = results;
    expect(row!.status).toBe('skipped');
    if (environment.probe!.webgpu.ok) expect(row!.error).toMatch(/WebGPU MaxPool computes no Indices output .*IsTensor\(\) was false/);
    else expect(row!.error).toBe(environment.probe!.webgpu.reason);
  });

  it('a Chromium without WebGL or WebGPU (--disable-3d-apis): those rows are skipped saying why, the wasm rows still run', async () => {
    const ws = browserWorkloads(true).filter((w) => w.method === 'saliency' && w.model === 'mlp_tabular');
    const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-3d-apis'];
    const { results, environment } = await runBrowserWorkloads(ws, { quick: true, args });
    expect(environment.probe!.webgl2).toEqual({ ok: false, reason: "canvas.getContext('webgl2') returned null" });
    expect(Object.fromEntries(results.map((r) => [r.adapter, [r.status, r.error]]))).toEqual({
      'browser:tfjs-webgl': ['skipped', "no WebGL context: canvas.getContext('webgl2') returned null; canvas.getContext('webgl') returned null"],
      'browser:tfjs-wasm': ['ok', undefined],
      'browser:onnx-web': ['ok', undefined],
      'browser:onnx-webgpu': ['skipped', expect.stringMatching(/^navigator\.gpu/)],
      'browser:gpujs-webgl2': ['skipped', "gpu.js offers no 'webgl2' mode here (available: webasm, cpu; canvas.getContext('webgl2') returned null)"],
    });
    expect(browserNote(environment).join(' ')).toContain("no WebGL2 (canvas.getContext('webgl2') returned null)");
  });
});
