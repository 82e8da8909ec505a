/**
 * `pnpm bench [--filter <pattern>] [--quick] [--out <dir>] [--max-estimate <s>] [--no-peak] [--browser [--browser-gpu]]`.
 * A pattern matches the row id `<method>/<model>/<adapter>/b<batch>`: a substring, or a glob when
 * it has `*` or `?` (matched against the whole id); several patterns separated by commas match
 * any of them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserWorkloads, runBrowserWorkloads } from './browser.js';
import { runWorkloads } from './harness.js';
import { makeReport, toMarkdown, type BenchReport } from './report.js';
import { WORKLOADS, type Workload } from './workloads.js';
import { matrixWorkloads, quickWorkloads } from './matrix.js';
import { measurePeaks, peakRuntimeOf, type PeakMeasurement } from './peak.js';
import { throughputChartSvg } from './chart.js';
import { captumSourceOf } from './captum-baseline.js';

export interface BenchArgs {
  readonly filter?: string;
  readonly quick: boolean;
  readonly out: string;
  /** Also run the browser rows (`browser:*` adapters, headless Chromium; browser.ts). */
  readonly browser?: boolean;
  /** Browser rows with Chromium's GPU process on (hardware WebGL / WebGPU) instead of --disable-gpu. */
  readonly browserGpu?: boolean;
  /** Skip rows needing more than this many seconds a repetition at their runtime's measured peak (default: 30, quick 0.5). */
  readonly maxEstimateS?: number;
  /** Do not measure the matmul peaks (no fraction-of-peak column, no estimate skips). */
  readonly noPeak?: boolean;
}

const USAGE = 'options: --filter <pattern>[,<pattern>...] (substring, or glob with * and ?, on <method>/<model>/<adapter>/b<batch>), --quick, --out <dir>, --max-estimate <seconds>, --no-peak, --browser, --browser-gpu, --no-browser (quick runs include the browser rows)';

const DEFAULT_OUT = fileURLToPath(new URL('../results', import.meta.url));

export function parseArgs(argv: readonly string[]): BenchArgs {
  let filter: string | undefined;
  let quick = false;
  let out = DEFAULT_OUT;
  let maxEstimateS: number | undefined;
  let noPeak = false;
  let browser = false;
  let browserGpu = false;
  let noBrowser = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--no-peak') noPeak = true;
    else if (a === '--browser') browser = true;
    else if (a === '--no-browser') noBrowser = true;
    else if (a === '--browser-gpu') browser = browserGpu = true;
    else if (a === '--filter' || a === '--out' || a === '--max-estimate') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      if (a === '--filter') filter = v;
      else if (a === '--out') out = path.resolve(v);
      else {
        maxEstimateS = Number(v);
        if (!Number.isFinite(maxEstimateS) || maxEstimateS <= 0) throw new Error(`--max-estimate needs a positive number of seconds, got ${v}`);
      }
    } else if (a === '--') continue;
    else throw new Error(`unknown option ${a} (${USAGE})`);
  }
  return {
    quick,
    out,
    ...(filter !== undefined ? { filter } : {}),
    ...(maxEstimateS !== undefined ? { maxEstimateS } : {}),
    ...(noPeak ? { noPeak } : {}),
    // --quick runs the browser slice too (its rows say why where Chromium or a backend is missing).
    ...((browser || quick) && !noBrowser ? { browser: true } : {}),
    ...(browserGpu && !noBrowser ? { browserGpu } : {}),
  };
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Whether a row id matches a --filter value (comma-separated substrings or globs). */
export function matchesFilter(id: string, filter: string): boolean {
  return filter
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .some((p) => (/[*?]/.test(p) ? globToRegExp(p).test(id) : id.includes(p)));
}

export function selectWorkloads(all: readonly Workload[], filter?: string): Workload[] {
  return filter ? all.filter((w) => matchesFilter(w.id, filter)) : [...all];
}

/** The rows `pnpm bench` runs: the Captum-matched rows and the issue 15 matrix; `--quick`: the quick slice. */
export function defaultWorkloads(quick: boolean): Workload[] {
  return quick ? quickWorkloads() : [...WORKLOADS, ...matrixWorkloads(WORKLOADS)];
}

/** Matmul peaks of the runtimes the selected rows use (quick: smaller products, 2 repetitions). */
export async function peaksFor(workloads: readonly Workload[], quick: boolean): Promise<PeakMeasurement[]> {
  const runtimes = [...new Set(workloads.filter((w) => !w.skip).map((w) => peakRuntimeOf(w.adapter)).filter((r): r is string => r !== undefined))];
  const out: PeakMeasurement[] = [];
  for (const r of runtimes) {
    // The plain-JS loop and tfjs-cpu run about 100× slower than the SIMD/threaded runtimes: a smaller product.
    const slow = r === 'js' || r === 'tfjs-cpu';
    out.push(...(await measurePeaks([r], { n: quick ? (slow ? 192 : 384) : slow ? 512 : 1024, reps: quick ? 2 : 3 })));
  }
  return out;
}

/** Runs the selected workloads, writes <out>/<date>.json and .md; returns the report. */
export async function bench(
  args: BenchArgs,
  workloads: readonly Workload[] = defaultWorkloads(args.quick),
  log: (line: string) => void = (l) => console.log(l),
): Promise<{ report: BenchReport; markdown: string; files: string[] }> {
  const selected = selectWorkloads(workloads, args.filter);
  const inBrowser = args.browser ? selectWorkloads(browserWorkloads(args.quick), args.filter) : [];
  if (selected.length === 0 && inBrowser.length === 0) throw new Error(`no workload matches --filter ${args.filter}`);
  const loadBefore = os.loadavg()[0]!;
  const started = performance.now();
  const peaks = args.noPeak || selected.length === 0 ? [] : await peaksFor(selected, args.quick);
  for (const p of peaks) log(p.gflops !== undefined ? `peak ${p.runtime}: ${p.gflops.toFixed(2)} GFLOP/s (matmul ${p.n}×${p.n})` : `peak ${p.runtime}: ${p.error}`);
  const maxEstimateS = args.maxEstimateS ?? (args.quick ? 0.5 : 30);
  const results = selected.length > 0 ? await runWorkloads(selected, { quick: args.quick, log, peaks, maxEstimateS }) : [];
  const browserRun = inBrowser.length > 0 ? await runBrowserWorkloads(inBrowser, { quick: args.quick, log, gpu: args.browserGpu ? 'gpu' : 'software' }) : undefined;
  const base = makeReport([...results, ...(browserRun?.results ?? [])], args.quick, loadBefore);
  // Where each Captum figure in the table comes from (the shared reference data, issue 19, issue 15).
  const sources = [...new Set(results.filter((r) => r.captumExamplesPerSec !== undefined).map((r) => captumSourceOf(r.method, r.model)))];
  const report = {
    ...base,
    captumSource: sources.length > 0 ? sources.join('; ') : base.captumSource,
    peaks,
    maxEstimateS,
    wallS: (performance.now() - started) / 1000,
    ...(browserRun ? { browser: browserRun.environment } : {}),
  };
  const markdown = toMarkdown(report);
  await mkdir(args.out, { recursive: true });
  const day = report.date.slice(0, 10);
  const stem = args.quick ? `${day}-quick` : day;
  const files = [path.join(args.out, `${stem}.json`), path.join(args.out, `${stem}.md`), path.join(args.out, `${stem}.svg`)];
  await writeFile(files[0]!, JSON.stringify(report, null, 2) + '\n');
  await writeFile(files[1]!, markdown);
  await writeFile(files[2]!, throughputChartSvg(report));
  return { report, markdown, files };
}
