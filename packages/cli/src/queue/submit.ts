/**
 * The submitting side of the dataset queue: one BullMQ job per chunk not yet in the output,
 * then a poll of those jobs until every chunk's records are written, then the merged output.
 *
 * Results travel back through Redis: a worker returns a chunk's records as the job's result;
 * this process writes them with the idempotent chunk-keyed writer (`<out>.parts/<id>.jsonl`,
 * temp file + rename) and then deletes the job. A chunk that two workers both finish (a worker
 * presumed dead that was only slow) has one result and one part file: each row is in the output
 * exactly once. Interrupting the submitter leaves the queued chunks to the workers; running the
 * same command again re-attaches (same job ids) and collects them.
 */
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { planChunks } from '../dataset/chunk.js';
import type { ChunkRef, DatasetJob } from '../dataset/chunk.js';
import { finalize, initOutput, writeChunk } from '../dataset/output.js';
import { chunkJobId, jobFingerprints, specHash } from './spec.js';
import type { ChunkJobData, ChunkResult } from './spec.js';

export interface SubmitOptions {
  readonly connection: Redis;
  readonly queueName: string;
  /** The job, with absolute paths (workers on other machines open the same paths). */
  readonly job: DatasetJob;
  readonly out: string;
  /** Tries per chunk (default 3), the first retry after `backoffMs` (default 2000), then doubling. */
  readonly attempts?: number;
  readonly backoffMs?: number;
  /** ms between polls of the queue (default 500). */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: QueueProgress) => void;
}

export interface QueueProgress {
  readonly chunks: number;
  /** Chunks in the output (written by this run or found done from an earlier one). */
  readonly done: number;
  readonly rows: number;
  readonly rowsDone: number;
  /** Chunks being processed by a worker now, and failed attempts so far (retried). */
  readonly running: number;
  readonly retried: number;
  /** Seconds left at the rate seen so far; undefined before a first chunk comes back. */
  readonly etaS?: number;
}

export interface SubmitSummary {
  readonly specHash: string;
  readonly rows: number;
  readonly chunks: number;
  /** Chunks already in the output when this run started. */
  readonly skipped: number;
  readonly retried: number;
  /** `host:pid` of each worker that returned a chunk. */
  readonly workers: readonly string[];
  readonly seconds: number;
}

export class ChunkFailedError extends Error {
  constructor(
    readonly chunk: ChunkRef,
    readonly attempts: number,
    reason: string,
  ) {
    super(
      `chunk ${chunk.id} (rows ${chunk.start}-${chunk.end - 1}) failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}; ` +
        'finished chunks are kept: fix the cause and run the same command again',
    );
    this.name = 'ChunkFailedError';
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

async function inBatches<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

export async function submitDataset(options: SubmitOptions): Promise<SubmitSummary> {
  const t0 = Date.now();
  const { job, out } = options;
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 2000;
  const plan = await planChunks(job);
  const fingerprints = await jobFingerprints(job);
  const hash = specHash(job, fingerprints);
  const queue = new Queue<ChunkJobData, ChunkResult>(options.queueName, { connection: options.connection });
  try {
    // The same output folder as the local path: a run resumes from either.
    const done = new Set(initOutput(out, job, { rows: plan.rows, chunks: plan.chunks.length }));
    const pending = new Map<string, ChunkRef>();
    const doneBefore: ChunkRef[] = [];
    for (const chunk of plan.chunks) {
      if (done.has(chunk.id)) doneBefore.push(chunk);
      else pending.set(chunkJobId(hash, chunk.id), chunk);
    }
    // Chunks written by an earlier run that stopped before deleting their jobs.
    await inBatches(doneBefore, 100, async (c) => {
      await (await Job.fromId(queue, chunkJobId(hash, c.id)))?.remove().catch(() => undefined);
    });
    const jobOptions = {
      attempts,
      backoff: { type: 'exponential' as const, delay: backoffMs },
      removeOnComplete: false,
      removeOnFail: false,
    };
    const enqueue = async (chunks: readonly ChunkRef[]) => {
      for (let i = 0; i < chunks.length; i += 500) {
        await queue.addBulk(
          chunks.slice(i, i + 500).map((chunk) => ({
            name: 'chunk',
            data: { v: 1, specHash: hash, spec: job, chunk, fingerprints },
            opts: { ...jobOptions, jobId: chunkJobId(hash, chunk.id) },
          })),
        );
      }
    };
    // A chunk that failed for good in an earlier run gets a fresh set of attempts.
    await inBatches([...pending.keys()], 100, async (id) => {
      const old = await Job.fromId(queue, id);
      if (old && (await old.isFailed())) await old.retry('failed', { resetAttemptsMade: true });
    });
    await enqueue([...pending.values()]);

    const rows = plan.rows;
    const rowsOf = (c: ChunkRef) => c.end - c.start;
    let rowsDone = doneBefore.reduce((s, c) => s + rowsOf(c), 0);
    const rowsAtStart = rowsDone;
    let firstResultAt = Number.NaN;
    let retried = 0;
    const workers = new Set<string>();
    const retriesSeen = new Map<string, number>();
    const report = (running: number) => {
      const rate = (rowsDone - rowsAtStart) / Math.max(1e-3, (Date.now() - t0) / 1000);
      options.onProgress?.({
        chunks: plan.chunks.length,
        done: plan.chunks.length - pending.size,
        rows,
        rowsDone,
        running,
        retried,
        ...(Number.isNaN(firstResultAt) || rate <= 0 ? {} : { etaS: (rows - rowsDone) / rate }),
      });
    };
    report(0);
    while (pending.size > 0) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
      let running = 0;
      const missing: ChunkRef[] = [];
      const failed: ChunkFailedError[] = [];
      await inBatches([...pending.entries()], 100, async ([id, chunk]) => {
        const j = await Job.fromId<ChunkJobData, ChunkResult>(queue, id);
        if (!j) {
          missing.push(chunk); // removed by someone: queue it again
          return;
        }
        const failures = j.returnvalue ? Math.max(0, j.attemptsMade - 1) : j.attemptsMade;
        retried += Math.max(0, failures - (retriesSeen.get(id) ?? 0));
        retriesSeen.set(id, Math.max(failures, retriesSeen.get(id) ?? 0));
        const result = j.returnvalue;
        if (result && Array.isArray(result.records)) {
          writeChunk(out, chunk.id, result.records);
          pending.delete(id);
          rowsDone += rowsOf(chunk);
          workers.add(result.worker);
          if (Number.isNaN(firstResultAt)) firstResultAt = Date.now();
          await j.remove().catch(() => undefined);
          return;
        }
        if (j.finishedOn) {
          const state = await j.getState();
          if (state === 'failed') failed.push(new ChunkFailedError(chunk, j.attemptsMade, j.failedReason || 'unknown error'));
        }
        if (j.processedOn && !j.finishedOn) running++;
      });
      // Every chunk finished by now is written before a failed one ends the run.
      if (failed.length > 0) throw failed.sort((a, b) => a.chunk.id - b.chunk.id)[0]!;
      if (missing.length > 0) await enqueue(missing);
      report(running);
      if (pending.size > 0) await sleep(options.pollMs ?? 500, options.signal);
    }
    await finalize(out);
    return {
      specHash: hash,
      rows,
      chunks: plan.chunks.length,
      skipped: doneBefore.length,
      retried,
      workers: [...workers].sort(),
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    await queue.close();
  }
}
