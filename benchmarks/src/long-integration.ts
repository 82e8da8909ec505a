/**
 * Long integrations (issue 10): integrated gradients on mlp_tabular, 2 examples, onnx-node, as a
 * user would run it (default chunking: internalBatchSize unset):
 *
 * - `gl-1e6`: 10⁶ Gauss–Legendre steps: time from `attribute()` to the start of the first model
 *   call and of the first gradient call (the first that needs nodes), and the whole run;
 * - `riemann-2e3` / `riemann-2e6`: 2,000 and 2,000,000 riemann_middle steps: peak RSS of each
 *   (the 2·10⁶-step run should stay within 2× of the 2·10³-step one).
 *
 * Each case runs in its own Node process, so its peak RSS (process.resourceUsage().maxRSS) is its
 * own. Results go to <out>/<day>-long-integration.json and .md (default benchmarks/results).
 * `pnpm bench:long [--quick] [--out <dir>]`; --quick runs 10⁴ / 200 / 2·10⁴ steps (for tests).
 * Before this change (issue text): GL nodes took 2.8 s at 10⁴ steps and 16.5 s at 3·10⁴ before the
 * first model call, 10⁷ never started; 2·10⁶ Riemann steps peaked at 836 MB RSS.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, METHODS, type GradientRequest, type Model, type Quadrature, type Tensor } from '@glasswing/core';
import { adapterById } from './adapters.js';
import { loadGraph, modelFiles } from './models.js';

export interface LongCase {
  readonly id: string;
  readonly quadrature: Quadrature;
  readonly steps: number;
}

export interface LongResult extends LongCase {
  readonly model: 'mlp_tabular';
  readonly adapter: 'onnx-node';
  readonly examples: number;
  /** attribute() → start of the first model call (the forward on [x; x′]), ms. */
  readonly firstCallMs: number;
  /** attribute() → start of the first gradient call (the first that needs quadrature nodes), ms. */
  readonly firstGradientMs: number;
  readonly totalS: number;
  readonly modelCalls: number;
  /** Most rows in one model call. */
  readonly maxRowsPerCall: number;
  /** The model's own cap (Model.maxRowsPerCall), which bounds the default chunk. */
  readonly modelMaxRowsPerCall?: number;
  /** Peak resident set size of the whole process (model load included), MB. */
  readonly peakRssMB: number;
  /** max |delta| (completeness gap). */
  readonly maxAbsDelta: number;
}

export interface LongReport {
  readonly date: string;
  readonly quick: boolean;
  readonly environment: { readonly node: string; readonly platform: string; readonly cpus: number; readonly loadavg1mBefore: number };
  readonly results: readonly LongResult[];
  /** peak RSS of the many-step Riemann run / the few-step one. */
  readonly rssRatio: number;
}

export const EXAMPLES = 2;

export function longCases(quick: boolean): LongCase[] {
  return [
    { id: 'gl-1e6', quadrature: 'gausslegendre', steps: quick ? 10_000 : 1_000_000 },
    { id: 'riemann-2e3', quadrature: 'riemann_middle', steps: quick ? 200 : 2_000 },
    { id: 'riemann-2e6', quadrature: 'riemann_middle', steps: quick ? 20_000 : 2_000_000 },
  ];
}

/** One case, in this process (the child side). */
export async function runCase(c: LongCase): Promise<LongResult> {
  const graph = await loadGraph('mlp_tabular');
  const inner = await adapterById('onnx-node').create(graph, modelFiles('mlp_tabular'));
  const rng = createRng(1234);
  const per = inner.inputShape.reduce((a, b) => a * b, 1);
  const x: Tensor = { shape: [EXAMPLES, ...inner.inputShape], data: Float32Array.from({ length: EXAMPLES * per }, () => rng.uniform()) };
  let start = 0;
  let firstCall = -1;
  let firstGradient = -1;
  let maxRows = 0;
  const seen = (rows: number, gradient: boolean) => {
    const t = performance.now() - start;
    if (firstCall < 0) firstCall = t;
    if (gradient && firstGradient < 0) firstGradient = t;
    maxRows = Math.max(maxRows, rows);
  };
  const model = Object.create(inner, {
    forward: { value: (t: Tensor, o?: never) => (seen(t.shape[0]!, false), inner.forward(t, o)) },
    gradient: { value: (t: Tensor, r: GradientRequest) => (seen(t.shape[0]!, true), inner.gradient(t, r)) },
  }) as Model;
  try {
    start = performance.now();
    const res = await METHODS['integrated-gradients']!.run(model, x, { steps: c.steps, quadrature: c.quadrature, baselines: 0, target: [0, 2] });
    const totalS = (performance.now() - start) / 1000;
    return {
      ...c,
      model: 'mlp_tabular',
      adapter: 'onnx-node',
      examples: EXAMPLES,
      firstCallMs: firstCall,
      firstGradientMs: firstGradient,
      totalS,
      modelCalls: res.modelCalls,
      maxRowsPerCall: maxRows,
      ...(inner.maxRowsPerCall !== undefined ? { modelMaxRowsPerCall: inner.maxRowsPerCall } : {}),
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      maxAbsDelta: Math.max(...Array.from(res.delta ?? [NaN], Math.abs)),
    };
  } finally {
    await inner.dispose();
  }
}

const HERE = fileURLToPath(import.meta.url);

/** Runs one case in a fresh Node process (tsx, @glasswing/source) and returns its result. */
export function runCaseInChild(c: LongCase): Promise<LongResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@glasswing/source', '--import', 'tsx', HERE, '--child', JSON.stringify(c)], {
      cwd: path.dirname(path.dirname(HERE)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`case ${c.id} exited with ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as LongResult);
    });
  });
}

function num(v: number, digits: number): string {
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function toMarkdown(r: LongReport): string {
  const e = r.environment;
  return [
    `# Long integrations — ${r.date.slice(0, 10)}${r.quick ? ' (quick: reduced steps — not for comparison)' : ''}`,
    '',
    `Integrated gradients, mlp_tabular, ${EXAMPLES} examples, onnx-node, internalBatchSize unset (default chunk), one Node process per row.`,
    `Node ${e.node}, ${e.platform}, ${e.cpus} CPUs, load average before: ${e.loadavg1mBefore.toFixed(2)}.`,
    '',
    '| case | quadrature | steps | first model call ms | first gradient call ms | total s | model calls | max rows / call | peak RSS MB | max abs delta |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.results.map(
      (x) =>
        `| ${x.id} | ${x.quadrature} | ${x.steps.toLocaleString('en-US')} | ${num(x.firstCallMs, 1)} | ${num(x.firstGradientMs, 1)} | ${num(x.totalS, 2)} | ${x.modelCalls} | ${x.maxRowsPerCall.toLocaleString('en-US')} | ${num(x.peakRssMB, 0)} | ${x.maxAbsDelta.toExponential(2)} |`,
    ),
    '',
    `Peak RSS, ${r.results[2]!.steps.toLocaleString('en-US')} vs ${r.results[1]!.steps.toLocaleString('en-US')} Riemann steps: ${num(r.rssRatio, 2)}× (target ≤ 2×).`,
    'Before (issue 10): Gauss–Legendre nodes took 2.8 s (10⁴ steps) and 16.5 s (3·10⁴) before the first model call; 2·10⁶ Riemann steps peaked at 836 MB RSS.',
    '',
  ].join('\n');
}

/** Runs every case (each in a child process), writes <out>/<day>-long-integration.{json,md}. */
export async function longIntegration(args: { quick: boolean; out: string }, log: (l: string) => void = console.log): Promise<{ report: LongReport; markdown: string; files: string[] }> {
  const loadBefore = os.loadavg()[0]!;
  const results: LongResult[] = [];
  for (const c of longCases(args.quick)) {
    log(`running ${c.id} (${c.steps} ${c.quadrature} steps) ...`);
    const r = await runCaseInChild(c);
    log(`  first call ${r.firstCallMs.toFixed(1)} ms, first gradient ${r.firstGradientMs.toFixed(1)} ms, ${r.totalS.toFixed(2)} s, peak RSS ${r.peakRssMB.toFixed(0)} MB`);
    results.push(r);
  }
  const report: LongReport = {
    date: new Date().toISOString(),
    quick: args.quick,
    environment: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: os.cpus().length, loadavg1mBefore: loadBefore },
    results,
    rssRatio: results[2]!.peakRssMB / results[1]!.peakRssMB,
  };
  const markdown = toMarkdown(report);
  await mkdir(args.out, { recursive: true });
  const day = report.date.slice(0, 10);
  const files = [path.join(args.out, `${day}-long-integration.json`), path.join(args.out, `${day}-long-integration.md`)];
  await writeFile(files[0]!, JSON.stringify(report, null, 2) + '\n');
  await writeFile(files[1]!, markdown);
  return { report, markdown, files };
}

export function parseLongArgs(argv: readonly string[]): { quick: boolean; out: string } {
  let quick = false;
  let out = fileURLToPath(new URL('../results', import.meta.url));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--out') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error('--out needs a value');
      out = path.resolve(v);
    } else if (a !== '--') throw new Error(`unknown option ${a} (options: --quick, --out <dir>)`);
  }
  return { quick, out };
}

if (process.argv[1] && path.resolve(process.argv[1]) === HERE) {
  const argv = process.argv.slice(2);
  try {
    if (argv[0] === '--child') {
      const r = await runCase(JSON.parse(argv[1]!) as LongCase);
      console.log(`RESULT ${JSON.stringify(r)}`);
    } else {
      const { markdown, files } = await longIntegration(parseLongArgs(argv));
      console.log('\n' + markdown);
      console.log(`wrote ${files.join(', ')}`);
    }
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 2;
  }
}
