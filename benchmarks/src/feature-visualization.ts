/**
 * Benchmark row of issue 12: 256 steps of feature visualization on the bundled demo CNN
 * (apps/demo/model/model.json, 20×20×1 NHWC) on every adapter — four conv2 channels as one batch
 * of four images (one gradient call a step), Fourier parametrization, lucent's standard
 * transforms scaled to 20 px, seed 0 — timed once per adapter after building the model, with the
 * largest pixel difference from the reference executor's images.
 *
 * `pnpm bench:fv [--quick] [--out <dir>] [--adapters a,b]`: writes <out>/<day>-feature-visualization.json
 * and .md (default benchmarks/results); --quick runs 8 steps (for tests).
 */
import { benchEnvironment, parseAdapterBenchArgs, writeBenchFiles, type AdapterBenchOptions, type BenchEnvironment } from './bench-cli.js';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FeatureVisualization, objectives, standardTransforms, type Graph, type Tensor } from '@glasswing/core';
import { importLayersModel, loadLayersArtifacts } from '@glasswing/tfjs';
import { ADAPTERS, adapterById } from './adapters.js';

export const DEMO_MODEL = fileURLToPath(new URL('../../apps/demo/model/model.json', import.meta.url));
export const FV_CHANNELS = [0, 1, 2, 3];

export type FvOptions = AdapterBenchOptions;

export interface FvResult {
  readonly adapter: string;
  readonly status: 'ok' | 'error';
  readonly error?: string;
  readonly steps: number;
  readonly images: number;
  readonly createS?: number;
  readonly runS?: number;
  readonly stepsPerSec?: number;
  readonly modelCalls?: number;
  /** max |image − reference image| (0 for the reference itself). */
  readonly maxDiffToReference?: number;
}

export interface FvReport {
  readonly date: string;
  readonly quick: boolean;
  readonly environment: BenchEnvironment;
  readonly results: readonly FvResult[];
}

export const parseFvArgs: (argv: readonly string[]) => FvOptions = parseAdapterBenchArgs;

export async function demoGraph(): Promise<Graph> {
  return importLayersModel(await loadLayersArtifacts(DEMO_MODEL));
}

export async function featureVisualizationBench(options: FvOptions, log: (line: string) => void = console.log): Promise<{ report: FvReport; markdown: string; files: string[] }> {
  const graph = await demoGraph();
  const steps = options.quick ? 8 : 256;
  const results: FvResult[] = [];
  let reference: Tensor | undefined;
  const order = ['reference', ...options.adapters.filter((a) => a !== 'reference')];
  for (const id of order) {
    const base = { adapter: id, steps, images: FV_CHANNELS.length };
    try {
      const t0 = performance.now();
      const model = await adapterById(id).create(graph, {});
      const t1 = performance.now();
      try {
        const r = await new FeatureVisualization(model).visualize({
          objective: objectives.sum(...FV_CHANNELS.map((c, i) => objectives.batch(i, objectives.channel('conv2', c)))),
          steps,
          seed: 0,
          transforms: standardTransforms(20),
        });
        const t2 = performance.now();
        if (id === 'reference') reference = r.images;
        let diff = 0;
        if (reference) for (let i = 0; i < reference.data.length; i++) diff = Math.max(diff, Math.abs(reference.data[i]! - r.images.data[i]!));
        const row: FvResult = { ...base, status: 'ok', createS: (t1 - t0) / 1000, runS: (t2 - t1) / 1000, stepsPerSec: steps / ((t2 - t1) / 1000), modelCalls: r.modelCalls, ...(reference ? { maxDiffToReference: diff } : {}) };
        results.push(row);
        log(`${id}: ${steps} steps in ${row.runS!.toFixed(2)} s (${row.stepsPerSec!.toFixed(1)} steps/s), max diff to reference ${diff.toExponential(2)}`);
      } finally {
        await model.dispose();
      }
    } catch (e) {
      results.push({ ...base, status: 'error', error: e instanceof Error ? e.message : String(e) });
      log(`${id}: error ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const report: FvReport = {
    date: new Date().toISOString(),
    quick: options.quick,
    environment: benchEnvironment(),
    results,
  };
  const markdown = toFvMarkdown(report);
  return { report, markdown, files: await writeBenchFiles(options.out, 'feature-visualization', report, markdown) };
}

export function toFvMarkdown(report: FvReport): string {
  const lines = [
    `# Feature visualization on the demo CNN (${report.date.slice(0, 10)}${report.quick ? ', quick' : ''})`,
    '',
    `${report.results[0]?.steps ?? 0} Adam steps, conv2 channels ${FV_CHANNELS.join(', ')} as a batch of ${FV_CHANNELS.length} images, fft parametrization, standard transforms, seed 0. Node ${report.environment.node}, ${report.environment.platform}, ${report.environment.cpus} CPUs.`,
    '',
    '| adapter | status | build s | run s | steps/s | model calls | max diff to reference |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...report.results.map((r) =>
      r.status === 'ok'
        ? `| ${r.adapter} | ok | ${r.createS!.toFixed(2)} | ${r.runS!.toFixed(2)} | ${r.stepsPerSec!.toFixed(1)} | ${r.modelCalls} | ${r.maxDiffToReference!.toExponential(1)} |`
        : `| ${r.adapter} | error: ${(r.error ?? '').replace(/\|/g, '/')} | | | | | |`,
    ),
    '',
  ];
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  featureVisualizationBench(parseFvArgs(process.argv.slice(2)))
    .then(({ report, files }) => {
      console.log(`wrote ${files.join(', ')}`);
      process.exitCode = report.results.some((r) => r.status === 'error') ? 1 : 0;
    })
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 2;
    });
}
