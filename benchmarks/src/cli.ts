/** `pnpm bench [--filter <substring>] [--quick] [--out <dir>] [--browser [--browser-gpu]]`. */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserWorkloads, runBrowserWorkloads } from './browser.js';
import { runWorkloads } from './harness.js';
import { makeReport, toMarkdown, type BenchReport } from './report.js';
import { WORKLOADS, type Workload } from './workloads.js';

export interface BenchArgs {
  readonly filter?: string;
  readonly quick: boolean;
  readonly out: string;
  /** Also run the browser rows (`browser:*` adapters, headless Chromium; browser.ts). */
  readonly browser?: boolean;
  /** Browser rows with Chromium's GPU process on (hardware WebGL / WebGPU) instead of --disable-gpu. */
  readonly browserGpu?: boolean;
}

const DEFAULT_OUT = fileURLToPath(new URL('../results', import.meta.url));

export function parseArgs(argv: readonly string[]): BenchArgs {
  let filter: string | undefined;
  let quick = false;
  let out = DEFAULT_OUT;
  let browser = false;
  let browserGpu = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--browser') browser = true;
    else if (a === '--browser-gpu') browser = browserGpu = true;
    else if (a === '--filter' || a === '--out') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      if (a === '--filter') filter = v;
      else out = path.resolve(v);
    } else if (a === '--') continue;
    else throw new Error(`unknown option ${a} (options: --filter <substring>, --quick, --out <dir>, --browser, --browser-gpu)`);
  }
  return { quick, out, ...(filter !== undefined ? { filter } : {}), ...(browser ? { browser } : {}), ...(browserGpu ? { browserGpu } : {}) };
}

export function selectWorkloads(all: readonly Workload[], filter?: string): Workload[] {
  return filter ? all.filter((w) => w.id.includes(filter)) : [...all];
}

/** Runs the selected workloads, writes <out>/<date>.json and .md; returns the report. */
export async function bench(
  args: BenchArgs,
  workloads: readonly Workload[] = WORKLOADS,
  log: (line: string) => void = (l) => console.log(l),
): Promise<{ report: BenchReport; markdown: string; files: string[] }> {
  const selected = selectWorkloads(workloads, args.filter);
  const inBrowser = args.browser ? selectWorkloads(browserWorkloads(args.quick), args.filter) : [];
  if (selected.length === 0 && inBrowser.length === 0) throw new Error(`no workload matches --filter ${args.filter}`);
  const loadBefore = os.loadavg()[0]!;
  const results = selected.length > 0 ? await runWorkloads(selected, { quick: args.quick, log }) : [];
  const browserRun = inBrowser.length > 0 ? await runBrowserWorkloads(inBrowser, { quick: args.quick, log, gpu: args.browserGpu ? 'gpu' : 'software' }) : undefined;
  const report: BenchReport = {
    ...makeReport([...results, ...(browserRun?.results ?? [])], args.quick, loadBefore),
    ...(browserRun ? { browser: browserRun.environment } : {}),
  };
  const markdown = toMarkdown(report);
  await mkdir(args.out, { recursive: true });
  const day = report.date.slice(0, 10);
  const files = [path.join(args.out, `${day}.json`), path.join(args.out, `${day}.md`)];
  await writeFile(files[0]!, JSON.stringify(report, null, 2) + '\n');
  await writeFile(files[1]!, markdown);
  return { report, markdown, files };
}
