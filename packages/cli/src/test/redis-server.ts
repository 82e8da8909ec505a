/**
 * A throw-away `redis-server` for the queue tests: a free port on 127.0.0.1, no persistence
 * (--save '' --appendonly no), stopped by `stop()` and, should the test process die first, by
 * its own parent-death watch (the server exits when this process is gone).
 *
 * Where redis-server is not installed the queue tests skip with a printed reason, except under
 * CI=true, where a missing redis-server is a failure (.ci/run installs it).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export function redisServerPath(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path ? path : undefined;
}

/** Why the Redis tests cannot run here (printed), or undefined when they can or must. */
export function redisSkipReason(): string | undefined {
  if (redisServerPath()) return undefined;
  if (process.env.CI) return undefined; // CI must have it: the tests run and fail
  return 'redis-server is not on PATH: the queue (Redis / BullMQ) tests are skipped. Install it (apt-get install redis-server) to run them; under CI=true they fail instead.';
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const bin = redisServerPath();
  if (!bin) throw new Error('redis-server is not installed (CI installs it in .ci/run: apt-get install redis-server)');
  const port = await freePort();
  // A shell keeps watch: it stops the server when told (TERM) and when this process is gone.
  const watch =
    'parent=$1; shift; "$@" & r=$!; trap \'kill $r 2>/dev/null; wait $r; exit 0\' TERM INT; ' +
    'while kill -0 "$parent" 2>/dev/null && kill -0 $r 2>/dev/null; do sleep 0.5; done; kill $r 2>/dev/null; wait $r';
  const args = [bin, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
  const child = spawn('sh', ['-c', watch, 'redis-watch', String(process.pid), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`redis-server did not start on port ${port}: ${stderr.trim() || 'no output'}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { port, url: `redis://127.0.0.1:${port}/0`, process: child, stop };
}
