/**
 * `pnpm bench:tcav [--quick] [--out <dir>] [--adapters a,b]`: TCAV with 10 random runs on the
 * bundled demo CNN (apps/demo/model/model.json, 20×20×1 images): 2 concepts × 2 layers
 * (relu2, relu3), 32 inputs, 30 examples per concept and random set, target class 0, seed 0,
 * on every adapter (default: all in ADAPTERS). Concept and random images are seeded synthetic
 * strokes / noise (the timing does not depend on what they show). Reports the median seconds
 * of the whole TCAV run (activations + gradients + 30 CAV fits + t-tests) and its model calls.
 * Writes <out>/<date>-tcav.json and .md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tcav, createRng, type Graph, type Tensor } from '@glasswing/core';
import { importLayersModel, loadLayersArtifacts } from '@glasswing/tfjs';
import { ADAPTERS, adapterById } from './adapters.js';

export const DEMO_MODEL = fileURLToPath(new URL('../../apps/demo/model/model.json', import.meta.url));
const S = 20;

/** n seeded 20×20×1 images: noise plus one bar per image (horizontal or vertical) or none. */
export function strokeImages(n: number, seed: number, kind: 'h' | 'v' | 'noise'): Tensor {
  const rng = createRng(seed);
  const data = new Float32Array(n * S * S);
  for (let i = 0; i < n; i++) {
    const img = data.subarray(i * S * S, (i + 1) * S * S);
    for (let p = 0; p < S * S; p++) img[p] = 0.15 * rng.uniform();
    if (kind === 'noise') continue;
    const r = rng.int(S - 4), c = rng.int(S - 4);
    for (let k = 0; k < 4; k++) img[kind === 'h' ? r * S + c + k : (r + k) * S + c] = 0.85;
  }
  return { shape: [n, S, S, 1], data };
}

export interface TcavBenchRow {
  readonly adapter: string;
  readonly status: 'ok' | 'error';
  readonly error?: string;
  readonly reps: number;
  readonly medianS?: number;
  readonly modelCalls?: number;
  readonly significant?: number;
}

export async function tcavBench(options: { quick?: boolean; adapters?: readonly string[]; log?: (l: string) => void } = {}): Promise<TcavBenchRow[]> {
  const log = options.log ?? (() => {});
  const graph: Graph = importLayersModel(await loadLayersArtifacts(DEMO_MODEL));
  const x = strokeImages(32, 1, 'h');
  const concepts = [
    { name: 'horizontal', examples: strokeImages(30, 2, 'h') },
    { name: 'vertical', examples: strokeImages(30, 3, 'v') },
  ];
  const random = strokeImages(300, 4, 'noise');
  const rows: TcavBenchRow[] = [];
  for (const id of options.adapters ?? ADAPTERS.map((a) => a.id)) {
    let model;
    try {
      model = await adapterById(id).create(graph, {});
      const times: number[] = [];
      let last;
      const reps = options.quick ? 1 : 5;
      for (let i = 0; i < reps + (options.quick ? 0 : 1); i++) {
        const t0 = performance.now();
        last = await new Tcav(model).interpret(x, { layers: ['relu2', 'relu3'], concepts, random, randomRuns: 10, target: 0, seed: 0 });
        if (options.quick || i > 0) times.push((performance.now() - t0) / 1000);
      }
      times.sort((a, b) => a - b);
      const row: TcavBenchRow = { adapter: id, status: 'ok', reps: times.length, medianS: times[Math.floor(times.length / 2)]!, modelCalls: last!.modelCalls, significant: last!.results.filter((r) => r.significant).length };
      log(`tcav/demo_cnn/${id}: ${row.medianS!.toFixed(3)} s (${row.modelCalls} model calls)`);
      rows.push(row);
    } catch (e) {
      rows.push({ adapter: id, status: 'error', error: e instanceof Error ? e.message : String(e), reps: 0 });
      log(`tcav/demo_cnn/${id}: error ${String(e)}`);
    } finally {
      await model?.dispose();
    }
  }
  return rows;
}

export function tcavMarkdown(rows: readonly TcavBenchRow[], quick: boolean): string {
  const lines = [
    `# TCAV, 10 random runs, demo CNN${quick ? ' (quick: 1 repetition)' : ''}`,
    '',
    '2 concepts × 2 layers (relu2, relu3), 32 inputs, 30 examples per set, seed 0.',
    '',
    '| adapter | median s | reps | model calls | significant cells |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => (r.status === 'ok' ? `| ${r.adapter} | ${r.medianS!.toFixed(3)} | ${r.reps} | ${r.modelCalls} | ${r.significant} |` : `| ${r.adapter} | error: ${r.error} | 0 | | |`)),
  ];
  return lines.join('\n') + '\n';
}

async function main(argv: readonly string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1]! : fileURLToPath(new URL('../results', import.meta.url));
  const adAt = argv.indexOf('--adapters');
  const adapters = adAt >= 0 ? argv[adAt + 1]!.split(',') : undefined;
  const rows = await tcavBench({ quick, ...(adapters ? { adapters } : {}), log: (l) => console.log(l) });
  await mkdir(out, { recursive: true });
  const day = new Date().toISOString().slice(0, 10);
  await writeFile(path.join(out, `${day}-tcav.json`), JSON.stringify({ quick, rows }, null, 2) + '\n');
  await writeFile(path.join(out, `${day}-tcav.md`), tcavMarkdown(rows, quick));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main(process.argv.slice(2));
