/**
 * The queue's command-line surface without Redis: flag parsing and usage errors of
 * `explain-dataset --queue…` and `glasswing worker`, the help texts, and an unreachable server
 * reported as one error line (exit 1) instead of endless reconnecting.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../args.js';
import { splitQueueArgs } from '../commands/explain-dataset-queue.js';
import { parseQueueArgs } from '../queue/run-queued.js';
import { formatQueueProgress } from '../queue/progress.js';
import { freePort } from './redis-server.js';
import { run } from './helpers.js';

describe('explain-dataset queue flags', () => {
  it('takes the queue flags out of argv in both spellings and leaves the rest in order', () => {
    const { queue, rest } = splitQueueArgs(['--model', 'm', '--queue', 'redis://h:1/2', '--data', 'd', '--queue-name=q', '--attempts', '5']);
    expect(queue).toEqual({ queue: 'redis://h:1/2', 'queue-name': 'q', attempts: '5' });
    expect(rest).toEqual(['--model', 'm', '--data', 'd']);
    expect(() => splitQueueArgs(['--queue'])).toThrow(/'--queue' needs a value/);
    expect(() => splitQueueArgs(['--queue', 'a', '--queue', 'b'])).toThrow(/given more than once/);
    expect(parseQueueArgs({ queue: 'redis://h:1', backoff: '10' })).toEqual({ url: 'redis://h:1', name: 'glasswing-explain', attempts: 3, backoffMs: 10 });
    expect(parseQueueArgs({})).toBeUndefined();
    expect(() => parseQueueArgs({ attempts: '2' })).toThrow(UsageError);
    expect(() => parseQueueArgs({ queue: 'redis://h:1', attempts: '0' })).toThrow(/--attempts must be at least 1/);
  });

  it('usage errors exit 2 with one line; --help lists the queue flags', async () => {
    const noQueue = await run(['explain-dataset', '--model', 'm', '--method', 'saliency', '--data', 'd', '--queue-name', 'x']);
    expect(noQueue).toMatchObject({ code: 2, stderr: "glasswing: error: --queue-name needs --queue redis://host:port\n" });
    const badUrl = await run(['explain-dataset', '--model', 'm', '--method', 'saliency', '--data', 'd', '--queue', 'localhost:6379']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/--queue must start with redis:\/\/ or rediss:\/\//);
    const help = await run(['explain-dataset', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--queue <url>/);
    expect(help.stdout).toMatch(/--attempts <n>/);
    const top = await run(['--help']);
    expect(top.stdout).toMatch(/\n {2}worker {6}process the chunks/);
  });

  it('glasswing worker: --queue required, integers checked, help', async () => {
    expect(await run(['worker'])).toMatchObject({ code: 2 });
    expect((await run(['worker'])).stderr).toMatch(/missing --queue redis:\/\/host:port\[\/db\]/);
    expect((await run(['worker', '--queue', 'redis://h:1', '--concurrency', '0'])).stderr).toMatch(/--concurrency must be at least 1/);
    const help = await run(['worker', '--help']);
    expect(help.code).toBe(0);
    for (const f of ['--queue <url>', '--concurrency <n>', '--threads <n>', '--lock-duration <ms>', '--stalled-interval <ms>', '--idle-exit <s>']) {
      expect(help.stdout).toContain(f);
    }
  });

  it('a server that does not answer is one error line, exit 1', async () => {
    const port = await freePort(); // nothing listens there
    const r = await run(['explain-dataset', '--model', 'm.json', '--method', 'saliency', '--data', 'd.csv', '--queue', `redis://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^glasswing: error: cannot reach the queue's Redis server at redis://127\\.0\\.0\\.1:${port}/0: .*\\n$`));
    const w = await run(['worker', '--queue', `redis://127.0.0.1:${port}/0`]);
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/cannot reach the queue's Redis server/);
  });

  it('progress line: chunks done, running, retried, ETA', () => {
    const line = formatQueueProgress('q', { chunks: 10, done: 4, rows: 100, rowsDone: 40, running: 2, retried: 1, etaS: 12 });
    expect(line).toBe('q [############------------------]  40% 4/10 chunks, 2 running, 1 retried, ETA 12s');
    expect(formatQueueProgress('q', { chunks: 4, done: 0, rows: 8, rowsDone: 0, running: 0, retried: 0 })).toMatch(/0\/4 chunks, 0 running, ETA --$/);
  });
});
