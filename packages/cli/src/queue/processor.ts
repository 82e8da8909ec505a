/**
 * Runs one chunk job. `glasswing worker` loads this file in BullMQ's sandbox (a worker thread
 * per concurrent job), so the model's synchronous compute never blocks the thread that renews
 * the job's lock in Redis; BullMQ reuses the threads, so the sessions cached here (one per job
 * spec, the two most recent kept) serve every later chunk of the same job.
 */
import { hostname } from 'node:os';
import { AbortError, GlasswingError, ResourceError } from '@glasswing/core';
import { UnrecoverableError } from 'bullmq';
import type { SandboxedJob } from 'bullmq';
import { openSession, runChunk } from '../dataset/chunk.js';
import type { ChunkSession } from '../dataset/chunk.js';
import { asChunkJobData, jobFingerprints, MAX_RESULT_BYTES, THREADS_ENV } from './spec.js';
import type { ChunkJobData, ChunkResult } from './spec.js';

interface Cached {
  readonly session: Promise<ChunkSession>;
}

const KEEP_SESSIONS = 2;
const sessions = new Map<string, Cached>();

async function verifyFiles(data: ChunkJobData): Promise<void> {
  const here = await jobFingerprints(data.spec);
  data.fingerprints.forEach((want, i) => {
    const got = here[i];
    if (!got || got.sha256 !== want.sha256) {
      throw new UnrecoverableError(
        `${want.path} on this worker (${hostname()}) differs from the submitter's file (sha256 ${want.sha256.slice(0, 12)}… expected, ${got?.sha256.slice(0, 12) ?? 'none'}… here)`,
      );
    }
  });
}

function sessionFor(data: ChunkJobData): Promise<ChunkSession> {
  const hit = sessions.get(data.specHash);
  if (hit) {
    sessions.delete(data.specHash); // re-insert: most recent last
    sessions.set(data.specHash, hit);
    return hit.session;
  }
  const session = (async () => {
    await verifyFiles(data);
    const threads = Number(process.env[THREADS_ENV]);
    return openSession(data.spec, Number.isInteger(threads) && threads > 0 ? { threads } : {});
  })();
  // A failed open is not cached: the retry opens again.
  session.catch(() => sessions.delete(data.specHash));
  sessions.set(data.specHash, { session });
  while (sessions.size > KEEP_SESSIONS) {
    const [oldest, old] = sessions.entries().next().value as [string, Cached];
    sessions.delete(oldest);
    void old.session.then((s) => s.dispose()).catch(() => undefined);
  }
  return session;
}

export interface ProcessContext {
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/** The chunk's records, checked to fit in a Redis job result. */
export async function processChunkJob(raw: unknown, ctx: ProcessContext = {}): Promise<ChunkResult> {
  const data = asChunkJobData(raw);
  const t0 = Date.now();
  let records;
  try {
    const session = await sessionFor(data);
    records = await runChunk(data.spec, data.chunk, {
      session,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    });
  } catch (err) {
    // A typed input error (bad shape, method, target) fails the same way on every try.
    if (err instanceof GlasswingError && !(err instanceof AbortError) && !(err instanceof ResourceError)) {
      throw new UnrecoverableError(`${err.name}: ${err.message}`);
    }
    throw err;
  }
  const result: ChunkResult = { v: 1, chunk: data.chunk.id, records, worker: `${hostname()}:${process.pid}`, ms: Date.now() - t0 };
  const bytes = Buffer.byteLength(JSON.stringify(result));
  if (bytes > MAX_RESULT_BYTES) {
    throw new UnrecoverableError(
      `chunk ${data.chunk.id}'s result is ${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${MAX_RESULT_BYTES / 2 ** 20} MiB a queue job carries: use a smaller --chunk-rows (or --top-k)`,
    );
  }
  return result;
}

/** BullMQ sandboxed processor: progress in percent of the chunk, throttled to 1 update / 500 ms. */
export default async function processSandboxed(job: SandboxedJob, _token?: string, signal?: AbortSignal): Promise<ChunkResult> {
  let last = 0;
  return processChunkJob(job.data, {
    ...(signal ? { signal } : {}),
    onProgress: (done, total) => {
      const now = Date.now();
      if (now - last < 500 && done < total) return;
      last = now;
      void job.updateProgress(total > 0 ? Math.round((100 * done) / total) : 0);
    },
  });
}
