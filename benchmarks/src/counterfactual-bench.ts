/**
 * `pnpm bench:counterfactual [--quick] [--out <dir>] [--adapters a,b]`: counterfactual search per
 * example on every adapter (default: all in ADAPTERS). Model: a seeded tabular MLP (16 features
 * → 32 ReLU → 2 logits, Glasswing graph built here); reference data: 256 seeded rows (MAD scale);
 * examples: the first 8 rows the model predicts as class 0 (quick: 2), desired class 1, L1-MAD.
 * Methods: wachter (gradient; default settings), growing-spheres (forward only; 500 samples a
 * layer) and dice (forward only; 4 counterfactuals, 15 generations of 200). Reports the median
 * seconds per example, the mean model calls and how many examples found a counterfactual.
 * Writes <out>/<date>-counterfactual.json and .md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dice, GrowingSpheres, Wachter, createRng, graphFromJSON, argmaxRows, type Graph, type Model, type Tensor } from '@glasswing/core';
import { ADAPTERS, adapterById } from './adapters.js';

const D = 16;
const H = 32;
export const COUNTERFACTUAL_METHODS = ['wachter', 'growing-spheres', 'dice'] as const;

export function tabularMlp(seed = 11): Graph {
  const r = createRng(seed);
  const w1 = Array.from({ length: H * D }, () => r.normal() / Math.sqrt(D));
  const w2 = Array.from({ length: 2 * H }, () => r.normal() / Math.sqrt(H));
  return graphFromJSON({
    format: 'glasswing-graph', version: 1, name: 'tabular-mlp',
    inputs: [{ name: 'x', shape: [-1, D] }], outputs: ['y'],
    nodes: [
      { name: 'fc1', op: 'Gemm', inputs: ['x', 'w1', 'b1'], outputs: ['h'], attrs: { transB: 1 } },
      { name: 'relu', op: 'Relu', inputs: ['h'], outputs: ['r'], attrs: {} },
      { name: 'fc2', op: 'Gemm', inputs: ['r', 'w2', 'b2'], outputs: ['y'], attrs: { transB: 1 } },
    ],
    initializers: {
      w1: { shape: [H, D], data: w1 }, b1: { shape: [H], data: Array.from({ length: H }, () => 0.1 * r.normal()) },
      w2: { shape: [2, H], data: w2 }, b2: { shape: [2], data: [0, 0] },
    },
    metadata: {},
  });
}

export function tabularRows(n: number, seed = 12): Tensor {
  const r = createRng(seed);
  return { shape: [n, D], data: Float32Array.from({ length: n * D }, () => r.normal()) };
}

export interface CounterfactualBenchRow {
  readonly adapter: string;
  readonly method: string;
  readonly status: 'ok' | 'error';
  readonly error?: string;
  readonly examples: number;
  readonly medianS?: number;
  readonly modelCalls?: number;
  readonly found?: number;
}

function run(model: Model, method: string, x: Tensor, data: Tensor) {
  const o = { data, desired: 1, seed: 0 };
  if (method === 'wachter') return new Wachter(model).generate(x, o);
  if (method === 'growing-spheres') return new GrowingSpheres(model).generate(x, o);
  return new Dice(model).generate(x, { ...o, count: 4 });
}

export async function counterfactualBench(options: { quick?: boolean; adapters?: readonly string[]; methods?: readonly string[]; log?: (l: string) => void } = {}): Promise<CounterfactualBenchRow[]> {
  const log = options.log ?? (() => {});
  const graph = tabularMlp();
  const data = tabularRows(256);
  const rows: CounterfactualBenchRow[] = [];
  for (const id of options.adapters ?? ADAPTERS.map((a) => a.id)) {
    let model: Model | undefined;
    try {
      model = await adapterById(id).create(graph, {});
      const pred = argmaxRows(await model.forward(data));
      const idx = pred.map((p, i) => (p === 0 ? i : -1)).filter((i) => i >= 0).slice(0, options.quick ? 2 : 8);
      for (const method of options.methods ?? COUNTERFACTUAL_METHODS) {
        try {
          const times: number[] = [];
          let calls = 0;
          let found = 0;
          for (const i of idx) {
            const x: Tensor = { shape: [1, D], data: data.data.slice(i * D, (i + 1) * D) };
            const t0 = performance.now();
            const res = await run(model, method, x, data);
            times.push((performance.now() - t0) / 1000);
            calls += res.modelCalls;
            if (res.status === 'found') found++;
          }
          times.sort((a, b) => a - b);
          const row: CounterfactualBenchRow = { adapter: id, method, status: 'ok', examples: idx.length, medianS: times[Math.floor(times.length / 2)]!, modelCalls: Math.round(calls / idx.length), found };
          log(`counterfactual/${method}/${id}: ${row.medianS!.toFixed(3)} s per example (${row.modelCalls} model calls, ${found}/${idx.length} found)`);
          rows.push(row);
        } catch (e) {
          rows.push({ adapter: id, method, status: 'error', error: e instanceof Error ? e.message : String(e), examples: 0 });
          log(`counterfactual/${method}/${id}: error ${String(e)}`);
        }
      }
    } catch (e) {
      for (const method of options.methods ?? COUNTERFACTUAL_METHODS) rows.push({ adapter: id, method, status: 'error', error: e instanceof Error ? e.message : String(e), examples: 0 });
      log(`counterfactual/${id}: error ${String(e)}`);
    } finally {
      await model?.dispose();
    }
  }
  return rows;
}

export function counterfactualMarkdown(rows: readonly CounterfactualBenchRow[], quick: boolean): string {
  const lines = [
    `# Counterfactual search per example, tabular MLP 16→32→2${quick ? ' (quick: 2 examples)' : ''}`,
    '',
    'Desired class 1, L1-MAD over 256 reference rows, seed 0; wachter (gradient), growing-spheres and dice (k = 4) forward only.',
    '',
    '| adapter | method | median s / example | model calls / example | found |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows.map((r) =>
      r.status === 'ok'
        ? `| ${r.adapter} | ${r.method} | ${r.medianS!.toFixed(3)} | ${r.modelCalls} | ${r.found}/${r.examples} |`
        : `| ${r.adapter} | ${r.method} | error: ${r.error} | | |`,
    ),
  ];
  return lines.join('\n') + '\n';
}

async function main(argv: readonly string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1]! : fileURLToPath(new URL('../results', import.meta.url));
  const adAt = argv.indexOf('--adapters');
  const adapters = adAt >= 0 ? argv[adAt + 1]!.split(',') : undefined;
  const rows = await counterfactualBench({ quick, ...(adapters ? { adapters } : {}), log: (l) => console.log(l) });
  await mkdir(out, { recursive: true });
  const day = new Date().toISOString().slice(0, 10);
  await writeFile(path.join(out, `${day}-counterfactual.json`), JSON.stringify({ quick, rows }, null, 2) + '\n');
  await writeFile(path.join(out, `${day}-counterfactual.md`), counterfactualMarkdown(rows, quick));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main(process.argv.slice(2));
