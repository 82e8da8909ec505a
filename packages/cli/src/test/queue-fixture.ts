/**
 * The dataset job the queue tests run: the credit demo model (apps/demo/credit) on the first rows
 * of its data, KernelSHAP with a seed (bit-reproducible, so every worker and the local run give the
 * same records), and the local reference: the same chunks run one after another in this process.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSession, planChunks, runChunk } from '../dataset/chunk.js';
import type { DatasetJob, DatasetRecord } from '../dataset/chunk.js';

export const CREDIT_DIR = fileURLToPath(new URL('../../../../apps/demo/credit/', import.meta.url));

/** A CSV of the first `rows` rows of the credit data (header kept). */
export function creditCsv(dir: string, rows: number): string {
  const lines = readFileSync(join(CREDIT_DIR, 'data.csv'), 'utf8').trim().split('\n');
  const path = join(dir, 'credit.csv');
  writeFileSync(path, `${lines.slice(0, rows + 1).join('\n')}\n`);
  return path;
}

export function creditJob(data: string, extra: Partial<DatasetJob> = {}): DatasetJob {
  return {
    model: join(CREDIT_DIR, 'model.json'),
    adapter: 'reference',
    method: 'kernel-shap',
    data,
    format: 'csv',
    chunkRows: 4,
    seed: 7,
    options: { samples: 200 },
    ...extra,
  };
}

/** Every chunk of `job` through runChunk here, in row order. */
export async function localRecords(job: DatasetJob): Promise<DatasetRecord[]> {
  const plan = await planChunks(job);
  const session = await openSession(job);
  try {
    const out: DatasetRecord[] = [];
    for (const c of plan.chunks) out.push(...(await runChunk(job, c, { session })));
    return out;
  } finally {
    await session.dispose();
  }
}

export function readJsonl(path: string): DatasetRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as DatasetRecord);
}
