/**
 * The adapter on real WebGL: Debian's /usr/bin/chromium (software WebGL through SwiftShader),
 * driven by playwright-core. The adapter and core are bundled with esbuild for the page, served
 * from 127.0.0.1; LeNet (the ONNX fixture as Glasswing graph JSON) runs Saliency, IG, DeepLift,
 * LRP and LayerGradientXActivation on gpu.js' 'webgl2' and 'webgl' modes, and every result must
 * agree with core's reference executor in Node to 1e-4 relative. The test fails if gpu.js ran
 * anything but the requested GL mode (a silent cpu fallback included). Skipped without Chromium.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeepLift, GraphModel, graphToJSON, IntegratedGradients, LayerGradientXActivation, Lrp, referenceKernels, Saliency, type Model, type Tensor,
} from '@glasswing/core';
import { importOnnxModel, loadOnnxBytes } from '@glasswing/onnx';
import type { BrowserRunResult } from './browser/entry.js';
import { randomTensor } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ONNX = new URL('../../onnx/test/fixtures/lenet_mnist.onnx', import.meta.url).pathname;
const ENTRY = new URL('./browser/entry.ts', import.meta.url).pathname;

/** The parts of esbuild's and playwright-core's APIs used here (neither is a dependency of this package). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>;
}
interface Page {
  on(event: 'pageerror', listener: (e: Error) => void): void;
  goto(url: string): Promise<unknown>;
  waitForFunction(fn: () => boolean, arg: undefined, options: { timeout: number }): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => Promise<R>, arg: A): Promise<R>;
}
interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface Playwright {
  chromium: { launch(options: { executablePath: string; args: string[] }): Promise<Browser> };
}
type Run = (json: string, input: { shape: number[]; data: number[] }, mode: string, target: number[], layer: string) => Promise<BrowserRunResult>;

/**
 * esbuild comes with vitest (through vite) and playwright-core with @glasswing/cli's e2e tests;
 * both are resolved from there so this package adds nothing to the lockfile.
 */
function resolveTools(): { esbuild: string; playwright: string } {
  const fromVitest = createRequire(createRequire(import.meta.url).resolve('vitest/package.json'));
  const esbuild = createRequire(fromVitest.resolve('vite')).resolve('esbuild');
  const playwright = createRequire(new URL('../../cli/package.json', import.meta.url).pathname).resolve('playwright-core');
  return { esbuild, playwright };
}

async function bundle(esbuildPath: string): Promise<string> {
  const esbuild = (await import(esbuildPath)) as Esbuild;
  const out = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@glasswing/source'],
    // Node-only paths (model files from disk, the optional tfjs / onnx importers) are loaded on demand.
    external: ['node:*', '@glasswing/tfjs', '@glasswing/onnx', '@tensorflow/tfjs-core', 'gl'],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

function expectAgree(got: { shape: number[]; data: number[] }, want: Tensor, what: string): void {
  expect(got.shape, what).toEqual([...want.shape]);
  let peak = 0;
  for (const v of want.data) peak = Math.max(peak, Math.abs(v));
  const floor = 1e-6 * peak;
  const bad: string[] = [];
  want.data.forEach((w, i) => {
    const g = got.data[i]!;
    if (!(Math.abs(g - w) <= 1e-4 * Math.abs(w) + floor) && bad.length < 5) bad.push(`[${i}] ${g} vs ${w}`);
  });
  expect(bad, what).toEqual([]);
}

describe.skipIf(!HAVE_CHROMIUM)(`gpu.js on WebGL in headless Chromium (${HAVE_CHROMIUM ? CHROMIUM : `skipped: ${CHROMIUM} is missing`})`, () => {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let page: Page;
  let graphJson: string;
  let ref: Model;
  const x = randomTensor([2, 1, 28, 28], 41, 0, 1);
  const target = [3, 7];
  let layer: string;

  beforeAll(async () => {
    const tools = resolveTools();
    const script = await bundle(tools.esbuild);
    const html = '<!doctype html><meta charset="utf-8"><title>glasswing gpu.js</title><script type="module" src="/app.js"></script>';
    server = createServer((req, res) => {
      if (req.url === '/app.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      else res.writeHead(404).end();
    });
    await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
    const { chromium } = (await import(tools.playwright)) as Playwright;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => 'glasswingRun' in globalThis, undefined, { timeout: 30_000 }).catch(() => {
      throw new Error(`the bundle did not start in Chromium: ${errors.join('; ') || 'no page error'}`);
    });
    const graph = importOnnxModel(await loadOnnxBytes(ONNX)).graph!;
    graphJson = JSON.stringify(graphToJSON(graph));
    ref = new GraphModel(graph, { kernels: referenceKernels, name: 'reference' });
    expect([...ref.inputShape]).toEqual([1, 28, 28]);
    layer = ref.layerNames[0]!;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
    await ref?.dispose();
  });

  for (const mode of ['webgl2', 'webgl'] as const) {
    it(`mode '${mode}': Saliency, IG, DeepLift, LRP, LayerGradientXActivation agree with the reference executor`, async () => {
      const input = { shape: [...x.shape], data: Array.from(x.data) };
      const got = await page.evaluate(
        ([json, inp, m, t, l]: readonly [string, { shape: number[]; data: number[] }, string, number[], string]) =>
          (globalThis as unknown as { glasswingRun: Run }).glasswingRun(json, inp, m, t, l),
        [graphJson, input, mode, target, layer] as const,
      );
      console.info(`gpu.js in Chromium: requested '${mode}', ran '${got.mode}' (${got.backend}); available: ${got.available.join(', ')}`);
      // No silent fallback: the runtime ran the requested GL mode with values on the device.
      expect(got.mode).toBe(mode);
      expect(got.backend).toBe(`gpujs-${mode}`);
      expect(got.onDevice).toBe(true);
      expectAgree(got.results['forward']!, await ref.forward(x), 'forward');
      expectAgree(got.results['Saliency']!, (await new Saliency(ref).attribute(x, { target })).attributions, 'Saliency');
      expectAgree(got.results['IntegratedGradients']!, (await new IntegratedGradients(ref).attribute(x, { target, steps: 8 })).attributions, 'IG');
      expectAgree(got.results['DeepLift']!, (await new DeepLift(ref).attribute(x, { target })).attributions, 'DeepLift');
      expectAgree(got.results['Lrp']!, (await new Lrp(ref).attribute(x, { target })).attributions, 'LRP');
      expectAgree(got.results['LayerGradientXActivation']!, (await new LayerGradientXActivation(ref).attribute(x, { target, layer })).attributions, layer);
    });
  }
});
