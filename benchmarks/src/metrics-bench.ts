/**
 * Benchmark rows of issue 14 (explanation-quality metrics): the deletion curve (MoRF, 100 steps →
 * 101 forward rows per example) and infidelity (100 Gaussian perturbations, σ 0.003, seed 0) on
 * LeNet (benchmarks/models/lenet_mnist) on every adapter, for 4 seeded 28×28 stroke images and one
 * fixed map per image (the image itself plus a small ripple: the metrics' cost does not depend on
 * which method made the map). Reports seconds per metric call, model calls, the mean score and the
 * largest difference from the reference executor's scores.
 *
 * `pnpm bench:metrics [--quick] [--out <dir>] [--adapters a,b]`: writes <out>/<day>-metrics.json
 * and .md (default benchmarks/results); --quick: 1 image, 10 steps, 10 perturbations.
 */
import { benchEnvironment, parseAdapterBenchArgs, writeBenchFiles, type AdapterBenchOptions, type BenchEnvironment } from './bench-cli.js';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, deletion, infidelity, type MetricResult, type Model, type Tensor } from '@glasswing/core';
import { ADAPTERS, adapterById } from './adapters.js';
import { loadGraph, modelFiles } from './models.js';

export type MetricsBenchOptions = AdapterBenchOptions;

export interface MetricsBenchRow {
  readonly adapter: string;
  readonly metric: 'deletion' | 'infidelity';
  readonly status: 'ok' | 'error';
  readonly error?: string;
  readonly examples: number;
  /** Steps (deletion) or perturbations (infidelity). */
  readonly size: number;
  readonly seconds?: number;
  readonly modelCalls?: number;
  readonly meanScore?: number;
  /** max |score − reference score| over the examples (relative for infidelity). */
  readonly diffFromReference?: number;
}

export interface MetricsBenchReport {
  readonly date: string;
  readonly quick: boolean;
  readonly environment: BenchEnvironment;
  readonly rows: readonly MetricsBenchRow[];
}

export const parseMetricsBenchArgs: (argv: readonly string[]) => MetricsBenchOptions = parseAdapterBenchArgs;

/** `n` seeded 28×28 images (faint noise and two bright strokes) and their fixed maps, one channel. */
export function strokeImages(n: number): { x: Float32Array; map: Float32Array } {
  const rng = createRng(14);
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < 784; p++) x[i * 784 + p] = 0.05 * rng.uniform();
    for (let s = 0; s < 2; s++) {
      const vertical = rng.uniform() < 0.5;
      const at = 4 + rng.int(20);
      const from = 4 + rng.int(10);
      for (let k = 0; k < 10; k++) x[i * 784 + (vertical ? (from + k) * 28 + at : at * 28 + from + k)] = 1;
    }
  }
  return { x, map: Float32Array.from(x, (v, k) => v + 0.01 * Math.sin(k)) };
}

export async function metricsBench(options: MetricsBenchOptions, log: (line: string) => void = console.log): Promise<{ report: MetricsBenchReport; markdown: string; files: string[] }> {
  const graph = await loadGraph('lenet_mnist');
  const files = modelFiles('lenet_mnist');
  const n = options.quick ? 1 : 4;
  const steps = options.quick ? 10 : 100;
  const perturbations = options.quick ? 10 : 100;
  const { x: xd, map } = strokeImages(n);
  const rows: MetricsBenchRow[] = [];
  const reference = new Map<string, readonly number[]>();
  for (const id of options.adapters) {
    let model: Model | undefined;
    try {
      model = await adapterById(id).create(graph, files);
      // One channel: NHWC [28, 28, 1] and NCHW [1, 28, 28] hold the same values in the same order.
      const x: Tensor = { shape: [n, ...model.inputShape], data: xd };
      const attributions: Tensor = { shape: [n, ...model.inputShape], data: map };
      await model.forward(x); // warm-up (kernel compilation, sessions)
      const runs: [MetricsBenchRow['metric'], number, () => Promise<MetricResult>][] = [
        ['deletion', steps, () => deletion({ model: model!, x, attributions }, { steps })],
        ['infidelity', perturbations, () => infidelity({ model: model!, x, attributions }, { nPerturbSamples: perturbations, seed: 0 })],
      ];
      for (const [metric, size, fn] of runs) {
        try {
          const t0 = performance.now();
          const r = await fn();
          const seconds = (performance.now() - t0) / 1000;
          if (id === 'reference') reference.set(metric, r.scores);
          const ref = reference.get(metric);
          const diff = ref
            ? Math.max(...r.scores.map((s, i) => Math.abs(s - ref[i]!) / (metric === 'infidelity' ? Math.max(Math.abs(ref[i]!), 1e-12) : 1)))
            : undefined;
          const row: MetricsBenchRow = { adapter: id, metric, status: 'ok', examples: n, size, seconds, modelCalls: r.details?.['modelCalls'] as number, meanScore: r.mean, ...(diff !== undefined ? { diffFromReference: diff } : {}) };
          rows.push(row);
          log(`${id} ${metric}(${size}): ${seconds.toFixed(2)} s, ${row.modelCalls} model calls, mean ${r.mean.toPrecision(5)}${diff !== undefined ? `, Δ reference ${diff.toExponential(1)}` : ''}`);
        } catch (e) {
          rows.push({ adapter: id, metric, status: 'error', examples: n, size, error: e instanceof Error ? e.message : String(e) });
          log(`${id} ${metric}: error ${String(e)}`);
        }
      }
    } catch (e) {
      for (const metric of ['deletion', 'infidelity'] as const) rows.push({ adapter: id, metric, status: 'error', examples: n, size: metric === 'deletion' ? steps : perturbations, error: e instanceof Error ? e.message : String(e) });
      log(`${id}: error ${String(e)}`);
    } finally {
      await model?.dispose();
    }
  }
  const report: MetricsBenchReport = {
    date: new Date().toISOString(),
    quick: options.quick,
    environment: benchEnvironment(),
    rows,
  };
  const markdown = metricsMarkdown(report);
  return { report, markdown, files: await writeBenchFiles(options.out, 'metrics', report, markdown) };
}

export function metricsMarkdown(report: MetricsBenchReport): string {
  const n = report.rows[0]?.examples ?? 0;
  return [
    `# Faithfulness metrics on LeNet (${report.date.slice(0, 10)}${report.quick ? ', quick' : ''})`,
    '',
    `${n} seeded 28×28 stroke image(s), one fixed map each; deletion = MoRF deletion curve AUC (steps + 1 forward rows per image), infidelity = Captum infidelity with N(0, 0.003²) perturbations, seed 0. Δ reference: max |score − reference| (infidelity: relative). Node ${report.environment.node}, ${report.environment.platform}, ${report.environment.cpus} CPUs.`,
    '',
    '| adapter | metric | steps / perturbations | status | seconds | model calls | mean score | Δ reference |',
    '|---|---|---:|---|---:|---:|---:|---:|',
    ...report.rows.map((r) =>
      r.status === 'ok'
        ? `| ${r.adapter} | ${r.metric} | ${r.size} | ok | ${r.seconds!.toFixed(2)} | ${r.modelCalls} | ${r.meanScore!.toPrecision(5)} | ${r.diffFromReference === undefined ? '' : r.diffFromReference.toExponential(1)} |`
        : `| ${r.adapter} | ${r.metric} | ${r.size} | error: ${(r.error ?? '').replace(/\|/g, '/')} | | | | |`,
    ),
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  metricsBench(parseMetricsBenchArgs(process.argv.slice(2)))
    .then(({ report, files }) => {
      console.log(`wrote ${files.join(', ')}`);
      process.exitCode = report.rows.some((r) => r.status === 'error') ? 1 : 0;
    })
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    });
}
