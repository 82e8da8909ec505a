/**
 * The queue across processes: a real redis-server, three `glasswing worker` processes (the built
 * CLI), the dataset job submitted by `glasswing explain-dataset --queue`, and one worker killed with SIGKILL while it runs a chunk. Its
 * chunk must come back to the queue (lock expiry + stalled check, set short here) and be finished
 * by another worker; the output must hold every row exactly once, byte-equal to the local run's
 * output (`explain-dataset` without --queue) (KernelSHAP with a seed: bit-reproducible). Then SIGTERM stops the other workers
 * gracefully (exit 143). Redis and every worker are stopped at the end, on failure too.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  const startWorkerProcess = (queueName: string, extra: string[] = []): WorkerProc => {
    const args = [entry, 'worker', '--queue', server!.url, '--queue-name', queueName, '--lock-duration', '1500', '--stalled-interval', '500', ...extra];
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

  const runEntry = (args: string[]): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      workers.push({ child, log: '', exit: new Promise((r) => child.once('exit', r)) });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
  const STARTED = /chunk (\d+) \(rows [^)]*\) of job \w+ started/;

  it('loses nothing and duplicates nothing when a worker is killed mid-chunk', async () => {
    const dir = tempDir();
    const job = creditJob(creditCsv(dir, 48), { chunkRows: 4, options: { samples: 1000 } }); // 12 chunks
    const queueName = 'kill-test';
    const [victim, ...others] = [0, 1, 2].map(() => startWorkerProcess(queueName));
    await waitFor('3 workers ready', () => workers.every((w) => w.log.includes('waiting for chunks')));

    const out = join(dir, 'out.jsonl');
    const jobArgs = ['--model', job.model, '--method', 'kernel-shap', '--data', job.data, '--adapter', 'reference', '--chunk-rows', '4', '--samples', '1000', '--seed', '7'];
    const submitter = runEntry(['explain-dataset', ...jobArgs, '--out', out, '--queue', server!.url, '--queue-name', queueName, '--backoff', '100', '--progress']);
    await waitFor('the victim to start a chunk', () => STARTED.test(victim!.log));
    const killedChunk = Number(STARTED.exec(victim!.log)![1]);
    victim!.child.kill('SIGKILL');
    expect(await victim!.exit).toBe(null); // killed by the signal
    const sub = await submitter;
    expect(sub.code, sub.stderr).toBe(0);
    expect(sub.stderr).toMatch(/explain-dataset: 48 rows in 12 chunks via redis:\/\/127\.0\.0\.1:\d+\/0 queue 'kill-test' \(job \w+\), [23] workers/);
    expect(sub.stderr).toMatch(/explain-dataset \(queue\) \[#+-*\] +\d+% \d+\/12 chunks, \d+ running(, \d+ retried)?, ETA \w+/);
    expect(existsSync(join(dir, 'out-summary', 'summary.json'))).toBe(true);

    // The victim never finished its chunk; another worker did.
    expect(victim!.log).not.toMatch(new RegExp(`chunk ${killedChunk} \\(rows [^)]*\\) of job \\w+ done`));
    const finisher = others.filter((w) => new RegExp(`chunk ${killedChunk} \\(rows [^)]*\\) of job \\w+ done`).test(w.log));
    expect(finisher.length).toBeGreaterThanOrEqual(1);

    const got = readJsonl(out);
    expect(got.map((r) => r.row)).toEqual([...Array(48).keys()]);
    // The local run (no queue) of the same job writes the same bytes.
    const local = join(dir, 'local.jsonl');
    const loc = await runEntry(['explain-dataset', ...jobArgs, '--out', local, '--workers', '1', '--no-summary']);
    expect(loc.code, loc.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(local, 'utf8'));
    expect(got).toEqual(JSON.parse(JSON.stringify(await localRecords(job))));

    // Graceful stop: SIGTERM, exit 143 with a summary line.
    for (const w of others) w.child.kill('SIGTERM');
    const codes = await Promise.all(others.map((w) => w.exit));
    expect(codes).toEqual([143, 143]);
    for (const w of others) expect(w.log).toMatch(/interrupted \(SIGTERM\): worker stopped: \d+ chunks? done/);
  });

  it('an interrupted submitter leaves its chunks queued; a worker stopped by SIGTERM finishes its chunk; the rerun collects', async () => {
    const dir = tempDir();
    const job = creditJob(creditCsv(dir, 24), { chunkRows: 8, options: { samples: 4000 } }); // 3 chunks
    const queueName = 'resume-test';
    const out = join(dir, 'out.jsonl');
    const args = ['explain-dataset', '--model', job.model, '--method', 'kernel-shap', '--data', job.data, '--adapter', 'reference'];
    args.push('--chunk-rows', '8', '--samples', '4000', '--seed', '7', '--out', out, '--queue', server!.url, '--queue-name', queueName, '--no-summary', '--progress');

    // No worker yet: the submitter enqueues, waits, and is stopped with Ctrl-C.
    const first = runEntry(args);
    const sub = workers.at(-1)!;
    sub.child.stderr!.on('data', (d: Buffer) => (sub.log += d.toString()));
    await waitFor('the submitter to show progress', () => sub.log.includes('0/3 chunks'));
    sub.child.kill('SIGINT');
    const stopped = await first;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted \(SIGINT\): 0 of 3 chunks in the output; the other chunks stay queued for the workers: run the same command again to collect them/);

    // A worker takes a chunk and is asked to stop while it runs: it finishes that chunk first.
    const a = startWorkerProcess(queueName);
    await waitFor('worker A to start a chunk', () => STARTED.test(a.log));
    const chunk = Number(STARTED.exec(a.log)![1]);
    a.child.kill('SIGTERM');
    expect(await a.exit).toBe(143);
    expect(a.log).toMatch(/worker: stopping: finishing 1 chunk\(s\) in flight/);
    expect(a.log).toMatch(new RegExp(`chunk ${chunk} \\(rows [^)]*\\) of job \\w+ done: 8 records`));
    expect(a.log).toMatch(/interrupted \(SIGTERM\): worker stopped: 1 chunk done, 0 failed attempts/);

    // Another worker and the same command again: every row once, as the local run.
    startWorkerProcess(queueName);
    const again = await runEntry(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/24 rows in 3 chunks .* 2 workers/);
    expect(readJsonl(out)).toEqual(JSON.parse(JSON.stringify(await localRecords(job))));
  });

  it('--idle-exit: a worker with nothing to do exits 0 after that long', async () => {
    const w = startWorkerProcess('idle-test', ['--idle-exit', '1']);
    const t0 = Date.now();
    expect(await w.exit).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(w.log).toMatch(/worker: idle for 1 s; exiting: 0 chunks done, 0 failed attempts/);
  });
});
