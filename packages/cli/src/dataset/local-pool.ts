/**
 * Running a dataset job on one machine: a piscina pool of worker_threads (`workers` of them), each
 * holding its own session; chunks not yet in the output are queued, each worker writes the chunks
 * it finishes, and the main thread only tracks progress. One worker runs in-process (no thread).
 * ONNX Runtime gets floor(cores / workers) intra-op threads per worker, so the pool does not
 * oversubscribe the cores.
 */
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { CliError } from '../files.js';
import { openSession, runChunk } from './chunk.js';
import type { ChunkRef, DatasetJob } from './chunk.js';
import { writeChunk } from './output.js';
import type { WorkerTask } from './worker.js';

export interface LocalRunOptions {
  readonly out: string;
  readonly workers: number;
  /** Threads per worker (default floor(cores / workers), at least 1). */
  readonly threads?: number;
  /** V8 heap limit per worker thread (MiB), from --max-memory-mb. */
  readonly heapMbPerWorker?: number;
  readonly signal?: AbortSignal;
  /** Rows finished so far (of this run's chunks), called often. */
  readonly onRows?: (rows: number) => void;
}

export function threadsPerWorker(workers: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, workers)));
}

/** The compiled worker module (next to this file in dist/; from the sources, dist/ of this package). */
function workerFile(): string {
  const here = new URL(import.meta.url);
  const url = here.pathname.endsWith('.ts') ? new URL('../../dist/dataset/worker.js', here) : new URL('./worker.js', here);
  const path = fileURLToPath(url);
  if (!existsSync(path)) throw new CliError(`the dataset worker '${path}' is missing; build the CLI first (pnpm build)`);
  return path;
}

/**
 * The parent's Node flags without the `@glasswing/source` export condition (test runners and the
 * benchmarks resolve the workspace to TypeScript sources; the compiled worker needs dist/).
 */
export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if ((a === '--conditions' || a === '-C') && argv[i + 1] === '@glasswing/source') {
      i++;
      continue;
    }
    if (a === '--conditions=@glasswing/source' || a === '-C=@glasswing/source') continue;
    out.push(a);
  }
  return out;
}

/**
 * Run `chunks` of `job` into `out` (chunks already done are skipped by the workers too). Returns
 * the adapters the sessions ran on (one, unless a default adapter differed between workers).
 */
export async function runLocal(job: DatasetJob, chunks: readonly ChunkRef[], options: LocalRunOptions): Promise<{ adapters: string[] }> {
  if (chunks.length === 0) return { adapters: [] };
  const adapters = new Set<string>();
  const threads = options.threads ?? threadsPerWorker(options.workers);
  const inFlight = new Map<number, number>();
  let finished = 0;
  const report = () => {
    let rows = finished;
    for (const v of inFlight.values()) rows += v;
    options.onRows?.(rows);
  };
  if (options.workers <= 1) {
    const session = await openSession(job, { threads });
    adapters.add(session.opened.adapter);
    try {
      for (const chunk of chunks) {
        const records = await runChunk(job, chunk, {
          session,
          ...(options.signal ? { signal: options.signal } : {}),
          onProgress: (done) => {
            inFlight.set(chunk.id, done);
            report();
          },
        });
        writeChunk(options.out, chunk.id, records);
        inFlight.delete(chunk.id);
        finished += chunk.end - chunk.start;
        report();
      }
    } finally {
      await session.dispose();
    }
    return { adapters: [...adapters] };
  }
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: options.workers,
    maxThreads: options.workers,
    concurrentTasksPerWorker: 1,
    execArgv: workerExecArgv(),
    idleTimeout: 60_000,
    ...(options.heapMbPerWorker ? { resourceLimits: { maxOldGenerationSizeMb: options.heapMbPerWorker } } : {}),
  });
  const controller = new AbortController();
  // Every queued task listens on it (piscina), one per chunk: not a leak.
  setMaxListeners(chunks.length + 10, controller.signal);
  const stop = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    await Promise.all(
      chunks.map(async (chunk) => {
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (done: number) => {
          inFlight.set(chunk.id, done);
          report();
        });
        const task: WorkerTask = { job, chunk, out: options.out, threads, port: port2 };
        try {
          const done = (await pool.run(task, { transferList: [port2], signal: controller.signal })) as { adapter?: string };
          if (done.adapter) adapters.add(done.adapter);
        } catch (err) {
          controller.abort(err);
          throw err;
        } finally {
          port1.close();
        }
        inFlight.delete(chunk.id);
        finished += chunk.end - chunk.start;
        report();
      }),
    );
  } catch (err) {
    // The first failure (or Ctrl-C) stops the pool; report the cause, not the other tasks' aborts.
    throw controller.signal.reason ?? err;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await pool.destroy();
  }
  return { adapters: [...adapters] };
}
