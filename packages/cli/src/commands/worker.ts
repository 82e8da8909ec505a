/**
 * `glasswing worker --queue redis://host:port[/db]`: process the chunks that `glasswing
 * explain-dataset --queue` enqueues, on this machine, until stopped (or idle for --idle-exit).
 */
import { availableParallelism } from 'node:os';
import { UsageError, parseFlags, parseInteger } from '../args.js';
import type { FlagKind } from '../args.js';
import { InterruptedError, stopSignalName } from '../interrupt.js';
import type { ResolvedIO } from '../io.js';
import { openRedis, parseRedisUrl } from '../queue/redis-url.js';
import { DEFAULT_QUEUE_NAME, THREADS_ENV } from '../queue/spec.js';
import { startWorker } from '../queue/worker.js';
import type { WorkerHandle } from '../queue/worker.js';

export const WORKER_FLAGS: Readonly<Record<string, FlagKind>> = {
  queue: 'value',
  'queue-name': 'value',
  concurrency: 'value',
  threads: 'value',
  'lock-duration': 'value',
  'stalled-interval': 'value',
  'idle-exit': 'value',
  quiet: 'switch',
  help: 'switch',
};

export function workerUsage(): string {
  return `Usage: glasswing worker --queue redis://host:port[/db] [options]

Process the chunks of dataset jobs queued by 'glasswing explain-dataset --queue' (BullMQ on
Redis). Start any number of workers, on any number of machines: each takes chunks until the
queue is empty and waits for more. The model and data paths of a job must open on the worker's
machine (shared filesystem or the same files at the same absolute paths); a worker whose files
differ from the submitter's (sha256) refuses the chunk.

Options:
  --queue <url>             Redis server: redis://[user:password@]host:port[/db] (rediss:// for
                            TLS). Required
  --queue-name <name>       BullMQ queue name (default ${DEFAULT_QUEUE_NAME}); the same as the
                            submitter's --queue-name
  --concurrency <n>         chunks run at once, each in its own worker thread (default 1; the
                            machine's cores divided by the model's own threads is the useful most)
  --threads <n>             model threads per chunk (ONNX Runtime intra-op; default: the
                            machine's cores divided by --concurrency)
  --lock-duration <ms>      how long a chunk stays claimed without a heartbeat from this worker
                            (default 30000): a worker killed mid-chunk gives its chunk back to
                            the queue after this long
  --stalled-interval <ms>   how often this worker looks for chunks of dead workers (default 30000)
  --idle-exit <s>           exit (code 0) after this many seconds with no chunk to do (default:
                            run until stopped)
  --quiet                   no line per chunk on stderr
  -h, --help                show this help

One line per chunk on stderr: 'worker: chunk 3 (rows 300-399) of job <hash> started', '... done:
100 records in 2.1 s', '... failed (attempt 1): <reason>'. A failed chunk is retried by any worker
after the submitter's backoff. SIGTERM / Ctrl-C: take no new chunk, finish the chunks in flight,
exit 143 / 130; a second signal exits at once (the chunk goes back to the queue after
--lock-duration).
`;
}

export async function runWorker(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const { values, switches, positionals } = parseFlags(argv, WORKER_FLAGS);
  if (switches.has('help')) {
    io.out(workerUsage());
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.queue) throw new UsageError(`missing --queue redis://host:port[/db]; run 'glasswing worker --help'`);
  const target = parseRedisUrl(values.queue);
  const queueName = values['queue-name'] ?? DEFAULT_QUEUE_NAME;
  const concurrency = values.concurrency ? parseInteger('concurrency', values.concurrency, 1) : 1;
  const threads = values.threads
    ? parseInteger('threads', values.threads, 1)
    : Math.max(1, Math.floor(availableParallelism() / concurrency));
  process.env[THREADS_ENV] = String(threads);
  const lockDuration = values['lock-duration'] ? parseInteger('lock-duration', values['lock-duration'], 100) : undefined;
  const stalledInterval = values['stalled-interval'] ? parseInteger('stalled-interval', values['stalled-interval'], 100) : undefined;
  const idleExitS = values['idle-exit'] ? parseInteger('idle-exit', values['idle-exit'], 1) : undefined;
  const log = switches.has('quiet') ? undefined : (line: string) => io.err(`${line}\n`);

  const connection = await openRedis(target);
  const signal = io.interruption?.signal;
  let handle: WorkerHandle | undefined;
  // From here a first signal stops gracefully (even while the worker is still starting: it may
  // already hold a chunk); a second one exits at once.
  const serve = async (): Promise<'signal' | 'idle'> => {
    const h = await startWorker({
      connection,
      queueName,
      concurrency,
      ...(lockDuration !== undefined ? { lockDuration } : {}),
      ...(stalledInterval !== undefined ? { stalledInterval } : {}),
      ...(log ? { log } : {}),
    });
    handle = h;
    io.err(`worker: waiting for chunks on ${target.display} queue '${queueName}' (concurrency ${concurrency}, ${threads} model thread${threads === 1 ? '' : 's'} each)\n`);
    return new Promise<'signal' | 'idle'>((resolve) => {
      if (signal?.aborted) return resolve('signal');
      signal?.addEventListener('abort', () => resolve('signal'), { once: true });
      if (idleExitS !== undefined) {
        const timer = setInterval(() => {
          const s = h.stats();
          if (s.running === 0 && s.idleMs >= idleExitS * 1000) {
            clearInterval(timer);
            resolve('idle');
          }
        }, 200);
        signal?.addEventListener('abort', () => clearInterval(timer), { once: true });
      }
    });
  };
  let why: 'signal' | 'idle';
  try {
    why = await (io.interruption ? io.interruption.during(serve) : serve());
    if (why === 'signal') io.err(`worker: stopping: finishing ${handle!.stats().running} chunk(s) in flight\n`);
    await handle!.close();
  } catch (err) {
    await handle?.close().catch(() => undefined);
    throw err;
  } finally {
    connection.disconnect();
  }
  const s = handle!.stats();
  const summary = `${s.completed} chunk${s.completed === 1 ? '' : 's'} done, ${s.failed} failed attempt${s.failed === 1 ? '' : 's'}`;
  const stopped = stopSignalName(signal);
  if (why === 'signal' && stopped) throw new InterruptedError(stopped, `worker stopped: ${summary}`);
  io.err(`worker: idle for ${idleExitS} s; exiting: ${summary}\n`);
  return 0;
}
