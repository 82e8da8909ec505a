/** The chunk-keyed output writer: atomic chunk files, resume, refusal of another job, merge in row order. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetJob, DatasetRecord } from '../dataset/chunk.js';
import { doneChunks, finalize, initOutput, isChunkDone, partsDir, writeChunk } from '../dataset/output.js';

const job: DatasetJob = { model: '/m.json', method: 'saliency', data: '/d.csv', chunkRows: 2 };
const rec = (row: number): DatasetRecord => ({ id: row, row, target: 0, prediction: [row] });

describe('dataset output', () => {
  it('writes chunks atomically, resumes, and merges in row order', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gw-out-')), 'r.jsonl');
    expect(initOutput(out, job, { rows: 5, chunks: 3 })).toEqual([]);
    writeChunk(out, 2, [rec(4)]);
    writeChunk(out, 0, [rec(0), rec(1)]);
    expect(isChunkDone(out, 0)).toBe(true);
    expect(isChunkDone(out, 1)).toBe(false);
    await expect(finalize(out)).rejects.toThrow(/chunk 1 not done/);
    // A killed writer leaves a temp file behind: it is neither a done chunk nor merged.
    writeFileSync(join(partsDir(out), '.1.jsonl.123.abcd.tmp'), '{"partial":');
    expect(initOutput(out, job, { rows: 5, chunks: 3 })).toEqual([0, 2]);
    writeChunk(out, 1, [rec(2), rec(3)]);
    writeChunk(out, 1, [rec(2), rec(3)]); // a chunk written twice (a retried worker) replaces itself
    expect(doneChunks(out)).toEqual([0, 1, 2]);
    expect(await finalize(out)).toEqual({ rows: 5, chunks: 3 });
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DatasetRecord);
    expect(lines.map((r) => r.row)).toEqual([0, 1, 2, 3, 4]);
    expect(readdirSync(partsDir(out)).filter((f) => f.endsWith('.jsonl'))).toHaveLength(3);
  });

  it('refuses to resume a different job into the same output', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gw-out-')), 'r.jsonl');
    initOutput(out, job, { rows: 5, chunks: 3 });
    expect(() => initOutput(out, { ...job, method: 'integrated-gradients' }, { rows: 5, chunks: 3 })).toThrow(/another job/);
    expect(() => initOutput(out, { ...job }, { rows: 6, chunks: 3 })).toThrow(/another job/);
    expect(initOutput(out, { ...job }, { rows: 5, chunks: 3 })).toEqual([]);
  });

  it('finalize can drop the parts folder', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gw-out-')), 'r.jsonl');
    initOutput(out, job, { rows: 1, chunks: 1 });
    writeChunk(out, 0, [rec(0)]);
    await finalize(out, { keepParts: false });
    expect(existsSync(partsDir(out))).toBe(false);
    expect(readFileSync(out, 'utf8')).toBe('{"id":0,"row":0,"target":0,"prediction":[0]}\n');
  });
});
