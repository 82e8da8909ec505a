/**
 * End-to-end harness: a static server for dist/ on a free port (only its own files) and Debian's
 * Chromium driven by playwright-core (no browser download; software WebGL on SwiftShader).
 * Requests for anything but the server are refused, so the page must work offline.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export const APP_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = path.join(APP_ROOT, 'dist');
export const ARTIFACTS = path.join(APP_ROOT, 'test-artifacts');
export const CHROMIUM = process.env['GLASSWING_CHROMIUM'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  // WebGPU is off by default on Linux: expose it (SwiftShader's Vulkan without a GPU), as the benchmarks do.
  '--enable-unsafe-webgpu', '--enable-features=Vulkan'];

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Serve `dir` (GET only, no paths outside it). */
export async function serve(dir: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
      const file = path.resolve(dir, rel);
      if (!file.startsWith(dir + path.sep)) return res.writeHead(403).end();
      const body = await readFile(file).catch(() => undefined);
      if (!body) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    })();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export const haveChromium = (): boolean => existsSync(CHROMIUM);

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page on the app; `errors` collects page errors and refused requests. */
export async function openApp(browser: Browser, origin: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${String(e)}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(origin + '/') || u.startsWith('blob:') || u.startsWith('data:')) return route.continue();
    errors.push(`refused network request: ${u}`);
    return route.abort('blockedbyclient');
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (globalThis as { glasswingExplorer?: { state: { status: string } } }).glasswingExplorer?.state.status.startsWith('Ready'), undefined, { timeout: 90_000 });
  return { page, errors };
}
