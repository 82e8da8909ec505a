/** Benchmark report: JSON document and markdown table. */
import os from 'node:os';
import { CAPTUM_SOURCE } from './captum-baseline.js';
import type { WorkloadResult } from './harness.js';
import { gpujsNote } from './gpujs-note.js';
import { browserNote, type BrowserEnvironment, type BrowserWorkloadResult } from './browser.js';

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

function params(r: WorkloadResult): string {
  const p = r.params as Record<string, unknown>;
  if (r.method === 'integrated-gradients') return `${p['steps']} steps ${p['quadrature']}, chunk ${p['internalBatchSize'] ?? 'default'}`;
  if (r.method === 'saliency') return `abs=${String(p['abs'] ?? true)}`;
  return Object.entries(p)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

export function toMarkdown(report: BenchReport): string {
  const e = report.environment;
  const lines = [
    `# Glasswing benchmarks — ${report.date.slice(0, 10)}${report.quick ? ' (quick: 1 rep, no warm-up — not for comparison)' : ''}`,
    '',
    `Node ${e.node}, ${e.platform}, ${e.cpus} CPUs (${e.cpuModel}), load average before: ${e.loadavg1mBefore.toFixed(2)}.`,
    `Captum column: ${report.captumSource}. Ratio = Glasswing / Captum examples per second (> 1 is faster).`,
    '',
    '| method | model | adapter | batch | params | reps | median ms | examples/s | Captum ex/s | ratio | model calls | peak RSS MB | peak ArrayBuffers MB | tf peak MB / leaked tensors | first run ms | create ms |',
    '|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|',
  ];
  const gpujs = [...new Set(report.results.map((r) => r.adapter).filter((a) => a.startsWith('gpujs-')))];
  if (gpujs.length > 0) lines.splice(4, 0, '', ...gpujsNote(gpujs));
  if (report.browser) lines.splice(4, 0, '', ...browserNote(report.browser));
  for (const r of report.results) {
    if (r.status !== 'ok') {
      lines.push(
        `| ${r.method} | ${r.model} | ${r.adapter} | ${r.batch} | ${params(r)} | 0 | ${r.status} | – | ${num(r.captumExamplesPerSec, 1)} | – | – | – | – | ${(r.error ?? '').replace(/\|/g, '/').slice(0, r.status === 'skipped' ? 200 : 80)} | – | – |`,
      );
      continue;
    }
    const tf = r.backendPeakMB !== undefined ? `${num(r.backendPeakMB, 1)} / ${r.backendTensorsLeaked ?? '–'}` : '–';
    lines.push(
      `| ${r.method} | ${r.model} | ${r.adapter} | ${r.batch} | ${params(r)} | ${r.reps} | ${num(r.medianS! * 1000, 2)} | ${num(r.examplesPerSec, 1)} | ${num(r.captumExamplesPerSec, 1)} | ${num(r.ratioToCaptum, 3)} | ${r.modelCalls} | ${num(r.peakRssMB ?? (r as BrowserWorkloadResult).peakJsHeapMB, 0)} | ${num(r.peakArrayBuffersMB, 0)} | ${tf} | ${num(r.firstS !== undefined ? r.firstS * 1000 : undefined, 0)} | ${num(r.createS !== undefined ? r.createS * 1000 : undefined, 0)} |`,
    );
  }
  return lines.join('\n') + '\n';
}
