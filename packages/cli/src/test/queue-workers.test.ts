/**
 * The queue across processes: a real redis-server, three `glasswing worker` processes (the built
 * CLI), the dataset job submitted, and one worker killed with SIGKILL while it runs a chunk. Its
 * chunk must come back to the queue (lock expiry + stalled check, set short here) and be finished
 * by another worker; the output must hold every row exactly once, equal to the local run's
 * records (KernelSHAP with a seed: bit-reproducible). Then SIGTERM stops the other workers
 * gracefully (exit 143). Redis and every worker are stopped at the end, on failure too.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedis, parseRedisUrl } from '../queue/redis-url.js';
import { submitDataset } from '../queue/submit.js';
import { tempDir } from './helpers.js';
import { buildCliForTest } from './queue-build.js';
import { creditCsv, creditJob, localRecords, readJsonl } from './queue-fixture.js';
import { redisSkipReason, startRedisServer } from './redis-server.js';
import type { RedisServer } from './redis-server.js';

interface WorkerProc {
  readonly child: ChildProcess;
  log: string;
  readonly exit: Promise<number | null>;
}

const skip = redisSkipReason();
if (skip) console.warn(`queue-workers.test.ts: ${skip}`);

describe.skipIf(skip !== undefined)('glasswing worker processes on a real redis-server', () => {
  let server: RedisServer | undefined;
  let entry: string;
  const workers: WorkerProc[] = [];

  beforeAll(async () => {
    entry = buildCliForTest();
    server = await startRedisServer();
  }, 240_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exit));
    await server?.stop();
  });

  const startWorkerProcess = (queueName: string): WorkerProc => {
    const args = [entry, 'worker', '--queue', server!.url, '--queue-name', queueName, '--lock-duration', '1500', '--stalled-interval', '500'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const w: WorkerProc = { child, log: '', exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
    child.stderr!.on('data', (d: Buffer) => (w.log += d.toString()));
    workers.push(w);
    return w;
  };

  const waitFor = async (what: string, test: () => boolean, ms = 60_000) => {
    const deadline = Date.now() + ms;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${workers.map((w, i) => `worker ${i}:\n${w.log}`).join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('loses nothing and duplicates nothing when a worker is killed mid-chunk', async () => {
    const dir = tempDir();
    const job = creditJob(creditCsv(dir, 48), { chunkRows: 4, options: { samples: 2000 } }); // 12 chunks
    const queueName = 'kill-test';
    const [victim, ...others] = [0, 1, 2].map(() => startWorkerProcess(queueName));
    await waitFor('3 workers ready', () => workers.every((w) => w.log.includes('waiting for chunks')));

    const out = join(dir, 'out.jsonl');
    const connection = await openRedis(parseRedisUrl(server!.url));
    let killedChunk = -1;
    try {
      const submitted = submitDataset({ connection, queueName, job, out, pollMs: 100, backoffMs: 100 });
      await waitFor('the victim to start a chunk', () => /chunk (\d+) \(rows [^)]*\) of job \w+ started/.test(victim!.log));
      killedChunk = Number(/chunk (\d+) \(rows [^)]*\) of job \w+ started/.exec(victim!.log)![1]);
      victim!.child.kill('SIGKILL');
      expect(await victim!.exit).toBe(null); // killed by the signal
      const summary = await submitted;
      expect(summary).toMatchObject({ rows: 48, chunks: 12, skipped: 0 });
      expect(summary.workers.length).toBeGreaterThanOrEqual(1);
    } finally {
      connection.disconnect();
    }
    // The victim never finished its chunk; another worker did.
    expect(victim!.log).not.toMatch(new RegExp(`chunk ${killedChunk} \\(rows [^)]*\\) of job \\w+ done`));
    const finisher = others.filter((w) => new RegExp(`chunk ${killedChunk} \\(rows [^)]*\\) of job \\w+ done`).test(w.log));
    expect(finisher.length).toBeGreaterThanOrEqual(1);

    const got = readJsonl(out);
    expect(got.map((r) => r.row)).toEqual([...Array(48).keys()]);
    expect(got).toEqual(JSON.parse(JSON.stringify(await localRecords(job))));

    // Graceful stop: SIGTERM, exit 143 with a summary line.
    for (const w of others) w.child.kill('SIGTERM');
    const codes = await Promise.all(others.map((w) => w.exit));
    expect(codes).toEqual([143, 143]);
    for (const w of others) expect(w.log).toMatch(/interrupted \(SIGTERM\): worker stopped: \d+ chunks? done/);
  });
});
