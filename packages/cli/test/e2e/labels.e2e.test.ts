/**
 * End to end: the text of every SVG picture in `glasswing report` pages, measured by headless
 * Chromium with the fonts it really draws (Debian's /usr/bin/chromium, playwright-core): every
 * unrotated <text> lies inside its picture, no two texts overlap, and the model diagram's node
 * labels stay inside their boxes and its legend inside the margins. For the bundled demo CNN and
 * a tabular model with long, hostile feature names. Without Chromium the suite fails in CI
 * (process.env.CI) and is skipped locally.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { runCli } from '../../src/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = Boolean(process.env['CI']);
const DEMO_MODEL = fileURLToPath(new URL('../../../../apps/demo/model/model.json', import.meta.url));
const TABULAR_MODEL = fileURLToPath(new URL('../fixtures/tiny_additive.graph.json', import.meta.url));

const work = join(tmpdir(), `glasswing-e2e-labels-${process.pid}`);
mkdirSync(work, { recursive: true });

async function report(argv: string[]): Promise<void> {
  let err = '';
  const code = await runCli(['report', ...argv], { stdout: () => {}, stderr: (s) => void (err += s) });
  if (code !== 0) throw new Error(`glasswing report failed (${code}): ${err}`);
}

let browser: Browser | undefined;

/** Problems with the text of every top-level SVG in the page (empty when all is well). */
async function textProblems(file: string): Promise<{ svgs: number; texts: number; problems: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return await page.$$eval('svg', (all) => {
      const problems: string[] = [];
      let texts = 0;
      const svgs = all.filter((s) => !s.parentElement?.closest('svg'));
      svgs.forEach((svg, si) => {
        const vb = (svg as SVGSVGElement).viewBox.baseVal;
        const name = `svg #${si} (${svg.querySelector('title')?.textContent ?? ''})`;
        const boxes = [...svg.querySelectorAll('text')]
          .filter((t) => !t.getAttribute('transform'))
          .map((t) => ({ t: t.textContent ?? '', b: (t as SVGTextElement).getBBox(), el: t }));
        texts += boxes.length;
        for (const { t, b } of boxes) {
          if (b.x < -0.5 || b.y < -0.5 || b.x + b.width > vb.width + 0.5 || b.y + b.height > vb.height + 0.5) {
            problems.push(`${name}: '${t}' [${[b.x, b.y, b.width, b.height].map(Math.round).join(', ')}] leaves the ${vb.width}x${vb.height} picture`);
          }
        }
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i]!.b;
            const c = boxes[j]!.b;
            const ox = Math.min(a.x + a.width, c.x + c.width) - Math.max(a.x, c.x);
            const oy = Math.min(a.y + a.height, c.y + c.height) - Math.max(a.y, c.y);
            if (ox > 0.5 && oy > 0.25 * Math.min(a.height, c.height)) problems.push(`${name}: '${boxes[i]!.t}' overlaps '${boxes[j]!.t}'`);
          }
        }
        // diagram nodes: their text inside their box; the legend inside the 12-px margins
        for (const node of svg.querySelectorAll('g.node')) {
          const r = (node.querySelector('rect') as SVGRectElement).getBBox();
          for (const t of node.querySelectorAll('text')) {
            const b = (t as SVGTextElement).getBBox();
            if (b.x < r.x || b.x + b.width > r.x + r.width) problems.push(`${name}: node text '${t.textContent}' leaves its box`);
          }
        }
        for (const t of svg.querySelectorAll('g.legend text')) {
          const b = (t as SVGTextElement).getBBox();
          if (svg.querySelector('g.node') && b.x + b.width > vb.width - 12 + 0.5) problems.push(`${name}: legend '${t.textContent}' reaches into the right margin`);
        }
      });
      return { svgs: svgs.length, texts, problems };
    });
  } finally {
    await page.close();
  }
}

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('report text measured in headless Chromium', () => {
  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`Chromium not found at ${CHROMIUM}: the end-to-end tests need Debian's chromium package`);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the demo CNN report: diagram, histograms, activation table, method grids', async () => {
    const input = join(work, 'demo-input.json');
    const n = 2;
    const data = Array.from({ length: n * 400 }, (_, k) => ((k * 7) % 11) / 11);
    writeFileSync(input, JSON.stringify({ shape: [n, 20, 20, 1], data }));
    const out = join(work, 'demo.html');
    await report(['--model', DEMO_MODEL, '--input', input, '--out', out]);
    const { svgs, texts, problems } = await textProblems(out);
    expect(svgs).toBeGreaterThanOrEqual(4);
    expect(texts).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });

  it('a tabular report with long and hostile feature names: bars, waterfalls, force plots, beeswarms', async () => {
    const input = join(work, 'tab-input.json');
    writeFileSync(input, JSON.stringify([[0.5, -1, 2, 0.3, 0.1, -0.7], [1.2, 0.4, -0.3, 1, 0.6, 0.2], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]]));
    const out = join(work, 'tab.html');
    const names = ['age', '<script>alert(1)</script>', 'a very long feature name with many words (units)', 'petal_length_cm', 'x5', 'sequential/dense_1/MatMul'];
    await report(['--model', TABULAR_MODEL, '--input', input, '--out', out, '--feature-names', names.join(',')]);
    const { svgs, texts, problems } = await textProblems(out);
    expect(svgs).toBeGreaterThanOrEqual(20);
    expect(texts).toBeGreaterThan(300);
    expect(problems).toEqual([]);
  });
});
