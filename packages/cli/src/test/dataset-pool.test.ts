/**
 * The local pool: 1 worker and 2 workers write byte-identical results (seeded KernelSHAP), and a
 * killed run (some chunks written, a half-written temp file) resumes into the same output as a
 * clean run, without recomputing finished chunks and without duplicates. Uses the built worker
 * (dist/dataset/worker.js), as `pnpm test` builds first.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { planChunks } from '../dataset/chunk.js';
import type { DatasetJob } from '../dataset/chunk.js';
import { runLocal, threadsPerWorker, workerExecArgv } from '../dataset/local-pool.js';
import { finalize, initOutput, partsDir } from '../dataset/output.js';
import { tempDir, writeCsv } from './dataset-fixtures.js';
import { GRAPH, run } from './helpers.js';
import { runCli } from '../cli.js';
import { StopRequest } from '../interrupt.js';
import { f32Bytes, npyBytes } from './dataset-fixtures.js';

function randomCsv(dir: string, n: number): string {
  const rng = createRng(11);
  const rows = Array.from({ length: n }, () => Array.from({ length: 6 }, () => Number((rng.uniform() * 2 - 1).toFixed(4))));
  return writeCsv(dir, 'x.csv', rows);
}

async function runJob(job: DatasetJob, out: string, workers: number): Promise<string> {
  const plan = await planChunks(job);
  initOutput(out, job, { rows: plan.rows, chunks: plan.chunks.length });
  await runLocal(job, plan.chunks, { out, workers });
  await finalize(out);
  return readFileSync(out, 'utf8');
}

describe('local worker pool', () => {
  it('gives identical results with 1 and 2 workers (seeded kernel-shap)', async () => {
    const dir = tempDir();
    const job: DatasetJob = { model: GRAPH, adapter: 'reference', method: 'kernel-shap', data: randomCsv(dir, 30), chunkRows: 4, seed: 3, options: { samples: 24 } };
    const one = await runJob(job, join(dir, 'one.jsonl'), 1);
    const two = await runJob(job, join(dir, 'two.jsonl'), 2);
    expect(two).toBe(one);
    const rows = one.trim().split('\n').map((l) => (JSON.parse(l) as { row: number }).row);
    expect(rows).toEqual(Array.from({ length: 30 }, (_, i) => i));
  }, 60_000);

  it('resumes a killed run: same output as a clean run, finished chunks untouched, nothing twice', async () => {
    const dir = tempDir();
    const data = randomCsv(dir, 25);
    const args = (out: string) => ['explain-dataset', '--model', GRAPH, '--adapter', 'reference', '--method', 'integrated-gradients', '--data', data, '--steps', '8', '--chunk-rows', '4', '--workers', '2', '--out', out, '--no-summary'];
    const clean = join(dir, 'clean.jsonl');
    expect((await run(args(clean))).code).toBe(0);
    // The "killed" run: chunks 0, 1 and 5 finished; chunk 2 was being renamed into place.
    const out = join(dir, 'resumed.jsonl');
    const job: DatasetJob = { model: GRAPH, adapter: 'reference', method: 'integrated-gradients', data, chunkRows: 4, options: { steps: 8 } };
    const plan = await planChunks(job);
    initOutput(out, job, { rows: plan.rows, chunks: plan.chunks.length });
    await runLocal(job, [plan.chunks[0]!, plan.chunks[1]!, plan.chunks[5]!], { out, workers: 1 });
    writeFileSync(join(partsDir(out), '.2.jsonl.999.dead.tmp'), '{"id":8,"row":8,"tar');
    const before = statSync(join(partsDir(out), '0.jsonl')).mtimeMs;
    const r = await run(args(out));
    expect(r.code).toBe(0);
    expect(statSync(join(partsDir(out), '0.jsonl')).mtimeMs).toBe(before);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(clean, 'utf8'));
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { row: number }).row);
    expect(new Set(rows).size).toBe(25);
    // A second rerun has nothing left to do and rewrites the same file.
    expect((await run(args(out))).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(clean, 'utf8'));
  }, 60_000);

  it('refuses to resume into an output of another job', async () => {
    const dir = tempDir();
    const data = randomCsv(dir, 5);
    const out = join(dir, 'r.jsonl');
    const base = ['explain-dataset', '--model', GRAPH, '--adapter', 'reference', '--data', data, '--workers', '1', '--out', out, '--no-summary'];
    expect((await run([...base, '--method', 'saliency'])).code).toBe(0);
    const r = await run([...base, '--method', 'input-x-gradient']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/belongs to another job/);
  }, 60_000);

  it('gives workers the parent flags minus the source condition, and a share of the cores', () => {
    expect(workerExecArgv(['--conditions', '@glasswing/source', '--conditions', 'node', '--conditions=@glasswing/source', '--import', 'tsx'])).toEqual([
      '--conditions',
      'node',
      '--import',
      'tsx',
    ]);
    expect([threadsPerWorker(1, 16), threadsPerWorker(3, 16), threadsPerWorker(16, 16), threadsPerWorker(32, 16)]).toEqual([16, 5, 1, 1]);
  });

  it('Ctrl-C keeps the finished chunks (exit 130) and the same command resumes', async () => {
    const dir = tempDir();
    const data = randomCsv(dir, 400);
    const out = join(dir, 'r.jsonl');
    const argv = ['explain-dataset', '--model', GRAPH, '--adapter', 'reference', '--method', 'kernel-shap', '--samples', '24', '--data', data, '--chunk-rows', '4', '--workers', '2', '--out', out, '--no-summary'];
    const stop = new AbortController();
    const poll = setInterval(() => {
      if (existsSync(join(partsDir(out), '0.jsonl'))) stop.abort(new StopRequest('SIGINT'));
    }, 5);
    let stderr = '';
    const code = await runCli(argv, { stdout: () => undefined, stderr: (s) => void (stderr += s), interruption: { signal: stop.signal, during: (work) => work() } });
    clearInterval(poll);
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted \(SIGINT\): stopped after \d+ of 400 rows; finished chunks are kept in .*r\.jsonl\.parts, rerun the same command to resume/);
    expect(existsSync(out)).toBe(false);
    const kept = readdirSync(partsDir(out)).filter((f) => /^\d+\.jsonl$/.test(f)).length;
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(100);
    expect((await run(argv)).code).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { row: number }).row);
    expect(rows).toEqual(Array.from({ length: 400 }, (_, i) => i));
  }, 60_000);

  it('an empty dataset gives an empty output and no summary', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'e.npy'), npyBytes('<f4', [0, 6], f32Bytes([])));
    const r = await run(['explain-dataset', '--model', GRAPH, '--method', 'saliency', '--data', 'e.npy', '--workers', '2'], dir);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'results.jsonl'), 'utf8')).toBe('');
    expect(existsSync(join(dir, 'results-summary'))).toBe(false);
  });
});
