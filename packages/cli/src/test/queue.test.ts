/**
 * The dataset queue in one process: URL and job-id rules, and against a real redis-server,
 * BullMQ's retries (a chunk failing once is retried and its records are the local run's),
 * a chunk failing for good (a clear error; the finished chunks kept), and idempotent re-submission.
 * The multi-process run with a worker killed mid-chunk is queue-workers.test.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../args.js';
import { processChunkJob } from '../queue/processor.js';
import { openRedis, parseRedisUrl } from '../queue/redis-url.js';
import { asChunkJobData, canonicalJson, chunkJobId, jobFingerprints, specHash } from '../queue/spec.js';
import type { ChunkResult } from '../queue/spec.js';
import { ChunkFailedError, submitDataset } from '../queue/submit.js';
import { startWorker } from '../queue/worker.js';
import type { WorkerHandle } from '../queue/worker.js';
import { tempDir } from './helpers.js';
import { creditCsv, creditJob, localRecords, readJsonl } from './queue-fixture.js';
import { redisSkipReason, startRedisServer } from './redis-server.js';
import type { RedisServer } from './redis-server.js';

describe('queue URL and job ids', () => {
  it('parses redis://host:port/db and refuses what is not one', () => {
    expect(parseRedisUrl('redis://10.0.0.5:6380/2')).toMatchObject({ host: '10.0.0.5', port: 6380, db: 2, tls: false });
    expect(parseRedisUrl('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, db: 0 });
    const auth = parseRedisUrl('rediss://me:s%40cret@q.example:7000');
    expect(auth).toMatchObject({ username: 'me', password: 's@cret', tls: true });
    expect(auth.display).toBe('rediss://me:***@q.example:7000/0');
    for (const bad of ['localhost:6379', 'http://h:1', 'redis://h:1/x', 'redis://h:99999', 'redis://h:1/0?x=1']) {
      expect(() => parseRedisUrl(bad), bad).toThrow(UsageError);
    }
  });

  it('hashes a job spec independently of key order, and differently for another spec or file', () => {
    const a = { model: '/m', method: 'kernel-shap', data: '/d', chunkRows: 4, seed: 1, options: { nSamples: 9, x: [1, 2] } };
    const b = { options: { x: [1, 2], nSamples: 9 }, seed: 1, chunkRows: 4, data: '/d', method: 'kernel-shap', model: '/m' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    const fp = [{ path: '/m', sha256: 'aa' }];
    expect(specHash(a, fp)).toBe(specHash(b, fp));
    expect(specHash({ ...a, seed: 2 }, fp)).not.toBe(specHash(a, fp));
    expect(specHash(a, [{ path: '/m', sha256: 'ab' }])).not.toBe(specHash(a, fp));
    expect(chunkJobId(specHash(a, fp), 12)).toMatch(/^gw-[0-9a-f]{20}-12$/);
    expect(() => asChunkJobData({ foo: 1 })).toThrow(/not a glasswing dataset chunk job/);
  });
});

const skip = redisSkipReason();
if (skip) console.warn(`queue.test.ts: ${skip}`);

describe.skipIf(skip !== undefined)('dataset queue against a real redis-server', () => {
  let server: RedisServer;
  const handles: WorkerHandle[] = [];
  const connections: { disconnect(): void }[] = [];
  const connect = async () => {
    const c = await openRedis(parseRedisUrl(server.url));
    connections.push(c);
    return c;
  };
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    try {
      await Promise.all(handles.map((h) => h.close()));
      for (const c of connections) c.disconnect();
    } finally {
      await server?.stop();
    }
  });

  it('retries a chunk that fails once (backoff), and the output is the local run, each row once', async () => {
    const dir = tempDir();
    const job = creditJob(creditCsv(dir, 16)); // 4 chunks of 4 rows
    const attemptsOf = new Map<number, number>();
    const flaky = async (j: Job): Promise<ChunkResult> => {
      const chunk = asChunkJobData(j.data).chunk.id;
      attemptsOf.set(chunk, (attemptsOf.get(chunk) ?? 0) + 1);
      if (chunk === 1 && j.attemptsMade === 0) throw new Error('injected failure of chunk 1, first attempt');
      return processChunkJob(j.data);
    };
    handles.push(await startWorker({ connection: await connect(), queueName: 'retry', processor: flaky }));
    const out = join(dir, 'out.jsonl');
    const summary = await submitDataset({ connection: await connect(), queueName: 'retry', job, out, backoffMs: 100, pollMs: 50 });
    expect(attemptsOf.get(1)).toBe(2);
    expect([0, 2, 3].map((c) => attemptsOf.get(c))).toEqual([1, 1, 1]);
    expect(summary).toMatchObject({ rows: 16, chunks: 4, skipped: 0, retried: 1 });
    const got = readJsonl(out);
    expect(got.map((r) => r.row)).toEqual([...Array(16).keys()]);
    expect(got).toEqual(await localRecords(job));

    // Submitting the same job again finds every chunk in the output: nothing is queued or run.
    const again = await submitDataset({ connection: await connect(), queueName: 'retry', job, out, pollMs: 50 });
    expect(again).toMatchObject({ chunks: 4, skipped: 4, retried: 0 });
    expect([...attemptsOf.values()].reduce((a, b) => a + b, 0)).toBe(5);
    expect(readJsonl(out)).toEqual(got);
  });

  it('a chunk that keeps failing ends the run with an error naming it; the other chunks are kept', async () => {
    const dir = tempDir();
    const job = creditJob(creditCsv(dir, 8)); // 2 chunks
    let tries = 0;
    const broken = async (j: Job): Promise<ChunkResult> => {
      if (asChunkJobData(j.data).chunk.id === 1) {
        tries++;
        throw new Error('disk on fire');
      }
      return processChunkJob(j.data);
    };
    handles.push(await startWorker({ connection: await connect(), queueName: 'broken', processor: broken }));
    const out = join(dir, 'out.jsonl');
    const run = submitDataset({ connection: await connect(), queueName: 'broken', job, out, attempts: 2, backoffMs: 50, pollMs: 50 });
    await expect(run).rejects.toThrow(ChunkFailedError);
    await expect(run).rejects.toThrow(/chunk 1 \(rows 4-7\) failed after 2 attempts: disk on fire/);
    expect(tries).toBe(2);
    expect(existsSync(join(`${out}.parts`, '0.jsonl'))).toBe(true);
    expect(existsSync(out)).toBe(false);
  });

  it('an input error is not retried (UnrecoverableError)', async () => {
    const dir = tempDir();
    const job = creditJob(creditCsv(dir, 4), { target: 5 }); // the model has 2 classes
    handles.push(await startWorker({ connection: await connect(), queueName: 'bad', processor: (j: Job) => processChunkJob(j.data) }));
    const run = submitDataset({ connection: await connect(), queueName: 'bad', job, out: join(dir, 'o.jsonl'), attempts: 3, backoffMs: 50, pollMs: 50 });
    await expect(run).rejects.toThrow(/failed after 1 attempt: TargetError: /);
  });

  it('a chunk job that vanished from Redis (a restart without persistence) is queued again', async () => {
    const dir = tempDir();
    const job = creditJob(creditCsv(dir, 8)); // 2 chunks
    const connection = await connect();
    const queue = new Queue('vanish', { connection });
    const out = join(dir, 'out.jsonl');
    const run = submitDataset({ connection: await connect(), queueName: 'vanish', job, out, pollMs: 50 });
    let ids: string[] = [];
    for (let i = 0; i < 200 && ids.length < 2; i++) {
      ids = (await queue.getJobs(['waiting'])).map((j) => j.id!).filter((id) => id.startsWith('gw-'));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(ids).toHaveLength(2);
    await queue.obliterate({ force: true }); // every job of the queue gone
    expect(await queue.getJobs(['waiting'])).toHaveLength(0);
    handles.push(await startWorker({ connection: await connect(), queueName: 'vanish', processor: (j: Job) => processChunkJob(j.data) }));
    await run;
    await queue.close();
    expect(readJsonl(out)).toEqual(await localRecords(job));
  });

  it('a worker whose data file differs from the submitter\'s refuses the chunk, without retries', async () => {
    const dir = tempDir();
    const job = creditJob(creditCsv(dir, 4));
    const fingerprints = await jobFingerprints(job);
    const data = { v: 1, specHash: 'x', spec: job, chunk: { id: 0, start: 0, end: 4 }, fingerprints };
    await expect(processChunkJob(data)).resolves.toMatchObject({ chunk: 0 });
    const other = { ...data, specHash: 'y', fingerprints: [fingerprints[0]!, { ...fingerprints[1]!, sha256: '0'.repeat(64) }] };
    const err = await processChunkJob(other).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect(String((err as Error).message)).toMatch(/credit\.csv on this worker \(.+\) differs from the submitter's file/);
  });
});
