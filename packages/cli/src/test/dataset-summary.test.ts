/**
 * Aggregations over results against hand-computed values, and explain-dataset / dataset-summary
 * end to end: tabular (Captum's IG figures, summary files) and an image folder of the demo CNN
 * (per-class average maps).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { summarizeResults } from '../dataset/aggregate.js';
import { chunkRowsWithin } from '../commands/explain-dataset.js';
import { tempDir, writeCsv } from './dataset-fixtures.js';
import { CAPTUM, GRAPH, record, run } from './helpers.js';

const DEMO = fileURLToPath(new URL('../../../../apps/demo/', import.meta.url));

describe('dataset aggregations', () => {
  it('mean |φ| overall and per class, δ statistics, top-k records as sparse rows', async () => {
    const dir = tempDir();
    const path = join(dir, 'r.jsonl');
    const recs = [
      { id: 0, row: 0, target: 0, prediction: [1, 0], attributions: [1, -2, 0], shape: [3], delta: 0.1 },
      { id: 1, row: 1, target: 1, prediction: [0, 1], attributions: [-3, 2, 4], shape: [3], delta: -0.3 },
      { id: 2, row: 2, target: 0, prediction: [1, 0], topK: [{ index: 2, value: -5 }], shape: [3] },
    ];
    writeFileSync(path, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const s = await summarizeResults(path);
    expect(s.rows).toBe(3);
    expect(s.shape).toEqual([3]);
    // |φ|: row0 1,2,0; row1 3,2,4; row2 0,0,5 → means 4/3, 4/3, 3.
    expect(s.meanAbs[0]).toBeCloseTo(4 / 3, 12);
    expect(s.meanAbs[1]).toBeCloseTo(4 / 3, 12);
    expect(s.meanAbs[2]).toBeCloseTo(3, 12);
    expect(s.byClass['0']!.count).toBe(2);
    expect(s.byClass['0']!.meanAbs).toEqual([0.5, 1, 2.5]);
    expect(s.byClass['0']!.mean).toEqual([0.5, -1, -2.5]);
    expect(s.byClass['1']!.meanAbs).toEqual([3, 2, 4]);
    expect(s.delta!.count).toBe(2);
    expect(s.delta!.meanAbs).toBeCloseTo(0.2, 12);
    expect(s.delta!.maxAbs).toBeCloseTo(0.3, 12);
    expect(s.sample.map((x) => x.row)).toEqual([0, 1, 2]);
  });

  it('samples at most sampleSize records, each row once', async () => {
    const dir = tempDir();
    const path = join(dir, 'r.jsonl');
    writeFileSync(path, Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: i, row: i, target: 0, prediction: [0], attributions: [i], shape: [1] })).join('\n'));
    const s = await summarizeResults(path, { sampleSize: 10 });
    expect(s.sample).toHaveLength(10);
    expect(new Set(s.sample.map((x) => x.row)).size).toBe(10);
    for (const x of s.sample) expect(x.attributions).toEqual([x.row]);
  });
});

describe('explain-dataset end to end', () => {
  it('explains a CSV on 2 workers (IG matches Captum), writes the summary, and dataset-summary redoes it', async () => {
    const dir = tempDir();
    const data = writeCsv(dir, 'x.csv', CAPTUM.inputs, ['a', 'b', 'c', 'd', 'e', 'f']);
    const r = await run(['explain-dataset', '--model', GRAPH, '--adapter', 'reference', '--method', 'integrated-gradients', '--data', 'x.csv', '--target', '0', '--steps', '50', '--chunk-rows', '1', '--workers', '2', '--progress'], dir);
    expect(r.stderr).toMatch(/explain-dataset: integrated-gradients, 4 rows, 4 chunks of 1, 2 workers/);
    expect(r.code).toBe(0);
    const recs = readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { row: number; attributions: number[]; delta: number });
    for (const [row, id] of [[0, '0013'], [3, '0016']] as const) {
      recs[row]!.attributions.forEach((v, j) => expect(v).toBeCloseTo(record(id).attribution[j]!, 4));
      expect(Math.abs(recs[row]!.delta)).toBeLessThan(1e-3);
    }
    const summary = JSON.parse(readFileSync(join(dir, 'results-summary', 'summary.json'), 'utf8')) as { rows: number; importance: { name: string; meanAbs: number }[] };
    expect(summary.rows).toBe(4);
    const meanAbs = (j: number) => recs.reduce((s, rec) => s + Math.abs(rec.attributions[j]!), 0) / 4;
    expect(summary.importance[0]!.meanAbs).toBeCloseTo(Math.max(...[0, 1, 2, 3, 4, 5].map(meanAbs)), 9);
    expect(summary.importance.map((x) => x.name).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(readFileSync(join(dir, 'results-summary', 'beeswarm.svg'), 'utf8')).toMatch(/^<svg/);
    const again = await run(['dataset-summary', '--results', 'results.jsonl', '--out', 'again'], dir);
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'again', 'summary.json'), 'utf8')).toBe(readFileSync(join(dir, 'results-summary', 'summary.json'), 'utf8'));
    writeFileSync(join(dir, 'x.json'), JSON.stringify(CAPTUM.inputs));
    const rep = await run(['report', '--model', GRAPH, '--adapter', 'reference', '--input', 'x.json', '--methods', 'saliency', '--dataset-results', 'results.jsonl', '--out', 'r.html'], dir);
    expect(rep.code).toBe(0);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toMatch(/<section id="dataset"/);
    expect(html).toMatch(/4 records \(integrated-gradients on x\.csv\)/);
    expect(html).toMatch(/Global importance/);
  }, 60_000);

  it('explains an image folder with the demo CNN and draws per-class average maps', async () => {
    const dir = tempDir();
    const gen = (await import(join(DEMO, 'scripts', 'dataset.mjs'))) as {
      generateDataset(o: { count: number; seed: number }): { images: Float32Array; labels: Int32Array };
    };
    const { images, labels } = gen.generateDataset({ count: 6, seed: 5 });
    mkdirSync(join(dir, 'img'));
    for (let i = 0; i < 6; i++) {
      const px = Uint8Array.from(images.subarray(i * 400, (i + 1) * 400), (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
      writeFileSync(join(dir, 'img', `${i}-class${labels[i]}.png`), encodePng({ width: 20, height: 20, data: px, channels: 1, depth: 8 }));
    }
    const r = await run(['explain-dataset', '--model', join(DEMO, 'model', 'model.json'), '--adapter', 'reference', '--method', 'integrated-gradients', '--data', 'img', '--steps', '16', '--top-k', '5', '--workers', '1', '--out', 'img.jsonl'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const recs = readFileSync(join(dir, 'img.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; shape: number[]; topK: unknown[] });
    expect(recs.map((x) => x.id)).toEqual(Array.from({ length: 6 }, (_, i) => `${i}-class${labels[i]}.png`));
    expect(recs[0]!.shape).toEqual([20, 20, 1]);
    expect(recs[0]!.topK).toHaveLength(5);
    for (const f of ['class-average.png', 'class-average.svg', 'summary.json']) expect(existsSync(join(dir, 'img-summary', f))).toBe(true);
  }, 60_000);

  it('--max-memory-mb shrinks chunks to 2 × workers × rows × values × 64 bytes', () => {
    expect(chunkRowsWithin(96, 2, 8, 500)).toBe(500);
    // 64 MiB over 4 workers of 224×224×3 rows: 67,108,864 / (2·4·150,528·64) < 1 → one row a chunk.
    expect(chunkRowsWithin(64, 4, 150_528, 256)).toBe(1);
    expect(chunkRowsWithin(1024, 2, 1000, 1_000_000)).toBe(Math.floor(2 ** 30 / (2 * 2 * 1000 * 64)));
  });

  it('reports usage errors', async () => {
    const dir = tempDir();
    expect((await run(['explain-dataset', '--model', GRAPH, '--method', 'saliency'], dir)).stderr).toMatch(/missing required option --data/);
    const bad = await run(['explain-dataset', '--model', GRAPH, '--method', 'saliency', '--data', 'x.csv', '--format', 'parquet'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format must be one of csv, npy, npz, jsonl, images/);
    const help = await run(['explain-dataset', '--help']);
    expect(help.stdout).toMatch(/--chunk-rows <n>/);
  });
});
