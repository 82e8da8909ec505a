/** Page actions for the end-to-end tests, through the controls and `window.glasswingExplorer`. */
import type { Page } from 'playwright-core';

export interface PageResult {
  readonly method: string;
  readonly options: Record<string, unknown>;
  readonly target: number;
  readonly backend: string;
  readonly input: { shape: number[]; data: number[] };
  readonly attributions: { shape: number[]; data: number[] };
  readonly logits: number[];
}

interface Api {
  state: {
    status: string;
    summary?: { name: string; backend: string; unavailable: Record<string, string> };
    run: { status: string; id: number };
    results: { result: { method: string; error?: string } }[];
  };
  selectMethods(ids: readonly string[]): void;
  useExample(id: string): Promise<void>;
}
declare const glasswingExplorer: Api;

/** Wait until `name` is loaded on `backend` (or the load failed: returns the error). */
async function waitLoaded(page: Page, name: string, backend: string): Promise<string | undefined> {
  await page.waitForFunction(
    ([n, b]) => {
      const s = glasswingExplorer.state;
      return s.status.startsWith('error') || (s.status.startsWith('Ready') && s.summary?.name === n && s.summary.backend === b);
    },
    [name, backend] as const,
    { timeout: 120_000 },
  );
  const status = await page.evaluate(() => glasswingExplorer.state.status);
  return status.startsWith('error') ? status : undefined;
}

export async function loadExample(page: Page, id: string, backend: string): Promise<string | undefined> {
  const current = await page.evaluate(() => glasswingExplorer.state.summary?.name);
  if (current !== id) {
    await page.selectOption('#example', id);
    const current = await page.inputValue('#backend');
    const err = await waitLoaded(page, id, current);
    if (err) return err;
  }
  if ((await page.inputValue('#backend')) !== backend) {
    await page.selectOption('#backend', backend);
    return waitLoaded(page, id, backend);
  }
  // The prediction for the first sample is shown before any run.
  await page.waitForSelector('#prediction-body [data-prediction]');
  return undefined;
}

/** Check these methods, press Explain, wait for the run to end; the results the page shows. */
export async function explain(page: Page, methods: readonly string[], fill: Record<string, string> = {}): Promise<{ status: string; results: PageResult[]; errors: Record<string, string> }> {
  await page.evaluate((ids) => glasswingExplorer.selectMethods(ids), methods);
  await page.evaluate(() => document.querySelector('#explain details')?.setAttribute('open', ''));
  for (const [selector, value] of Object.entries(fill)) await page.fill(selector, value);
  const before = await page.evaluate(() => glasswingExplorer.state.run.id);
  await page.click('#run');
  await page.waitForFunction((id) => glasswingExplorer.state.run.id > id && glasswingExplorer.state.run.status !== 'running', before, { timeout: 220_000 });
  const status = await page.evaluate(() => glasswingExplorer.state.run.status);
  const cards = await page.$$eval('#results article.card', (els) => els.map((e) => ({ method: e.getAttribute('data-method') ?? '', result: e.getAttribute('data-result'), error: e.getAttribute('data-error') })));
  const results: PageResult[] = [];
  const errors: Record<string, string> = {};
  for (const c of cards) {
    if (c.result) results.push(JSON.parse(c.result) as PageResult);
    else errors[c.method] = c.error ?? 'no result';
  }
  return { status, results, errors };
}
