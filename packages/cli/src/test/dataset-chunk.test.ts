/**
 * The chunk contract (dataset/chunk.ts): planning, running a chunk against Captum's reference
 * figures, row-seeded stochastic methods independent of the chunking.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkRanges, openSession, planChunks, rowSeed, runChunk } from '../dataset/chunk.js';
import type { DatasetJob } from '../dataset/chunk.js';
import { CAPTUM, GRAPH, record } from './helpers.js';

function csvOfCaptumInputs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gw-chunk-'));
  const path = join(dir, 'x.csv');
  writeFileSync(path, ['a,b,c,d,e,f', ...CAPTUM.inputs.map((r) => r.join(','))].join('\n') + '\n');
  return path;
}

describe('chunk contract', () => {
  it('splits rows into consecutive chunks', () => {
    expect(chunkRanges(5, 2)).toEqual([
      { id: 0, start: 0, end: 2 },
      { id: 1, start: 2, end: 4 },
      { id: 2, start: 4, end: 5 },
    ]);
    expect(chunkRanges(0, 3)).toEqual([]);
  });

  it('plans by counting the rows (header excluded)', async () => {
    const data = csvOfCaptumInputs();
    const plan = await planChunks({ model: GRAPH, method: 'saliency', data, chunkRows: 3 });
    expect(plan.rows).toBe(4);
    expect(plan.chunks.map((c) => [c.start, c.end])).toEqual([[0, 3], [3, 4]]);
  });

  it('integrated gradients per chunk match Captum (rows 0 and 3, target 0, zeros baseline)', async () => {
    const data = csvOfCaptumInputs();
    const job: DatasetJob = { model: GRAPH, adapter: 'reference', method: 'integrated-gradients', data, chunkRows: 2, target: 0, options: { steps: 50 } };
    const session = await openSession(job);
    try {
      const first = await runChunk(job, { id: 0, start: 0, end: 2 }, { session });
      const second = await runChunk(job, { id: 1, start: 2, end: 4 }, { session });
      const recs = [...first, ...second];
      expect(recs.map((r) => r.row)).toEqual([0, 1, 2, 3]);
      for (const [row, id] of [[0, '0013'], [3, '0016']] as const) {
        const ref = record(id);
        const got = recs[row]!;
        expect(got.target).toBe(0);
        expect(got.shape).toEqual([6]);
        got.attributions!.forEach((v, j) => expect(v).toBeCloseTo(ref.attribution[j]!, 4));
        expect(Math.abs(got.delta!)).toBeLessThan(1e-3);
        got.prediction.forEach((v, j) => expect(v).toBeCloseTo(CAPTUM.outputs_float32[row]![j]!, 5));
      }
    } finally {
      await session.dispose();
    }
  });

  it('top-k keeps the K largest |attributions|', async () => {
    const data = csvOfCaptumInputs();
    const job: DatasetJob = { model: GRAPH, adapter: 'reference', method: 'integrated-gradients', data, chunkRows: 4, target: 0, topK: 2, options: { steps: 50 } };
    const [r0] = await runChunk(job, { id: 0, start: 0, end: 4 });
    const ref = record('0013').attribution;
    const order = ref.map((_, j) => j).sort((a, b) => Math.abs(ref[b]!) - Math.abs(ref[a]!));
    expect(r0!.attributions).toBeUndefined();
    expect(r0!.topK!.map((t) => t.index)).toEqual(order.slice(0, 2));
  });

  it('seeded methods give the same records however the rows are chunked', async () => {
    const data = csvOfCaptumInputs();
    const job = (chunkRows: number): DatasetJob => ({ model: GRAPH, adapter: 'reference', method: 'kernel-shap', data, chunkRows, seed: 7, options: { samples: 20 } });
    const whole = await runChunk(job(4), { id: 0, start: 0, end: 4 });
    const parts = [...(await runChunk(job(1), { id: 1, start: 1, end: 2 })), ...(await runChunk(job(1), { id: 3, start: 3, end: 4 }))];
    expect(parts).toEqual([whole[1], whole[3]]);
    expect(rowSeed(7, 1)).not.toBe(rowSeed(7, 2));
    expect(rowSeed(7, 1)).toBe(rowSeed(7, 1));
  });

  it('runs the same chunk on every adapter (IG agrees with Captum)', async () => {
    const data = csvOfCaptumInputs();
    for (const adapter of ['reference', 'tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu']) {
      const job: DatasetJob = { model: GRAPH, adapter, method: 'integrated-gradients', data, chunkRows: 4, target: 0, options: { steps: 50 } };
      const recs = await runChunk(job, { id: 0, start: 0, end: 4 });
      for (const [row, id] of [[0, '0013'], [3, '0016']] as const) {
        recs[row]!.attributions!.forEach((v, j) => expect(v, `${adapter} row ${row} feature ${j}`).toBeCloseTo(record(id).attribution[j]!, 4));
      }
    }
  });
});
