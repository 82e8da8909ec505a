/**
 * Real published models (issue 19): REAL_WORKLOADS (the nsfwjs MobileNetV2 224 and InceptionV3 299
 * LayersModels; Saliency and IG with 8 steps on one example) on every adapter, beside Captum's
 * figures for the same torchvision architectures, with the verdict for the default adapter of a
 * tfjs LayersModel (onnx-node: the CLI's DEFAULT_ADAPTER_RANKING['ir-graph'][0]): within 2× of
 * Captum's time or not.
 *
 * Each adapter's rows run in their own Node process (the wasm heaps and ORT arenas of one adapter
 * do not inflate the next one's peak RSS). Results go to <out>/<day>-real-models.{json,md}.
 * `pnpm bench:real [--filter <substring>] [--quick] [--out <dir>]`.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { captumSourceOf } from './captum-baseline.js';
import { parseArgs, selectWorkloads, type BenchArgs } from './cli.js';
import { runWorkloads, type WorkloadResult } from './harness.js';
import { makeReport, toMarkdown, type BenchReport } from './report.js';
import { REAL_WORKLOADS, type Workload } from './workloads.js';

/** The adapter `attribute` picks for a tfjs LayersModel or graph JSON when onnxruntime-node is installed. */
export const DEFAULT_ADAPTER = 'onnx-node';

const HERE = fileURLToPath(import.meta.url);

/** Runs the workloads of one adapter in a fresh Node process. */
function runInChild(ids: readonly string[], quick: boolean, log: (l: string) => void): Promise<WorkloadResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@glasswing/source', '--import', 'tsx', HERE, '--child', JSON.stringify({ ids, quick })], {
      cwd: path.dirname(path.dirname(HERE)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      const s = d.toString();
      out += s;
      for (const line of s.split('\n')) if (line !== '' && !line.startsWith('RESULT ')) log(line);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`rows ${ids.join(', ')} exited with ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as WorkloadResult[]);
    });
  });
}

export interface Verdict {
  readonly method: string;
  readonly model: string;
  readonly adapter: string;
  readonly oursS?: number;
  readonly captumS?: number;
  /** ours / Captum seconds (≤ 2: within 2×). */
  readonly slowdown?: number;
  readonly within2x: boolean;
}

/** The default adapter's rows against Captum's seconds per attribution (batch 1). */
export function verdicts(results: readonly WorkloadResult[], adapter = DEFAULT_ADAPTER): Verdict[] {
  return results
    .filter((r) => r.adapter === adapter)
    .map((r) => {
      const captumS = r.captumExamplesPerSec ? r.batch / r.captumExamplesPerSec : undefined;
      const oursS = r.status === 'ok' ? r.medianS : undefined;
      const slowdown = oursS !== undefined && captumS !== undefined ? oursS / captumS : undefined;
      return { method: r.method, model: r.model, adapter, oursS, captumS, slowdown, within2x: slowdown !== undefined && slowdown <= 2 };
    });
}

function s(v: number | undefined, digits = 3): string {
  return v === undefined ? '–' : v.toFixed(digits);
}

/** Captum timed in the same session by tools/captum-bench/nsfwjs_architectures.py (`<day>-real-models-captum.json`). */
export interface SameSessionCaptum {
  readonly source: string;
  readonly loadavg1mBefore: number;
  readonly results: readonly { readonly method: string; readonly model: string; readonly medianS: number; readonly firstS: number }[];
}

function sameSessionTable(results: readonly WorkloadResult[], captum: SameSessionCaptum): string[] {
  const rows = results.filter((r) => r.adapter === DEFAULT_ADAPTER && r.status === 'ok');
  return [
    `## Against Captum timed in the same session`,
    '',
    `${captum.source}, load average before ${captum.loadavg1mBefore.toFixed(2)} (tools/captum-bench/nsfwjs_architectures.py; median of 5 after a warm-up).`,
    '',
    '| method | model | ours s (median) | Captum s (median) | ours / Captum | ours first run s | Captum first run s |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.flatMap((r) => {
      const c = captum.results.find((x) => x.method === r.method && x.model === r.model);
      return c ? [`| ${r.method} | ${r.model} | ${s(r.medianS)} | ${s(c.medianS)} | ${s(r.medianS! / c.medianS, 2)} | ${s(r.firstS)} | ${s(c.firstS)} |`] : [];
    }),
    '',
  ];
}

export function realModelsMarkdown(report: BenchReport, captum?: SameSessionCaptum): string {
  const table = toMarkdown(report).replace(/^# Glasswing benchmarks/, '# Glasswing benchmarks: real models');
  const v = verdicts(report.results);
  const lines = [
    table,
    'Skipped rows name their reason. "first run" includes emitting and creating the ONNX Runtime sessions (onnx-node, onnx-web) and',
    "the wasm heap's growth (tfjs-wasm); median is over the timed repetitions after the warm-up.",
    '',
    `## Default adapter (${DEFAULT_ADAPTER}) against Captum`,
    '',
    '| method | model | ours s (median) | Captum s | ours / Captum | within 2× |',
    '|---|---|---:|---:|---:|---|',
    ...v.map((x) => `| ${x.method} | ${x.model} | ${s(x.oursS)} | ${s(x.captumS)} | ${s(x.slowdown, 2)} | ${x.within2x ? 'yes' : 'no'} |`),
    '',
    v.length > 0 && v.every((x) => x.within2x)
      ? `The default adapter is within 2× of Captum's time on every row.`
      : `The default adapter is NOT within 2× of Captum's time on: ${v.filter((x) => !x.within2x).map((x) => `${x.method} ${x.model}`).join(', ') || 'no measured row'}.`,
    '',
    ...(captum ? sameSessionTable(report.results, captum) : []),
  ];
  return lines.join('\n');
}

/** The same-session Captum timings, when that file exists. */
export async function sameSessionCaptum(file: string): Promise<SameSessionCaptum | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SameSessionCaptum;
  } catch {
    return undefined;
  }
}

/** Runs the selected real-model rows (one child process per adapter); writes <out>/<day>-real-models.{json,md}. */
export async function benchReal(
  args: BenchArgs,
  workloads: readonly Workload[] = REAL_WORKLOADS,
  log: (line: string) => void = (l) => console.log(l),
): Promise<{ report: BenchReport; markdown: string; files: string[] }> {
  const selected = selectWorkloads(workloads, args.filter);
  if (selected.length === 0) throw new Error(`no workload matches --filter ${args.filter}`);
  const loadBefore = os.loadavg()[0]!;
  const results: WorkloadResult[] = [];
  const write = async (): Promise<{ report: BenchReport; markdown: string; files: string[] }> => {
    const sources = [...new Set(results.map((r) => captumSourceOf(r.method, r.model)))];
    const order = new Map(selected.map((w, i) => [w.id, i]));
    results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    const report: BenchReport = { ...makeReport(results, args.quick, loadBefore), captumSource: sources.join('; ') };
    const day = report.date.slice(0, 10);
    const markdown = realModelsMarkdown(report, await sameSessionCaptum(path.join(args.out, `${day}-real-models-captum.json`)));
    await mkdir(args.out, { recursive: true });
    const files = [path.join(args.out, `${day}-real-models.json`), path.join(args.out, `${day}-real-models.md`)];
    await writeFile(files[0]!, JSON.stringify({ ...report, defaultAdapter: DEFAULT_ADAPTER, verdicts: verdicts(results) }, null, 2) + '\n');
    await writeFile(files[1]!, markdown);
    return { report, markdown, files };
  };
  // Skipped rows need no process; the report is rewritten after each adapter (a stopped run keeps what finished).
  results.push(...(await runWorkloads(selected.filter((w) => w.skip !== undefined))));
  for (const adapter of [...new Set(selected.filter((w) => w.skip === undefined).map((w) => w.adapter))]) {
    results.push(...(await runInChild(selected.filter((w) => w.adapter === adapter && w.skip === undefined).map((w) => w.id), args.quick, log)));
    await write();
  }
  return write();
}

if (process.argv[1] && path.resolve(process.argv[1]) === HERE) {
  const argv = process.argv.slice(2);
  try {
    if (argv[0] === '--child') {
      const { ids, quick } = JSON.parse(argv[1]!) as { ids: string[]; quick: boolean };
      const rows = REAL_WORKLOADS.filter((w) => ids.includes(w.id));
      const results = await runWorkloads(rows, { quick, log: (l) => console.log(l) });
      console.log(`RESULT ${JSON.stringify(results)}`);
    } else {
      const { markdown, files, report } = await benchReal(parseArgs(argv));
      console.log('\n' + markdown);
      console.log(`wrote ${files.join(', ')}`);
      process.exitCode = report.results.some((r) => r.status === 'error') ? 1 : 0;
    }
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 2;
  }
}
