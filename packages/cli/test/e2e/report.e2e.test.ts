/**
 * End to end: `glasswing report` pages opened in headless Chromium (Debian's /usr/bin/chromium,
 * driven by playwright-core). For the bundled demo CNN (image input) and a tabular model:
 * - the page loads with every network request blocked (only the file itself may load) and none
 *   is attempted; no console errors (a CSP violation would be one);
 * - every <img> decoded at its declared pixel size and is shown at that size;
 * - every top-level <svg> has a non-zero size, and the grids' embedded images too;
 * - pictures are not blank: element screenshots (and the map area of each heat map) vary;
 * - a full-page screenshot is kept in test/e2e/artifacts/.
 * Without Chromium the suite fails in CI (process.env.CI) and is skipped locally.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { runCli } from '../../src/cli.js';
import { crop, decodePng, pixelStats } from './png.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = Boolean(process.env['CI']);
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const DEMO_MODEL = fileURLToPath(new URL('../../../../apps/demo/model/model.json', import.meta.url));
const TABULAR_MODEL = fileURLToPath(new URL('../fixtures/tiny_additive.graph.json', import.meta.url));

const work = join(tmpdir(), `glasswing-e2e-${process.pid}`);
mkdirSync(work, { recursive: true });

async function cli(argv: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  if (code !== 0) throw new Error(`glasswing ${argv[0]} failed (${code}): ${err}`);
  return out.trim();
}

/** Three 20x20x1 images with strokes (a bar, a column, a plus) over faint texture. */
function demoImages(): { shape: number[]; data: number[] } {
  const n = 3;
  const data = new Array<number>(n * 400).fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 400; k++) data[i * 400 + k] = 0.05 * (((k * 7 + i * 13) % 11) / 11);
    for (let t = 0; t < 6; t++) {
      if (i !== 1) data[i * 400 + 5 * 20 + 11 + t] = 1; // horizontal in rows 3-8, cols 11-16
      if (i !== 0) data[i * 400 + (3 + t) * 20 + 13] = 1; // vertical
      data[i * 400 + (13 + (t % 3)) * 20 + 2 + t] = 0.8; // a distractor stroke
    }
  }
  return { shape: [n, 20, 20, 1], data };
}

interface PageCheck {
  blocked: string[];
  consoleErrors: string[];
}

let browser: Browser | undefined;

async function openReport(file: string): Promise<{ page: Page; check: PageCheck }> {
  const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
  const url = pathToFileURL(file).href;
  const check: PageCheck = { blocked: [], consoleErrors: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') check.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => check.consoleErrors.push(String(e)));
  page.on('request', (r) => {
    if (r.url() !== url && !r.url().startsWith('data:')) check.blocked.push(r.url());
  });
  await page.route('**/*', async (route) => {
    if (route.request().url() === url) await route.continue();
    else {
      check.blocked.push(route.request().url());
      await route.abort('blockedbyclient');
    }
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, check };
}

interface ImgInfo {
  index: number;
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  width: number;
  height: number;
  declared: [number, number];
  map?: [number, number, number, number];
}

async function imageInfo(page: Page): Promise<ImgInfo[]> {
  return page.$$eval('img', (imgs) =>
    imgs.map((img, index) => {
      const el = img as HTMLImageElement;
      const r = el.getBoundingClientRect();
      const d = el.dataset;
      return {
        index,
        complete: el.complete,
        naturalWidth: el.naturalWidth,
        naturalHeight: el.naturalHeight,
        width: r.width,
        height: r.height,
        declared: [Number(d['width']), Number(d['height'])] as [number, number],
        ...(d['mapTop'] !== undefined
          ? { map: [Number(d['mapLeft']), Number(d['mapTop']), Number(d['mapWidth']), Number(d['mapHeight'])] as [number, number, number, number] }
          : {}),
      };
    }),
  );
}

async function checkReport(file: string, name: string): Promise<{ imgs: number; svgs: number; text: string }> {
  const { page, check } = await openReport(file);
  try {
    // every <img>: decoded, at its declared pixel size, shown at that size
    const imgs = await imageInfo(page);
    for (const img of imgs) {
      expect(img.complete, `img #${img.index} complete`).toBe(true);
      expect(img.naturalWidth, `img #${img.index} naturalWidth`).toBeGreaterThan(0);
      expect([img.naturalWidth, img.naturalHeight], `img #${img.index} natural size`).toEqual(img.declared);
      expect(Math.abs(img.width - img.naturalWidth), `img #${img.index} shown width`).toBeLessThanOrEqual(1);
      expect(Math.abs(img.height - img.naturalHeight), `img #${img.index} shown height`).toBeLessThanOrEqual(1);
    }
    // every top-level <svg> and every <image> inside one has a non-zero size
    const svgs = await page.$$eval('svg', (els) =>
      els.filter((s) => !s.parentElement?.closest('svg')).map((s) => {
        const r = s.getBoundingClientRect();
        return { w: r.width, h: r.height };
      }),
    );
    for (const [i, s] of svgs.entries()) {
      expect(s.w, `svg #${i} width`).toBeGreaterThan(0);
      expect(s.h, `svg #${i} height`).toBeGreaterThan(0);
    }
    const svgImages = await page.$$eval('svg image', (els) => els.map((e) => (e as SVGGraphicsElement).getBBox()).map((b) => [b.width, b.height]));
    for (const [w, h] of svgImages) expect(w! * h!).toBeGreaterThan(0);

    // non-blank: every figure's picture varies; every heat map's map area varies
    const pictures = page.locator('figure > svg, figure > img');
    const count = await pictures.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const shot = decodePng(await pictures.nth(i).screenshot());
      const stats = pixelStats(shot);
      expect(stats.colours, `picture #${i} colours`).toBeGreaterThan(2);
      expect(stats.std, `picture #${i} luminance std`).toBeGreaterThan(2);
    }
    for (const img of imgs.filter((m) => m.map !== undefined)) {
      const [mx, my, mw, mh] = img.map!;
      const shot = decodePng(await page.locator('img').nth(img.index).screenshot());
      // element screenshots snap to whole pixels: allow one pixel of rounding
      expect(Math.abs(shot.width - img.declared[0]) + Math.abs(shot.height - img.declared[1])).toBeLessThanOrEqual(2);
      expect(pixelStats(crop(shot, mx, my, mw, mh)).std, `map area of img #${img.index}`).toBeGreaterThan(1);
    }

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

    expect(check.consoleErrors).toEqual([]);
    expect(check.blocked).toEqual([]);
    return { imgs: imgs.length, svgs: svgs.length, text: await page.innerText('body') };
  } finally {
    await page.close();
  }
}

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('glasswing report in headless Chromium', () => {
  beforeAll(async () => {
    if (!HAVE_CHROMIUM) {
      throw new Error(`Chromium not found at ${CHROMIUM}: the report end-to-end test needs Debian's chromium package (apt-get install chromium; .ci/run installs it)`);
    }
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the demo CNN: diagram, weights, activations, grids of methods and heat maps all render', async () => {
    const input = join(work, 'demo-input.json');
    writeFileSync(input, JSON.stringify(demoImages()));
    const out = join(work, 'demo-report.html');
    expect(await cli(['report', '--model', DEMO_MODEL, '--input', input, '--out', out])).toBe(out);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<script|<link|@import|url\(|src="(?!data:image\/png;base64,)/i);
    const { imgs, svgs, text } = await checkReport(out, 'report-demo');
    // 6 default methods x 3 examples x (heat map + masked image) at least
    expect(imgs).toBeGreaterThanOrEqual(36);
    expect(svgs).toBeGreaterThanOrEqual(4);
    for (const id of ['saliency', 'integrated-gradients', 'smoothgrad', 'gradient-shap', 'grad-cam', 'occlusion']) expect(text).toContain(id);
    for (const layer of ['conv1', 'conv2', 'fc1', 'logits']) expect(text).toContain(layer);
  });

  it('a tabular model with hostile feature names: bar, waterfall and force plots render, names escaped', async () => {
    const input = join(work, 'tab-input.json');
    writeFileSync(input, JSON.stringify([[0.5, -1, 2, 0.3, 0.1, -0.7], [1.2, 0.4, -0.3, 1, 0.6, 0.2]]));
    const out = join(work, 'tab-report.html');
    await cli(['report', '--model', TABULAR_MODEL, '--input', input, '--out', out, '--feature-names', 'age,<script>alert(1)</script>,x3,x4,x5,x6']);
    const { svgs, text } = await checkReport(out, 'report-tabular');
    // per example: 5 bar charts + (integrated-gradients, gradient-shap, kernel-shap) x (waterfall + force)
    expect(svgs).toBeGreaterThanOrEqual(2 * (5 + 6));
    expect(text).toContain('<script>alert(1)</script>'); // shown as text, never run
    expect(text).toContain('kernel-shap');
  });
});
