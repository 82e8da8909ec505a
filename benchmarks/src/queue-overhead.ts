/**
 * Queue overhead (issue 18): the same explain-dataset job through the local worker pool
 * (`--workers W`) and through the Redis queue (W `glasswing worker` processes, concurrency 1, one
 * model thread each), rows/s end to end as a user sees it (the built CLI as child processes, from
 * the command's start to its exit, pool or queue workers' start-up included: workers are started
 * before the submitter but open their model session on their first chunk). Both outputs must be
 * byte-identical (seeded KernelSHAP, row-seeded), or the row is not written.
 *
 *   pnpm build && pnpm --filter @glasswing/benchmarks bench:queue [--rows 1000] [--chunk-rows 50]
 *     [--samples 200] [--workers 1,2] [--repeats 3] [--out benchmarks/results] [--tag name]
 *
 * Needs redis-server on PATH. Writes <day>-queue-overhead[-<tag>].{json,md}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'packages/cli/bin/glasswing.js');
const CREDIT = path.join(ROOT, 'apps/demo/credit');

export interface QueueOverheadRow {
  readonly workers: number;
  readonly path: 'local' | 'queue';
  readonly rows: number;
  readonly chunkRows: number;
  /** Median wall seconds over the repeats, and rows / that; the fastest run (least disturbed by other load) and rows / that. */
  readonly seconds: number;
  readonly rowsPerS: number;
  readonly bestSeconds: number;
  readonly bestRowsPerS: number;
  readonly allSeconds: readonly number[];
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1', () => (c.end(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not open port ${port}`);
}

function runCli(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`glasswing ${args[0]} exited ${code}: ${err}`))));
  });
}

function startWorkers(n: number, url: string, queueName: string): Promise<ChildProcess[]> {
  const procs = Array.from({ length: n }, () =>
    spawn(process.execPath, [BIN, 'worker', '--queue', url, '--queue-name', queueName, '--concurrency', '1', '--threads', '1', '--quiet'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  return Promise.all(
    procs.map(
      (p) =>
        new Promise<ChildProcess>((resolve, reject) => {
          let log = '';
          p.stderr!.on('data', (d: Buffer) => {
            log += d.toString();
            if (log.includes('waiting for chunks')) resolve(p);
          });
          p.once('exit', (code) => reject(new Error(`worker exited ${code}: ${log}`)));
        }),
    ),
  );
}

async function stopAll(procs: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    procs.map((p) =>
      p.exitCode !== null || p.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            p.removeAllListeners('exit');
            p.once('exit', () => resolve());
            p.kill('SIGTERM');
          }),
    ),
  );
}

export function queueOverheadMarkdown(rows: readonly QueueOverheadRow[], meta: Record<string, unknown>): string {
  const lines = [
    `# Queue overhead: local pool against the Redis queue (${String(meta['date'])})`,
    '',
    `Job: \`explain-dataset\` KernelSHAP (${String(meta['samples'])} coalitions a row, seed 7) on the credit demo model (${String(meta['adapter'])}),`,
    `${String(meta['rows'])} rows in chunks of ${String(meta['chunkRows'])}; ${String(meta['cpus'])} CPUs (${String(meta['cpu'])}), Node ${String(meta['node'])}, Redis on localhost;`,
    `1-minute load average ${Number(meta['loadavg1mBefore']).toFixed(1)} before and ${Number(meta['loadavg1mAfter']).toFixed(1)} after (other work shared the machine).`,
    `${String(meta['repeats'])} end-to-end runs of each path, alternating, with the built CLI (start-up included): median and fastest run`,
    '(the fastest is the least disturbed by other load on a shared machine). The two outputs are byte-identical in every run.',
    '',
    '| workers | local rows/s (median / best) | queue rows/s (median / best) | queue / local (median / best) | local s (median) | queue s (median) |',
    '|---:|---:|---:|---:|---:|---:|',
  ];
  for (const w of [...new Set(rows.map((r) => r.workers))]) {
    const l = rows.find((r) => r.workers === w && r.path === 'local')!;
    const q = rows.find((r) => r.workers === w && r.path === 'queue')!;
    lines.push(
      `| ${w} | ${l.rowsPerS.toFixed(1)} / ${l.bestRowsPerS.toFixed(1)} | ${q.rowsPerS.toFixed(1)} / ${q.bestRowsPerS.toFixed(1)} | ` +
        `${(q.rowsPerS / l.rowsPerS).toFixed(2)} / ${(q.bestRowsPerS / l.bestRowsPerS).toFixed(2)} | ${l.seconds.toFixed(2)} | ${q.seconds.toFixed(2)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const nRows = Number(arg('rows', '1000'));
  const chunkRows = Number(arg('chunk-rows', '50'));
  const samples = Number(arg('samples', '200'));
  const repeats = Number(arg('repeats', '3'));
  const adapter = arg('adapter', 'onnx-node');
  const workersList = arg('workers', '1,2').split(',').map(Number);
  const outDir = path.resolve(arg('out', path.join(ROOT, 'benchmarks/results')));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'glasswing-queue-bench-'));
  const lines = readFileSync(path.join(CREDIT, 'data.csv'), 'utf8').trim().split('\n');
  const body = lines.slice(1);
  const data = path.join(tmp, 'data.csv');
  writeFileSync(data, `${[lines[0], ...Array.from({ length: nRows }, (_, i) => body[i % body.length])].join('\n')}\n`);
  const common = ['--model', path.join(CREDIT, 'model.json'), '--method', 'kernel-shap', '--data', data, '--adapter', adapter];
  const jobArgs = [...common, '--chunk-rows', String(chunkRows), '--samples', String(samples), '--seed', '7', '--no-summary', '--no-progress'];

  const loadBefore = os.loadavg()[0]!;
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}/0`;
  const results: QueueOverheadRow[] = [];
  try {
    await waitForPort(port);
    for (const w of workersList) {
      const times = { local: [] as number[], queue: [] as number[] };
      for (let r = 0; r < repeats; r++) {
        const localOut = path.join(tmp, `local-${w}-${r}.jsonl`);
        times.local.push(await runCli(['explain-dataset', ...jobArgs, '--workers', String(w), '--out', localOut]));
        const queueOut = path.join(tmp, `queue-${w}-${r}.jsonl`);
        const workers = await startWorkers(w, url, `bench-${w}-${r}`);
        try {
          times.queue.push(await runCli(['explain-dataset', ...jobArgs, '--queue', url, '--queue-name', `bench-${w}-${r}`, '--out', queueOut]));
        } finally {
          await stopAll(workers);
        }
        if (readFileSync(localOut, 'utf8') !== readFileSync(queueOut, 'utf8')) throw new Error(`queue output differs from local (workers ${w}, run ${r})`);
        console.error(`workers ${w} run ${r}: local ${times.local.at(-1)!.toFixed(2)} s, queue ${times.queue.at(-1)!.toFixed(2)} s`);
      }
      for (const p of ['local', 'queue'] as const) {
        const s = median(times[p]);
        const best = Math.min(...times[p]);
        results.push({ workers: w, path: p, rows: nRows, chunkRows, seconds: s, rowsPerS: nRows / s, bestSeconds: best, bestRowsPerS: nRows / best, allSeconds: times[p] });
      }
    }
  } finally {
    redis.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
  }
  const day = new Date().toISOString().slice(0, 10);
  const tag = arg('tag', '');
  const name = `${day}-queue-overhead${tag ? `-${tag}` : ''}`;
  const meta = { date: day, rows: nRows, chunkRows, samples, repeats, adapter, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', node: process.version, loadavg1mBefore: loadBefore, loadavg1mAfter: os.loadavg()[0]! };
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, `${name}.json`), `${JSON.stringify({ meta, rows: results }, null, 1)}\n`);
  await writeFile(path.join(outDir, `${name}.md`), queueOverheadMarkdown(results, meta));
  console.log(queueOverheadMarkdown(results, meta));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
