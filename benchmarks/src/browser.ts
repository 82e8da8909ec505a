/**
 * Benchmark rows in a real browser (`pnpm bench --browser`): Debian's Chromium driven by
 * playwright-core (no browser download), Glasswing's adapters built inside the page
 * (browser/page.ts, bundled here with esbuild) and timed there with performance.now() as
 * harness.ts times the Node rows. Everything is served from a local http server started for the
 * run (the bundle, the models' graphs and ONNX files, the tfjs and onnxruntime-web .wasm files),
 * with COOP/COEP so wasm threads are available. Adapters: `browser:tfjs-webgl`, `browser:tfjs-wasm`,
 * `browser:onnx-web` (wasm), `browser:onnx-webgpu`, `browser:gpujs-webgl2`. A row that cannot run
 * in this browser is a 'skipped' row saying why (no WebGL context, no navigator.gpu, gpu.js fell
 * back, no Chromium).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphToJSON } from '@glasswing/core';
import type { Browser, Page } from 'playwright-core';
import { captumExamplesPerSecond } from './captum-baseline.js';
import type { WorkloadResult } from './harness.js';
import { loadGraph } from './models.js';
import { BROWSER_ADAPTER_IDS, type BrowserAdapterId, type BrowserProbe, type PageRowResult, type PageRowSpec } from './browser/protocol.js';
import { workloadsFor, type AlgorithmRow, type Workload } from './workloads.js';

export { BROWSER_ADAPTER_IDS, type BrowserAdapterId, type BrowserProbe } from './browser/protocol.js';

/** Debian's Chromium; GLASSWING_CHROMIUM names another Chromium build. */
export const CHROMIUM = process.env['GLASSWING_CHROMIUM'] ?? '/usr/bin/chromium';

/** The browser rows' environment, kept in the report (JSON `browser`) and its markdown note. */
export interface BrowserEnvironment {
  readonly chromium: string;
  readonly version?: string;
  /** 'software' (no GPU: --disable-gpu, WebGL on SwiftShader) or 'gpu' (--browser-gpu). */
  readonly gpuMode: BrowserGpuMode;
  readonly args: readonly string[];
  readonly probe?: BrowserProbe;
  /** Why no browser ran (Chromium missing or failed to start). */
  readonly error?: string;
}

/** A browser row: a Node row's fields plus what ran in the page and its JS heap. */
export interface BrowserWorkloadResult extends WorkloadResult {
  /** What actually ran in the page: tfjs backend, gpu.js mode, ORT execution provider, threads. */
  readonly ran?: string;
  /** Peak performance.memory.usedJSHeapSize, sampled after every model call, MB. */
  readonly peakJsHeapMB?: number;
  /** Σ|attribution| of the last run (compared with Node's reference executor in browser.test.ts). */
  readonly attributionAbsSum?: number;
}

export type BrowserGpuMode = 'software' | 'gpu';

const IG = { steps: 50, quadrature: 'gausslegendre', baselines: 0 } as const;
const SMOOTHGRAD = { nSamples: 25, stdevs: 0.1, seed: 0, abs: true } as const;

/** Method × model rows of the browser benchmark, at each batch in BROWSER_BATCHES (full run). */
const BASE_ROWS: readonly Omit<AlgorithmRow, 'batch'>[] = [
  { method: 'saliency', model: 'mlp_tabular', options: { abs: true }, reps: 20, warmup: 2, budgetS: 5 },
  { method: 'integrated-gradients', model: 'mlp_tabular', options: { ...IG, internalBatchSize: 3200 }, reps: 5, warmup: 1, budgetS: 10 },
  { method: 'smoothgrad', model: 'mlp_tabular', options: SMOOTHGRAD, reps: 5, warmup: 1, budgetS: 10 },
  { method: 'deeplift', model: 'mlp_tabular', options: { baselines: 0 }, reps: 10, warmup: 1, budgetS: 5 },
  { method: 'saliency', model: 'lenet_mnist', options: { abs: true }, reps: 10, warmup: 2, budgetS: 10 },
  { method: 'integrated-gradients', model: 'lenet_mnist', options: { ...IG, internalBatchSize: 200 }, reps: 3, warmup: 1, budgetS: 20 },
  { method: 'smoothgrad', model: 'lenet_mnist', options: SMOOTHGRAD, reps: 3, warmup: 1, budgetS: 20 },
  { method: 'deeplift', model: 'lenet_mnist', options: { baselines: 0 }, reps: 5, warmup: 1, budgetS: 10 },
];

export const BROWSER_BATCHES = [1, 8, 32] as const;
/** `--quick`: batch 1 only (software WebGL takes ~40 s for one LeNet IG run at batch 8). */
export const BROWSER_QUICK_BATCH = 1;
/** `--quick`: Saliency and IG only, so the browser slice of `pnpm bench --quick` stays near a minute. */
export const BROWSER_QUICK_METHODS: readonly string[] = ['saliency', 'integrated-gradients'];

export const BROWSER_ROWS: readonly AlgorithmRow[] = BROWSER_BATCHES.flatMap((batch) => BASE_ROWS.map((r) => ({ ...r, batch })));

/** Every browser workload (`<method>/<model>/browser:<adapter>/b<batch>`); quick: Saliency and IG at batch 1. */
export function browserWorkloads(quick = false, adapters: readonly BrowserAdapterId[] = BROWSER_ADAPTER_IDS): Workload[] {
  const rows = quick ? BROWSER_ROWS.filter((r) => r.batch === BROWSER_QUICK_BATCH && BROWSER_QUICK_METHODS.includes(r.method)) : BROWSER_ROWS;
  return workloadsFor(
    rows,
    adapters.map((a) => `browser:${a}`),
  );
}

/**
 * Chromium's flags. 'software' (default; nothing needs a GPU): --disable-gpu, with WebGL and
 * WebGPU on SwiftShader (--use-angle=swiftshader --enable-unsafe-swiftshader, Vulkan) so the
 * WebGL / WebGPU rows still run Glasswing's code paths there; their timings say nothing about GPU
 * speed (the rows' note says so, from the renderer string). 'gpu' (--browser-gpu): the GPU
 * process on (ANGLE on Vulkan, the GPU blocklist ignored) and WebGPU enabled.
 */
export function chromiumArgs(mode: BrowserGpuMode): string[] {
  const common = [
    '--headless',
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--enable-precise-memory-info',
    // WebGPU is off by default on Linux: expose it (on SwiftShader's Vulkan without a GPU).
    '--enable-unsafe-webgpu',
  ];
  return mode === 'gpu'
    ? [...common, '--ignore-gpu-blocklist', '--enable-gpu-rasterization', '--use-angle=vulkan', '--enable-features=Vulkan,WebGPU']
    : [...common, '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-features=Vulkan'];
}

const BENCH_ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODELS_DIR = path.join(BENCH_ROOT, 'models');
const PAGE_ENTRY = fileURLToPath(new URL('./browser/page.ts', import.meta.url));
const requireHere = createRequire(import.meta.url);
/** The package's dist folder (both packages' Node entry points live there; onnxruntime-web exports no package.json). */
const distOf = (pkg: string): string => path.dirname(requireHere.resolve(pkg));

/** The page bundle: core, the adapters and the tfjs backends; onnxruntime-web from its own files (import map). */
async function bundlePage(): Promise<string> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@glasswing/source'],
    // Node-only paths (files from disk, the native runtime, headless GL) are never reached in the page;
    // onnxruntime-web loads its own .mjs/.wasm files, as a web application would.
    external: ['node:*', 'onnxruntime-node', 'onnxruntime-web', 'gl'],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.html': 'text/html',
};

/** Files under `dir` only (no `..`). */
async function serveFile(dir: string, rel: string): Promise<Buffer | undefined> {
  const file = path.resolve(dir, rel);
  if (!file.startsWith(dir + path.sep)) return undefined;
  return readFile(file).catch(() => undefined);
}

async function startServer(script: string): Promise<{ server: Server; origin: string }> {
  const graphs = new Map<string, string>();
  const ortDir = distOf('onnxruntime-web');
  const tfjsWasmDir = distOf('@tensorflow/tfjs-backend-wasm');
  const html =
    '<!doctype html><meta charset="utf-8"><title>glasswing browser benchmarks</title>' +
    '<script type="importmap">{"imports":{"onnxruntime-web":"/ort/ort.min.mjs"}}</script>' +
    '<script type="module" src="/app.js"></script>';
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const p = decodeURIComponent(url.pathname);
      let body: string | Buffer | undefined;
      if (p === '/') body = html;
      else if (p === '/app.js') body = script;
      else if (p.startsWith('/ort/')) body = await serveFile(ortDir, p.slice(5));
      else if (p.startsWith('/tfjs-wasm/')) body = await serveFile(tfjsWasmDir, p.slice(11));
      else if (p.startsWith('/models/')) body = await serveFile(MODELS_DIR, p.slice(8));
      else if (p.startsWith('/graphs/') && p.endsWith('.json')) {
        const id = p.slice(8, -5);
        if (!graphs.has(id)) graphs.set(id, JSON.stringify(graphToJSON(await loadGraph(id))));
        body = graphs.get(id);
      }
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        'content-type': p === '/' ? 'text/html' : (TYPES[path.extname(p)] ?? 'application/octet-stream'),
        // Cross-origin isolation: SharedArrayBuffer, so tfjs-wasm and onnxruntime-web can use threads.
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
        'cross-origin-resource-policy': 'same-origin',
      });
      res.end(body);
    })().catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e.message));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface PageApi {
  probe(): Promise<BrowserProbe>;
  run(spec: PageRowSpec): Promise<PageRowResult>;
}

async function openPage(browser: Browser, origin: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Only the page's own server: any other request is refused (and would be a bug).
  await page.route('**/*', (route) => (route.request().url().startsWith(origin + '/') ? route.continue() : route.abort('blockedbyclient')));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'glasswingBench' in globalThis, undefined, { timeout: 60_000 }).catch(() => {
    throw new Error(`the benchmark page did not start in Chromium: ${errors.join('; ') || 'no page error'}`);
  });
  return page;
}

export interface BrowserRunOptions {
  readonly quick?: boolean;
  /** The Chromium executable (default CHROMIUM). */
  readonly chromium?: string;
  /** Chromium's flags instead of chromiumArgs(gpu) (e.g. a browser without WebGL, in tests). */
  readonly args?: readonly string[];
  readonly gpu?: BrowserGpuMode;
  /** Abort a row whose single repetition runs past this (seconds). Default 180. */
  readonly hardLimitS?: number;
  readonly log?: (line: string) => void;
}

function toResult(w: Workload, r: PageRowResult): BrowserWorkloadResult {
  const captum = captumExamplesPerSecond(w.method, w.model, w.batch);
  const base = { id: w.id, method: w.method, model: w.model, adapter: w.adapter, batch: w.batch, params: { ...w.options } };
  const cap = captum !== undefined ? { captumExamplesPerSec: captum } : {};
  if (r.status !== 'ok') return { ...base, status: r.status, error: r.error ?? 'no reason given', reps: 0, ...cap, ...(r.ran ? { ran: r.ran } : {}) };
  const times = r.times ?? [];
  const eps = w.batch / r.medianS!;
  return {
    ...base,
    status: 'ok',
    reps: times.length,
    medianS: r.medianS!,
    minS: Math.min(...times),
    ...(r.firstS !== undefined ? { firstS: r.firstS } : {}),
    ...(r.createS !== undefined ? { createS: r.createS } : {}),
    examplesPerSec: eps,
    modelCalls: r.modelCalls ?? 0,
    ...(r.attributionAbsSum !== undefined ? { attributionAbsSum: r.attributionAbsSum } : {}),
    ...(r.peakJsHeapMB !== undefined ? { peakJsHeapMB: r.peakJsHeapMB } : {}),
    ...(r.backendPeakMB !== undefined ? { backendPeakMB: r.backendPeakMB } : {}),
    ...(r.backendTensorsLeaked !== undefined ? { backendTensorsLeaked: r.backendTensorsLeaked } : {}),
    ...(captum !== undefined ? { captumExamplesPerSec: captum, ratioToCaptum: eps / captum } : {}),
    ...(r.ran ? { ran: r.ran } : {}),
  };
}

const skippedAll = (workloads: readonly Workload[], why: string): BrowserWorkloadResult[] =>
  workloads.map((w) => toResult(w, { status: 'skipped', error: why }));

/** Runs browser workloads (adapter `browser:<id>`) in one Chromium; never throws for a browser that is missing or fails. */
export async function runBrowserWorkloads(
  workloads: readonly Workload[],
  options: BrowserRunOptions = {},
): Promise<{ results: BrowserWorkloadResult[]; environment: BrowserEnvironment }> {
  const gpuMode = options.gpu ?? 'software';
  const args = options.args ? [...options.args] : chromiumArgs(gpuMode);
  const executablePath = options.chromium ?? CHROMIUM;
  const env = { chromium: executablePath, gpuMode, args };
  if (!existsSync(executablePath)) {
    const why = `no Chromium at ${executablePath} (apt-get install chromium, or set GLASSWING_CHROMIUM)`;
    return { results: skippedAll(workloads, why), environment: { ...env, error: why } };
  }
  let browser: Browser | undefined;
  let server: Server | undefined;
  try {
    const [{ chromium }, script] = await Promise.all([import('playwright-core'), bundlePage()]);
    const started = await startServer(script);
    server = started.server;
    browser = await chromium.launch({ executablePath, args });
    let page = await openPage(browser, started.origin);
    const probe = await page.evaluate(() => (globalThis as unknown as { glasswingBench: PageApi }).glasswingBench.probe());
    const environment: BrowserEnvironment = { ...env, version: browser.version(), probe };
    options.log?.(`browser: Chromium ${browser.version()} (${gpuMode}); WebGL2 ${probe.webgl2.ok ? probe.webgl2.renderer : 'absent'}; WebGPU ${probe.webgpu.ok ? probe.webgpu.adapter : 'absent'}; cross-origin isolated ${probe.crossOriginIsolated}`);
    const hardLimitS = options.hardLimitS ?? 180;
    const results: BrowserWorkloadResult[] = [];
    for (const w of workloads) {
      options.log?.(`running ${w.id} ...`);
      const adapter = w.adapter.replace(/^browser:/, '') as BrowserAdapterId;
      const spec: PageRowSpec = {
        adapter,
        method: w.method,
        model: w.model,
        batch: w.batch,
        options: w.options as Record<string, unknown>,
        reps: options.quick ? 1 : w.reps,
        warmup: options.quick ? 0 : w.warmup,
        budgetS: w.budgetS,
        hardLimitS,
        profile: !options.quick,
        graphUrl: `${started.origin}/graphs/${w.model}.json`,
        onnxUrl: `${started.origin}/models/${w.model}/model.onnx`,
        tfjsWasmPath: `${started.origin}/tfjs-wasm/`,
      };
      // A page that hangs past every repetition's limit is closed and the row is a timeout.
      const limitMs = (hardLimitS * (spec.reps + spec.warmup + 2) + w.budgetS + 60) * 1000;
      let timer: NodeJS.Timeout | undefined;
      const r = await Promise.race([
        page.evaluate((s) => (globalThis as unknown as { glasswingBench: PageApi }).glasswingBench.run(s), spec),
        new Promise<PageRowResult>((ok) => (timer = setTimeout(() => ok({ status: 'timeout', error: `no answer from the page within ${Math.round(limitMs / 1000)} s` }), limitMs))),
      ]).catch((e: Error): PageRowResult => ({ status: 'error', error: `the page failed: ${e.message.split('\n')[0]}` }));
      clearTimeout(timer);
      const row = toResult(w, r);
      options.log?.(row.status === 'ok' ? `  ${row.examplesPerSec!.toFixed(1)} examples/s (${row.ran})` : `  ${row.status}: ${row.error}`);
      results.push(row);
      if (r.status === 'timeout' || (r.status === 'error' && r.error?.startsWith('the page failed'))) {
        await page.close().catch(() => {});
        page = await openPage(browser, started.origin);
      }
    }
    return { results, environment };
  } catch (e) {
    const why = `Chromium did not run the benchmark page: ${(e as Error).message.split('\n')[0]}`;
    return { results: skippedAll(workloads, why), environment: { ...env, error: why } };
  } finally {
    await browser?.close().catch(() => {});
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  }
}

/** The note above a table with browser rows: the browser, what its GL/WebGPU are, what the memory column holds. */
export function browserNote(env: BrowserEnvironment | undefined): string[] {
  if (!env) return [];
  if (env.error || !env.probe) return [`Browser rows: not run (${env.error ?? 'no probe'}).`];
  const p = env.probe;
  const gl = p.webgl2.ok ? `WebGL2 on ${p.webgl2.renderer}${p.webgl2.software ? ' (software: these WebGL rows say nothing about GPU speed)' : ''}` : `no WebGL2 (${p.webgl2.reason})`;
  const gpu = p.webgpu.ok ? `WebGPU adapter ${p.webgpu.adapter}${p.webgpu.software ? ' (software fallback)' : ''}` : `no WebGPU (${p.webgpu.reason})`;
  return [
    `Browser rows (\`browser:*\`): Chromium ${env.version} headless (${env.gpuMode === 'gpu' ? 'GPU enabled, --browser-gpu' : 'no GPU: --disable-gpu, WebGL and WebGPU on SwiftShader'}), ` +
      `${p.hardwareConcurrency} logical CPUs, cross-origin isolated: ${p.crossOriginIsolated} (wasm threads); ${gl}; ${gpu}. ` +
      'Glasswing\'s adapters run inside the page, timed there with performance.now(); for these rows the peak RSS column holds the page\'s peak JS heap ' +
      '(performance.memory.usedJSHeapSize; wasm and GPU memory are not in it) and the tf column the tfjs backend\'s peak bytes (tf.profile).',
  ];
}
