/**
 * The processing side of the dataset queue: a BullMQ Worker on `queueName` that runs each chunk
 * job in a sandboxed worker thread (processor.ts) and hands the records back as the job's result.
 *
 * Failure semantics (BullMQ): a thrown error fails the attempt, and the job is tried again after
 * an exponential backoff until its `attempts` (set by the submitter) are spent; a worker that
 * dies keeps no lock: after `lockDuration` another worker's stalled-job check (every
 * `stalledInterval`) moves the chunk back to the waiting list (at most `maxStalledCount` times).
 */
import { Worker } from 'bullmq';
import type { Job, Processor } from 'bullmq';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { asChunkJobData } from './spec.js';
import type { ChunkResult } from './spec.js';

export interface WorkerOptions {
  readonly connection: Redis;
  readonly queueName: string;
  /** Chunks run at once in this process, each in its own thread. Default 1. */
  readonly concurrency?: number;
  /** ms a job's lock lasts without renewal (renewed every half of it). Default 30000. */
  readonly lockDuration?: number;
  /** ms between stalled-job checks. Default 30000. */
  readonly stalledInterval?: number;
  /** Times a chunk may be recovered from a dead worker before it fails. Default 3. */
  readonly maxStalledCount?: number;
  /** One line per chunk event (started, done, failed). */
  readonly log?: (line: string) => void;
  /** In-process processor instead of the sandboxed one (tests inject failures this way). */
  readonly processor?: Processor<unknown, ChunkResult>;
}

export interface WorkerHandle {
  readonly worker: Worker<unknown, ChunkResult>;
  /** Chunks finished by this process, and the ms since the last job event (Infinity before one). */
  stats(): { completed: number; failed: number; running: number; idleMs: number };
  /** Stop taking jobs; wait for the chunks in flight. */
  close(): Promise<void>;
}

/** The compiled sandboxed processor next to this file. */
export function sandboxedProcessorFile(): string {
  return fileURLToPath(new URL('./processor.js', import.meta.url));
}

function describe(job: Job): string {
  try {
    const d = asChunkJobData(job.data);
    return `chunk ${d.chunk.id} (rows ${d.chunk.start}-${d.chunk.end - 1}) of job ${d.specHash}`;
  } catch {
    return `job ${job.id ?? '?'}`;
  }
}

export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const log = options.log ?? (() => undefined);
  const worker = new Worker<unknown, ChunkResult>(options.queueName, options.processor ?? sandboxedProcessorFile(), {
    connection: options.connection,
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 3,
    useWorkerThreads: true,
    autorun: false,
  });
  let completed = 0;
  let failed = 0;
  let running = 0;
  let lastEvent = Number.NaN;
  const touch = () => {
    lastEvent = Date.now();
  };
  worker.on('active', (job) => {
    running++;
    touch();
    log(`worker: ${describe(job)} started (attempt ${job.attemptsMade + 1})`);
  });
  worker.on('completed', (job, result) => {
    running = Math.max(0, running - 1);
    completed++;
    touch();
    log(`worker: ${describe(job)} done: ${result?.records.length ?? 0} records in ${((result?.ms ?? 0) / 1000).toFixed(1)} s`);
  });
  worker.on('failed', (job, err) => {
    touch();
    if (!job) return;
    running = Math.max(0, running - 1);
    failed++;
    log(`worker: ${describe(job)} failed (attempt ${job.attemptsMade}): ${err.message}`);
  });
  worker.on('error', (err) => log(`worker: queue error: ${err.message}`));
  void worker.run().catch((err: unknown) => log(`worker: stopped on an error: ${err instanceof Error ? err.message : String(err)}`));
  await worker.waitUntilReady();
  touch();
  return {
    worker,
    stats: () => ({ completed, failed, running, idleMs: Number.isNaN(lastEvent) ? Infinity : Date.now() - lastEvent }),
    close: () => worker.close(),
  };
}
