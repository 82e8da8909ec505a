/**
 * The chunk contract shared by every way of running `glasswing explain-dataset` (the local worker
 * pool and the Redis queue): a job is planned into chunks of consecutive rows; a chunk is run on a
 * session (the model loaded once per worker) into one record per row. Chunks depend only on the
 * job (never on which worker or how many), and stochastic methods draw their seed from the job's
 * seed and the row index, so any split over workers gives the same records.
 */
import { isAbsolute, resolve } from 'node:path';
import { AbortError, InvalidArgumentError, sizeOf } from '@glasswing/core';
import type { AttributionResult, Tensor } from '@glasswing/core';
import { defaultInternalBatchSize } from '../batching.js';
import { f32 } from '../commands/attribute.js';
import { openReader } from './readers/index.js';
import type { ChunkRef, DatasetJob, DatasetRecord } from './types.js';
import { openSession } from './session.js';
import type { ChunkSession } from './session.js';

export { openSession } from './session.js';
export type { ChunkSession, SessionOptions } from './session.js';

export type { ChunkRef, DatasetJob, DatasetRecord } from './types.js';

/** Count the rows and split them into chunks of `job.chunkRows`. */
export async function planChunks(job: DatasetJob): Promise<{ rows: number; chunks: ChunkRef[] }> {
  if (!Number.isSafeInteger(job.chunkRows) || job.chunkRows < 1) throw new InvalidArgumentError(`chunkRows must be an integer ≥ 1, got ${job.chunkRows}`);
  const reader = await openReader(isAbsolute(job.data) ? job.data : resolve(job.data), job.format);
  try {
    return { rows: reader.rows, chunks: chunkRanges(reader.rows, job.chunkRows) };
  } finally {
    await reader.close();
  }
}

export function chunkRanges(rows: number, chunkRows: number): ChunkRef[] {
  const chunks: ChunkRef[] = [];
  for (let start = 0, id = 0; start < rows; start += chunkRows, id++) chunks.push({ id, start, end: Math.min(rows, start + chunkRows) });
  return chunks;
}

/** The seed of row `row` of a job seeded with `seed` (a 32-bit mix: neighbouring rows get unrelated seeds). */
export function rowSeed(seed: number, row: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(row | 0, 0x85ebca6b) ^ Math.floor(row / 2 ** 32)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function topK(values: Float32Array, k: number): { index: number; value: number }[] {
  const idx = Array.from(values.keys()).sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!) || a - b);
  return idx.slice(0, k).map((index) => ({ index, value: f32(values[index]!) }));
}

function records(start: number, ids: readonly (string | number)[], res: AttributionResult, job: DatasetJob): DatasetRecord[] {
  const n = ids.length;
  const attrShape = res.attributions.shape.slice(1);
  const per = sizeOf(attrShape);
  const outPer = res.outputs.data.length / n;
  const deltaPer = res.delta ? res.delta.length / n : 0;
  return ids.map((id, i) => {
    const a = res.attributions.data.subarray(i * per, (i + 1) * per);
    const rec: DatasetRecord = {
      id,
      row: start + i,
      target: res.targets[i]!,
      prediction: Array.from(res.outputs.data.subarray(i * outPer, (i + 1) * outPer), f32),
    };
    if (job.topK !== undefined) rec.topK = topK(a, job.topK);
    else rec.attributions = Array.from(a, f32);
    rec.shape = [...attrShape];
    if (res.delta && Number.isInteger(deltaPer) && deltaPer >= 1) {
      let s = 0;
      for (let k = 0; k < deltaPer; k++) s += res.delta[i * deltaPer + k]!;
      rec.delta = f32(Math.fround(s / deltaPer));
    }
    return rec;
  });
}

export interface ChunkContext {
  readonly signal?: AbortSignal;
  readonly session?: ChunkSession;
  /** Rows of this chunk done, of its total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Run one chunk: read its rows, explain them, one record per row in row order. */
export async function runChunk(job: DatasetJob, chunk: ChunkRef, ctx: ChunkContext = {}): Promise<DatasetRecord[]> {
  const session = ctx.session ?? (await openSession(job));
  try {
    if (ctx.signal?.aborted) throw new AbortError('explain-dataset stopped before the chunk started');
    if (chunk.end > session.reader.rows || chunk.start < 0 || chunk.end < chunk.start) {
      throw new InvalidArgumentError(`chunk ${chunk.id} rows [${chunk.start}, ${chunk.end}) lie outside the dataset's ${session.reader.rows} rows`);
    }
    const block = await session.reader.read(chunk.start, chunk.end);
    const n = block.ids.length;
    const model = session.opened.model;
    const x: Tensor = { shape: [n, ...model.inputShape], data: block.data };
    const base = {
      ...session.options,
      ...(session.options.internalBatchSize === undefined ? { internalBatchSize: defaultInternalBatchSize(model.inputShape) } : {}),
      ...(typeof job.target === 'number' ? { target: job.target } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    };
    if (!session.spec.options.includes('seed')) {
      const res = await session.spec.run(model, x, {
        ...base,
        onProgress: (p) => ctx.onProgress?.(p.total > 0 ? Math.floor((p.done / p.total) * n) : 0, n),
      });
      ctx.onProgress?.(n, n);
      return records(chunk.start, block.ids, res, job);
    }
    // Stochastic: one call per row, seeded by the row, so results never depend on the chunking.
    const out: DatasetRecord[] = [];
    const size = session.rowSize;
    for (let i = 0; i < n; i++) {
      const xi: Tensor = { shape: [1, ...model.inputShape], data: block.data.subarray(i * size, (i + 1) * size) };
      const res = await session.spec.run(model, xi, { ...base, seed: rowSeed(job.seed ?? 0, chunk.start + i) });
      out.push(...records(chunk.start + i, [block.ids[i]!], res, job));
      ctx.onProgress?.(i + 1, n);
    }
    return out;
  } finally {
    if (!ctx.session) await session.dispose();
  }
}
