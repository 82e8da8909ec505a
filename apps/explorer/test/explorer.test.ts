/**
 * End-to-end: the built Explorer (dist/) in Debian Chromium (headless, software WebGL), every
 * bundled model loaded, a method of every family (gradient, perturbation, rules, layer, neuron)
 * run on ONNX Runtime Web (wasm) and on TensorFlow.js (wasm; webgl where the browser has it),
 * the numbers each result card exposes (its data-result JSON, the same as its JSON download)
 * compared with the same computation in Node on core's reference executor (1e-4 of the largest
 * magnitude), cancel and "a second run cancels the first", and screenshots in test-artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, loadExample } from './drive.js';
import { ARTIFACTS, DIST, haveChromium, launch, openApp, serve } from './harness.js';
import { maxRelativeError, nodeAttributions, ONNX_FILES, repoPath } from './node-reference.js';

const TOLERANCE = 1e-4;
const run = haveChromium() ? describe : describe.skip;

run('Explorer in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let close: () => void;

  beforeAll(async () => {
    if (!existsSync(path.join(DIST, 'index.html'))) {
      // `pnpm test` builds first; a lone `vitest run` builds here (examples, then the site).
      execFileSync(process.execPath, [path.join(path.dirname(DIST), 'scripts/examples.mjs')], { stdio: 'ignore' });
      const { build } = await import('vite');
      await build({ root: path.dirname(DIST), logLevel: 'warn' });
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    const { server, origin } = await serve(DIST);
    close = () => server.close();
    browser = await launch();
    ({ page, errors } = await openApp(browser, origin));
  });
  afterAll(async () => {
    await browser?.close();
    close?.();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  async function check(example: string, backend: string, methods: string[], fill: Record<string, string> = {}) {
    const loadError = await loadExample(page, example, backend);
    expect(loadError).toBeUndefined();
    const { status, results, errors: failed } = await explain(page, methods, fill);
    expect(status).toBe('done');
    expect(failed).toEqual({});
    expect(results.map((r) => r.method).sort()).toEqual([...methods].sort());
    for (const r of results) {
      expect(r.backend).toBe(backend);
      // The target is the predicted class (the page's default) and the logits are the ones shown.
      expect(r.logits.length).toBeGreaterThan(0);
      expect(r.target).toBe(r.logits.indexOf(Math.max(...r.logits)));
      const node = await nodeAttributions(example, r);
      expect(r.attributions.data.length).toBe(node.length);
      expect(r.attributions.data.every(Number.isFinite)).toBe(true);
      const err = maxRelativeError(r.attributions.data, node);
      expect(err, `${example} ${r.method} on ${backend}: max relative error ${err}`).toBeLessThanOrEqual(TOLERANCE);
    }
    return results;
  }

  const FAMILIES = ['saliency', 'occlusion', 'deeplift', 'grad-cam', 'neuron-gradient'];

  it('explains the demo CNN with every family on onnx-wasm and matches Node', async () => {
    const results = await check('demo-cnn', 'onnx-wasm', FAMILIES);
    // The decisive region (rows 3-8, cols 11-16) holds most of the occlusion attribution's mass.
    const occ = results.find((r) => r.method === 'occlusion')!;
    let inside = 0;
    let total = 0;
    occ.attributions.data.forEach((v, i) => {
      const row = Math.floor(i / 20);
      const col = i % 20;
      total += Math.abs(v);
      if (row >= 2 && row <= 9 && col >= 10 && col <= 17) inside += Math.abs(v);
    });
    expect(inside / total).toBeGreaterThan(0.5);
    await shot('demo-cnn-onnx-wasm');
  });

  it('explains the demo CNN with every family on tfjs-wasm and matches Node', async () => {
    await check('demo-cnn', 'tfjs-wasm', FAMILIES);
    await shot('demo-cnn-tfjs-wasm');
  });

  // WebGL backends (software WebGL on SwiftShader here): a browser without WebGL marks them
  // unavailable with the reason; where they run, the numbers match Node to 1e-4 too.
  for (const backend of ['tfjs-webgl', 'gpujs-webgl2']) {
    it(`runs every family on ${backend} where this browser has WebGL`, async () => {
      const err = await loadExample(page, 'demo-cnn', backend);
      if (err) {
        expect(err).toMatch(/WebGL|webgl/);
        return;
      }
      const { status, results, errors: failed } = await explain(page, FAMILIES);
      expect(status).toBe('done');
      expect(failed).toEqual({});
      expect(results).toHaveLength(FAMILIES.length);
      for (const r of results) {
        const e = maxRelativeError(r.attributions.data, await nodeAttributions('demo-cnn', r));
        expect(e, `${r.method} on ${backend}: ${e}`).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  }

  it('explains LeNet on onnx-wasm', async () => {
    await check('lenet', 'onnx-wasm', ['saliency', 'deeplift', 'layer-gradient']);
    await shot('lenet-onnx-wasm');
  });

  it('explains the credit MLP (tabular) on onnx-wasm and tfjs-wasm', async () => {
    await check('credit', 'onnx-wasm', ['integrated-gradients', 'feature-ablation', 'lrp', 'layer-activation', 'neuron-integrated-gradients']);
    await shot('credit-onnx-wasm');
    await check('credit', 'tfjs-wasm', ['integrated-gradients', 'shapley-values']);
  });

  it('explains mlp_tabular on tfjs-wasm', async () => {
    await check('mlp-tabular', 'tfjs-wasm', ['input-x-gradient', 'kernel-shap', 'guided-backprop', 'layer-gradient-x-activation', 'neuron-gradient']);
  });

  it('explains the transformer (tokens) on onnx-wasm and tfjs-wasm', async () => {
    const results = await check('transformer', 'onnx-wasm', ['integrated-gradients', 'occlusion', 'layer-activation', 'attention-rollout', 'grad-attention']);
    await shot('transformer-onnx-wasm');
    // The marker token (A or B) carries the largest integrated-gradients attribution.
    const ig = results.find((r) => r.method === 'integrated-gradients')!;
    const [L, V] = ig.attributions.shape.slice(1) as [number, number];
    const per = Array.from({ length: L }, (_, p) => ig.attributions.data.slice(p * V, (p + 1) * V).reduce((a, b) => a + b, 0));
    const marker = Array.from({ length: L }, (_, p) => ig.input.data.slice(p * V, (p + 1) * V).findIndex((v) => v === 1)).findIndex((k) => k === 1 || k === 2);
    const abs = per.map(Math.abs);
    expect(abs.indexOf(Math.max(...abs))).toBe(marker);
    await check('transformer', 'tfjs-wasm', ['saliency', 'attention-raw', 'attention-rollout', 'grad-attention']);
    await shot('transformer-attention-tfjs-wasm');
  });

  it('cancels a run, and a second run cancels the first', async () => {
    expect(await loadExample(page, 'demo-cnn', 'reference')).toBeUndefined();
    await page.evaluate(() => (globalThis as unknown as { glasswingExplorer: { selectMethods(ids: string[]): void } }).glasswingExplorer.selectMethods(['lime']));
    await page.evaluate(() => document.querySelector('#explain details')?.setAttribute('open', ''));
    await page.fill('#method-samples', '200000');
    await page.click('#run');
    await page.waitForFunction(() => Number((document.getElementById('progress') as HTMLProgressElement).value) > 0, undefined, { timeout: 60_000 });
    await page.click('#cancel');
    await page.waitForFunction(() => document.getElementById('progress-text')?.textContent === 'Cancelled.', undefined, { timeout: 30_000 });
    expect(await page.locator('#results article').count()).toBe(0);
    // A slow run, then a quick one started while it runs: only the second finishes.
    await page.click('#run');
    await page.waitForFunction(() => Number((document.getElementById('progress') as HTMLProgressElement).value) > 0, undefined, { timeout: 60_000 });
    await page.fill('#method-samples', '');
    const { status, results } = await explain(page, ['saliency']);
    expect(status).toBe('done');
    expect(results.map((r) => r.method)).toEqual(['saliency']);
    await shot('demo-cnn-after-cancel');
  });

  it('loads a dropped .onnx file (LeNet), takes a drawn digit and matches Node', async () => {
    await page.setInputFiles('#model-files', repoPath(ONNX_FILES['lenet.onnx']!));
    await page.waitForFunction(
      () => {
        const s = (globalThis as unknown as { glasswingExplorer: { state: { status: string; summary?: { format: string } } } }).glasswingExplorer.state;
        return s.status.startsWith('error') || (s.summary?.format === 'ONNX' && s.status.startsWith('Ready'));
      },
      undefined,
      { timeout: 120_000 },
    );
    expect(await page.evaluate(() => (globalThis as unknown as { glasswingExplorer: { state: { status: string } } }).glasswingExplorer.state.status)).toMatch(/^Ready/);
    await page.locator('canvas.pad').scrollIntoViewIfNeeded();
    const pad = (await page.locator('canvas.pad').boundingBox())!;
    await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(pad.x + pad.width * 0.45, pad.y + pad.height * 0.8, { steps: 12 });
    await page.mouse.up();
    await page.waitForSelector('#prediction-body [data-prediction]');
    const { status, results } = await explain(page, ['saliency', 'feature-ablation']);
    expect(status).toBe('done');
    expect(results).toHaveLength(2);
    for (const r of results) {
      expect(r.input.data.some((v) => v > 0.5)).toBe(true);
      const err = maxRelativeError(r.attributions.data, await nodeAttributions('lenet.onnx', r));
      expect(err, `${r.method}: ${err}`).toBeLessThanOrEqual(TOLERANCE);
    }
    await shot('lenet-dropped-onnx');
  });

  it('loads a dropped graph JSON, and says which weight file a dropped model.json lacks', async () => {
    const { graphToJSON } = await import('@glasswing/core');
    const { importLayersModel, loadLayersArtifacts } = await import('@glasswing/tfjs');
    const graph = importLayersModel(await loadLayersArtifacts(repoPath('apps/demo/credit/model.json')));
    type Api = { glasswingExplorer: { state: { status: string; summary?: { format: string } } } };
    const settled = (format: string) =>
      page.waitForFunction((f) => {
        const st = (globalThis as unknown as Api).glasswingExplorer.state;
        return st.status.startsWith('error') || (st.summary?.format === f && st.status.startsWith('Ready'));
      }, format, { timeout: 120_000 });
    await page.setInputFiles('#model-files', { name: 'credit.graph.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(graphToJSON(graph))) });
    await settled('Glasswing graph JSON');
    expect(await page.evaluate(() => (globalThis as unknown as Api).glasswingExplorer.state.status)).toMatch(/^Ready/);
    const { status, results } = await explain(page, ['integrated-gradients']);
    expect(status).toBe('done');
    const err = maxRelativeError(results[0]!.attributions.data, await nodeAttributions('credit', results[0]!));
    expect(err).toBeLessThanOrEqual(TOLERANCE);
    await page.setInputFiles('#model-files', repoPath('benchmarks/models/lenet_mnist/model.json'));
    await page.waitForFunction(() => (globalThis as unknown as Api).glasswingExplorer.state.status.startsWith('error'), undefined, { timeout: 60_000 });
    expect(await page.textContent('#model-status')).toMatch(/group1-shard1of1\.bin/);
  });

  it('downloads a result as JSON (the numbers shown) and the session as an HTML report', async () => {
    expect(await loadExample(page, 'demo-cnn', 'onnx-wasm')).toBeUndefined();
    expect((await explain(page, ['saliency', 'occlusion'])).status).toBe('done');
    const card = page.locator('#results article.card').first();
    const shown = JSON.parse((await card.getAttribute('data-result'))!) as { attributions: { data: number[] } };
    const [json] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: /as JSON/ }).click()]);
    const saved = JSON.parse(readFileSync((await json.path())!, 'utf8')) as { format: string; attributions: { data: number[] } };
    expect(saved.format).toBe('glasswing-explorer-result/1');
    expect(saved.attributions.data).toEqual(shown.attributions.data);
    const [png] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: /as PNG/ }).click()]);
    expect(readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG');
    const [report] = await Promise.all([page.waitForEvent('download'), page.click('#download-report')]);
    const html = readFileSync((await report.path())!, 'utf8');
    expect(html).toContain('data:image/png;base64,');
    expect(html).not.toMatch(/<script/);
  });

  it('names every control and reaches Explain from the keyboard', async () => {
    expect(await loadExample(page, 'credit', 'onnx-wasm')).toBeUndefined();
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement>('input, select, button, textarea')]
        .filter((el) => !el.hidden && !(el.labels && el.labels.length > 0) && !el.getAttribute('aria-label') && !el.textContent?.trim())
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    expect(unnamed).toEqual([]);
    // Disabled methods say why (none on this model: every capability is there).
    expect(await page.locator('#methods input:disabled').count()).toBe(0);
    await page.evaluate(() => (globalThis as unknown as { glasswingExplorer: { selectMethods(ids: string[]): void } }).glasswingExplorer.selectMethods(['saliency']));
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const visited: string[] = [];
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.id ?? '');
      visited.push(id);
      if (id === 'run') break;
    }
    expect(visited).toContain('example');
    expect(visited).toContain('backend');
    expect(visited[visited.length - 1]).toBe('run');
    const before = await page.evaluate(() => (globalThis as unknown as { glasswingExplorer: { state: { run: { id: number } } } }).glasswingExplorer.state.run.id);
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => {
      const run = (globalThis as unknown as { glasswingExplorer: { state: { run: { id: number; status: string } } } }).glasswingExplorer.state.run;
      return run.id > id && run.status === 'done';
    }, before);
    expect(await page.locator('#results article.card[data-method="saliency"]').count()).toBe(1);
  });

  it('offers WebGPU only where navigator.gpu exists, says why not, and matches Node where it runs', async () => {
    const option = page.locator('#backend option[value="onnx-webgpu"]');
    if (!(await page.evaluate(() => 'gpu' in navigator))) {
      expect(await option.isDisabled()).toBe(true);
      expect(await option.textContent()).toMatch(/no navigator\.gpu/);
      return;
    }
    const err = await loadExample(page, 'credit', 'onnx-webgpu');
    if (err) expect(err).toMatch(/WebGPU|webgpu|adapter/);
    else await check('credit', 'onnx-webgpu', ['saliency', 'integrated-gradients', 'deeplift']);
  });

  it('loaded nothing from the network and logged no page errors', () => {
    expect(errors.filter((e) => !/WebGL|webgl|GPU stall/i.test(e))).toEqual([]);
  });
});
