/** Benchmark report: JSON document and markdown table. */
import os from 'node:os';
import { CAPTUM_SOURCE } from './captum-baseline.js';
import type { WorkloadResult } from './harness.js';
import { gpujsNote } from './gpujs-note.js';
import { browserNote, type BrowserEnvironment, type BrowserWorkloadResult } from './browser.js';
import type { PeakMeasurement } from './peak.js';

export interface BenchReport {
  readonly date: string;
  readonly quick: boolean;
  readonly environment: {
    readonly node: string;
    readonly platform: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly loadavg1mBefore: number;
  };
  readonly captumSource: string;
  readonly results: readonly WorkloadResult[];
  /** The browser rows' Chromium and what it offered (--browser). */
  readonly browser?: BrowserEnvironment;
  /** Matmul peak per runtime measured in this run (peak.ts); absent with --no-peak. */
  readonly peaks?: readonly PeakMeasurement[];
  /** Rows needing more seconds than this at their runtime's peak were skipped (--max-estimate). */
  readonly maxEstimateS?: number;
  /** Wall-clock seconds of the whole run. */
  readonly wallS?: number;
}

export function makeReport(results: readonly WorkloadResult[], quick: boolean, loadBefore: number, date = new Date()): BenchReport {
  return {
    date: date.toISOString(),
    quick,
    environment: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      loadavg1mBefore: loadBefore,
    },
    captumSource: CAPTUM_SOURCE,
    results,
  };
}

function num(v: number | undefined, digits: number): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Three significant digits (FLOP figures span 1e-6 … 1e3). */
function sig(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : Number(v.toPrecision(3)).toString();
}

function params(r: WorkloadResult): string {
  const p = r.params as Record<string, unknown>;
  if (r.method === 'integrated-gradients') return `${p['steps']} steps ${p['quadrature']}, chunk ${p['internalBatchSize'] ?? 'default'}`;
  if (r.method === 'saliency') return `abs=${String(p['abs'] ?? true)}`;
  return Object.entries(p)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

/** The peaks table and the FLOP columns' key (when the run measured peaks). */
function peakLines(report: BenchReport): string[] {
  const lines = [
    'GFLOP per rep: FLOPs of one repetition\'s model calls, counted from the IR (forward rows × forward FLOPs + gradient rows × (forward + input-gradient FLOPs); multiply-add = 2; docs/benchmarks.md).',
    '% of peak: achieved GFLOP/s over the matmul GFLOP/s of the row\'s runtime measured in this run (below).',
    '',
  ];
  if (!report.peaks || report.peaks.length === 0) return lines;
  lines.push('| runtime (peak) | matmul n | best ms | GFLOP/s | how |', '|---|---:|---:|---:|---|');
  for (const p of report.peaks) {
    lines.push(`| ${p.runtime} | ${p.n} | ${num(p.bestS !== undefined ? p.bestS * 1000 : undefined, 2)} | ${num(p.gflops, 2)} | ${(p.error ?? p.description).replace(/\|/g, '/')} |`);
  }
  if (report.maxEstimateS !== undefined) lines.push('', `Rows needing more than ${report.maxEstimateS} s a repetition even at their runtime's peak are skipped (--max-estimate).`);
  if (report.wallS !== undefined) lines.push(`Whole run: ${report.wallS.toFixed(1)} s.`);
  lines.push('');
  return lines;
}

export function toMarkdown(report: BenchReport): string {
  const e = report.environment;
  const lines = [
    `# Glasswing benchmarks — ${report.date.slice(0, 10)}${report.quick ? ' (quick: 1 rep, no warm-up — not for comparison)' : ''}`,
    '',
    `Node ${e.node}, ${e.platform}, ${e.cpus} CPUs (${e.cpuModel}), load average before: ${e.loadavg1mBefore.toFixed(2)}.`,
    `Captum column: ${report.captumSource}. Ratio = Glasswing / Captum examples per second (> 1 is faster).`,
    '',
    ...peakLines(report),
    '| method | model | adapter | batch | params | reps | median ms | examples/s | Captum ex/s | ratio | model calls | peak RSS MB | peak ArrayBuffers MB | tf peak MB / leaked tensors | first run ms | create ms | GFLOP per rep | achieved GFLOP/s | peak GFLOP/s | % of peak | wasm heap MB |',
    '|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const gpujs = [...new Set(report.results.map((r) => r.adapter).filter((a) => a.startsWith('gpujs-')))];
  if (gpujs.length > 0) lines.splice(4, 0, '', ...gpujsNote(gpujs));
  if (report.browser) lines.splice(4, 0, '', ...browserNote(report.browser));
  for (const r of report.results) {
    if (r.status !== 'ok') {
      lines.push(
        `| ${r.method} | ${r.model} | ${r.adapter} | ${r.batch} | ${params(r)} | 0 | ${r.status} | – | ${num(r.captumExamplesPerSec, 1)} | – | – | – | – | ${(r.error ?? '').replace(/\|/g, '/').slice(0, r.status === 'skipped' ? 200 : 80)} | – | – | – | – | – | – | – |`,
      );
      continue;
    }
    const tf = r.backendPeakMB !== undefined ? `${num(r.backendPeakMB, 1)} / ${r.backendTensorsLeaked ?? '–'}` : '–';
    lines.push(
      `| ${r.method} | ${r.model} | ${r.adapter} | ${r.batch} | ${params(r)} | ${r.reps} | ${num(r.medianS! * 1000, 2)} | ${num(r.examplesPerSec, 1)} | ${num(r.captumExamplesPerSec, 1)} | ${num(r.ratioToCaptum, 3)} | ${r.modelCalls} | ${num(r.peakRssMB ?? (r as BrowserWorkloadResult).peakJsHeapMB, 0)} | ${num(r.peakArrayBuffersMB, 0)} | ${tf} | ${num(r.firstS !== undefined ? r.firstS * 1000 : undefined, 0)} | ${num(r.createS !== undefined ? r.createS * 1000 : undefined, 0)} | ${sig(r.flops !== undefined ? r.flops / 1e9 : undefined)} | ${sig(r.achievedGflops)} | ${r.peakGflops !== undefined ? `${num(r.peakGflops, 1)} (${r.peakRuntime})` : '–'} | ${sig(r.fractionOfPeak !== undefined ? r.fractionOfPeak * 100 : undefined)} | ${num(r.wasmHeapMB, 0)} |`,
    );
  }
  return lines.join('\n') + '\n';
}
