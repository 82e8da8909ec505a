/**
 * Benchmark row of issue 13: a global surrogate tree (depth 4, minimum leaf 20, 25 % held out,
 * 5 permutation repeats, seed 0) fitted to the tabular demo model (apps/demo/credit) on 10 000
 * rows — bootstrapped from its data.csv with createRng(7) — on every adapter: the time of the
 * whole fit (model predictions + CART + permutation importance) and of the tree alone, the
 * fidelity, and whether the rules equal the reference executor's.
 *
 * `pnpm bench:surrogate [--quick] [--out <dir>] [--adapters a,b]`: writes
 * <out>/<day>-surrogate.json and .md (default benchmarks/results); --quick uses 1 000 rows.
 */
import { benchEnvironment, parseAdapterBenchArgs, writeBenchFiles, type AdapterBenchOptions, type BenchEnvironment } from './bench-cli.js';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GlobalSurrogate, createRng, fitDecisionTree, type Tensor } from '@glasswing/core';
import { importLayersModel, loadLayersArtifacts } from '@glasswing/tfjs';
import { ADAPTERS, adapterById } from './adapters.js';

export const CREDIT_DIR = fileURLToPath(new URL('../../apps/demo/credit/', import.meta.url));

export type SurrogateBenchOptions = AdapterBenchOptions;

export interface SurrogateBenchResult {
  readonly adapter: string;
  readonly status: 'ok' | 'error';
  readonly error?: string;
  readonly rows: number;
  readonly fitS?: number;
  readonly treeS?: number;
  readonly fidelity?: number;
  readonly leaves?: number;
  readonly modelCalls?: number;
  readonly rulesMatchReference?: boolean;
}

export interface SurrogateBenchReport {
  readonly date: string;
  readonly quick: boolean;
  readonly environment: BenchEnvironment;
  readonly results: readonly SurrogateBenchResult[];
}

export const parseSurrogateBenchArgs: (argv: readonly string[]) => SurrogateBenchOptions = parseAdapterBenchArgs;

/** `rows` rows drawn with replacement from the credit model's data.csv (seed 7). */
export function creditRows(rows: number): { data: Tensor; names: string[] } {
  const lines = readFileSync(path.join(CREDIT_DIR, 'data.csv'), 'utf8').trim().split('\n');
  const names = lines[0]!.split(',');
  const table = lines.slice(1).map((l) => l.split(',').map(Number));
  const F = names.length;
  const rng = createRng(7);
  const data = new Float32Array(rows * F);
  for (let i = 0; i < rows; i++) data.set(table[rng.int(table.length)]!, i * F);
  return { data: { shape: [rows, F], data }, names };
}

export async function surrogateBench(options: SurrogateBenchOptions, log: (line: string) => void = console.log): Promise<{ report: SurrogateBenchReport; markdown: string; files: string[] }> {
  const graph = importLayersModel(await loadLayersArtifacts(path.join(CREDIT_DIR, 'model.json')));
  const rows = options.quick ? 1000 : 10_000;
  const { data, names } = creditRows(rows);
  const results: SurrogateBenchResult[] = [];
  let referenceRules: string | undefined;
  for (const id of ['reference', ...options.adapters.filter((a) => a !== 'reference')]) {
    try {
      const model = await adapterById(id).create(graph, {});
      try {
        const t0 = performance.now();
        const res = await new GlobalSurrogate(model).fit({ data, featureNames: names, classNames: ['deny', 'approve'], maxDepth: 4, minSamplesLeaf: 20, holdout: 0.25, permutationRepeats: 5, seed: 0 });
        const t1 = performance.now();
        // The tree alone, on the same fit rows (no model calls).
        const fitRows = res.trainRows;
        const hold = new Set(res.holdoutIndices);
        const x = new Float64Array(fitRows * names.length);
        const y = new Float64Array(fitRows);
        let k = 0;
        for (let i = 0; i < rows; i++) {
          if (hold.has(i)) continue;
          for (let j = 0; j < names.length; j++) x[k * names.length + j] = data.data[i * names.length + j]!;
          y[k++] = res.targets[i]!;
        }
        const t2 = performance.now();
        fitDecisionTree(x, y, names.length, { task: 'classification', maxDepth: 4, minSamplesLeaf: 20, classes: 2 });
        const t3 = performance.now();
        const rules = JSON.stringify(res.rules);
        if (id === 'reference') referenceRules = rules;
        const row: SurrogateBenchResult = {
          adapter: id,
          status: 'ok',
          rows,
          fitS: (t1 - t0) / 1000,
          treeS: (t3 - t2) / 1000,
          fidelity: res.holdoutFidelity!,
          leaves: res.tree.leaves,
          modelCalls: res.modelCalls,
          rulesMatchReference: rules === referenceRules,
        };
        results.push(row);
        log(`${id}: surrogate on ${rows} rows in ${row.fitS!.toFixed(2)} s (tree ${row.treeS!.toFixed(2)} s), fidelity ${row.fidelity!.toFixed(3)}, rules ${row.rulesMatchReference ? '=' : '≠'} reference`);
      } finally {
        await model.dispose();
      }
    } catch (e) {
      results.push({ adapter: id, status: 'error', rows, error: e instanceof Error ? e.message : String(e) });
      log(`${id}: error ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const report: SurrogateBenchReport = {
    date: new Date().toISOString(),
    quick: options.quick,
    environment: benchEnvironment(),
    results,
  };
  const markdown = toSurrogateMarkdown(report);
  return { report, markdown, files: await writeBenchFiles(options.out, 'surrogate', report, markdown) };
}

export function toSurrogateMarkdown(report: SurrogateBenchReport): string {
  return [
    `# Surrogate tree on the credit demo model (${report.date.slice(0, 10)}${report.quick ? ', quick' : ''})`,
    '',
    `${report.results[0]?.rows ?? 0} rows, depth 4, minimum leaf 20, 25 % held out, 5 permutation repeats, seed 0. Node ${report.environment.node}, ${report.environment.platform}, ${report.environment.cpus} CPUs.`,
    '',
    '| adapter | status | fit s (total) | tree s | held-out fidelity | leaves | model calls | rules = reference |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...report.results.map((r) =>
      r.status === 'ok'
        ? `| ${r.adapter} | ok | ${r.fitS!.toFixed(2)} | ${r.treeS!.toFixed(2)} | ${r.fidelity!.toFixed(3)} | ${r.leaves} | ${r.modelCalls} | ${r.rulesMatchReference ? 'yes' : 'no'} |`
        : `| ${r.adapter} | error: ${(r.error ?? '').replace(/\|/g, '/')} | | | | | | |`,
    ),
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  surrogateBench(parseSurrogateBenchArgs(process.argv.slice(2)))
    .then(({ report, files }) => {
      console.log(`wrote ${files.join(', ')}`);
      process.exitCode = report.results.some((r) => r.status === 'error') ? 1 : 0;
    })
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 2;
    });
}
