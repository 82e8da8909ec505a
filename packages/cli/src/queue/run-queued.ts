/**
 * `glasswing explain-dataset ... --queue redis://…`: the command's queue path. The dataset job
 * is the one the local path would run; its chunks go to the queue instead of the local pool, and
 * the output (`--out`, its `.parts/` folder, resuming) is the same.
 */
import { resolve } from 'node:path';
import { UsageError, parseInteger } from '../args.js';
import type { FlagKind } from '../args.js';
import type { DatasetJob } from '../dataset/chunk.js';
import { InterruptedError, stopSignalName } from '../interrupt.js';
import type { ResolvedIO } from '../io.js';
import { progressEnabled } from '../progress.js';
import { queueProgressLine } from './progress.js';
import { openRedis, parseRedisUrl } from './redis-url.js';
import { DEFAULT_QUEUE_NAME } from './spec.js';
import { submitDataset } from './submit.js';
import type { QueueProgress } from './submit.js';

/** The queue flags of explain-dataset (parsed here; the rest of the command's flags are its own). */
export const QUEUE_FLAGS: Readonly<Record<string, FlagKind>> = {
  queue: 'value',
  'queue-name': 'value',
  attempts: 'value',
  backoff: 'value',
};

export const QUEUE_USAGE = `Beyond one machine (BullMQ on Redis; see docs/scaling.md):
  --queue <url>             redis://[user:password@]host:port[/db] (rediss:// for TLS): enqueue the
                            chunks there instead of running them here, show progress from the
                            queue, write the output when every chunk is back. Workers:
                            'glasswing worker --queue <url>' on any number of machines (the model
                            and data paths must open there too). --workers and
                            --max-memory-mb are not used (see 'glasswing worker --help')
  --queue-name <name>       BullMQ queue name (default ${DEFAULT_QUEUE_NAME})
  --attempts <n>            tries per chunk before the run fails (default 3)
  --backoff <ms>            wait before the first retry of a failed chunk, doubling after each
                            (default 2000)
`;

export interface QueueArgs {
  readonly url: string;
  readonly name: string;
  readonly attempts: number;
  readonly backoffMs: number;
}

/** The queue flags from a parsed flag map, or undefined without --queue. */
export function parseQueueArgs(values: Readonly<Record<string, string>>): QueueArgs | undefined {
  if (values.queue === undefined) {
    for (const f of ['queue-name', 'attempts', 'backoff']) {
      if (values[f] !== undefined) throw new UsageError(`--${f} needs --queue redis://host:port`);
    }
    return undefined;
  }
  parseRedisUrl(values.queue);
  return {
    url: values.queue,
    name: values['queue-name'] ?? DEFAULT_QUEUE_NAME,
    attempts: values.attempts ? parseInteger('attempts', values.attempts, 1) : 3,
    backoffMs: values.backoff ? parseInteger('backoff', values.backoff, 0) : 2000,
  };
}

/** Absolute paths: workers elsewhere open the same files. */
export function absoluteJob(job: DatasetJob, cwd = process.cwd()): DatasetJob {
  return { ...job, model: resolve(cwd, job.model), data: resolve(cwd, job.data) };
}

export async function runQueued(job: DatasetJob, out: string, q: QueueArgs, io: ResolvedIO): Promise<number> {
  const target = parseRedisUrl(q.url);
  const connection = await openRedis(target, { failFast: true });
  const line = queueProgressLine('explain-dataset (queue)', io);
  const interruption = io.interruption;
  let last: QueueProgress | undefined;
  try {
    const work = () =>
      submitDataset({
        connection,
        queueName: q.name,
        job: absoluteJob(job),
        out: resolve(out),
        attempts: q.attempts,
        backoffMs: q.backoffMs,
        ...(interruption ? { signal: interruption.signal } : {}),
        onProgress: (p) => {
          last = p;
          line.update(p);
        },
      });
    const s = await (interruption ? interruption.during(work) : work());
    line.stop();
    const skipped = s.skipped > 0 ? `, ${s.skipped} already in the output` : '';
    const retried = s.retried > 0 ? `, ${s.retried} failed attempt${s.retried === 1 ? '' : 's'} retried` : '';
    // Like the local path: the summary line goes where the progress went (piped runs keep stderr empty).
    if (progressEnabled(io)) io.err(
      `explain-dataset: ${s.rows} rows in ${s.chunks} chunks via ${target.display} queue '${q.name}' (job ${s.specHash})${skipped}${retried}, ` +
        `${s.workers.length} worker${s.workers.length === 1 ? '' : 's'}, ${s.seconds.toFixed(1)} s; wrote ${out}\n`,
    );
    return 0;
  } catch (err) {
    line.stop();
    const stopped = stopSignalName(interruption?.signal);
    if (stopped) {
      const got = last ? `${last.done} of ${last.chunks} chunks in the output` : 'nothing collected';
      throw new InterruptedError(stopped, `${got}; the other chunks stay queued for the workers: run the same command again to collect them`);
    }
    throw err;
  } finally {
    connection.disconnect();
  }
}
