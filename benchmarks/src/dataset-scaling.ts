/**
 * explain-dataset at scale (issue 18), through the real executable (packages/cli/bin, built):
 *   - data: a 100,000-row credit CSV (apps/demo's generator, 8 features) and a folder of 10,000
 *     demo-CNN PNGs (20×20 grey, apps/demo's generator), written under benchmarks/.cache/dataset;
 *   - curve: rows/s against --workers 1, 2, 4, … up to the cores, on a slice of each job;
 *   - scale: the full jobs, killed with SIGKILL part-way and rerun (resume), then compared byte
 *     for byte with a 1-worker run (same results for 1 and N workers);
 * peak RSS of each run is read from /usr/bin/time (max resident set, the whole process with its
 * worker threads).
 *
 *   - sweep (--sweep): cost against KernelSHAP coalitions and IG steps on a slice, all cores.
 * `pnpm --filter @glasswing/benchmarks bench:dataset [--curve] [--scale] [--sweep] [--quick]`
 * (default: curve and scale) writes results/<day>-dataset-scaling[-sweep][-quick].{json,md}.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as encodePng } from 'fast-png';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'packages/cli/bin/glasswing.js');
const CACHE = path.join(ROOT, 'benchmarks/.cache/dataset');
const CREDIT = path.join(ROOT, 'apps/demo/credit/model.json');
const CNN = path.join(ROOT, 'apps/demo/model/model.json');
const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const TABULAR_ROWS = QUICK ? 5_000 : 100_000;
const IMAGES = QUICK ? 1_000 : 10_000;

interface Generators {
  generateCredit(o: { count: number; seed: number }): { x: Float32Array };
  FEATURES: string[];
  generateDataset(o: { count: number; seed: number }): { images: Float32Array; labels: Int32Array };
}

async function generators(): Promise<Generators> {
  const credit = (await import(path.join(ROOT, 'apps/demo/scripts/credit-data.mjs'))) as Pick<Generators, 'generateCredit' | 'FEATURES'>;
  const images = (await import(path.join(ROOT, 'apps/demo/scripts/dataset.mjs'))) as Pick<Generators, 'generateDataset'>;
  return { ...credit, ...images };
}

/** The datasets (written once, reused): credit CSV, its 10,000-row head, a background set, the image folder. */
async function ensureData(): Promise<{ csv: string; head: string; background: string; images: string }> {
  mkdirSync(CACHE, { recursive: true });
  const g = await generators();
  const csv = path.join(CACHE, `credit-${TABULAR_ROWS}.csv`);
  const head = path.join(CACHE, 'credit-head-10000.csv');
  const background = path.join(CACHE, 'credit-background.csv');
  const toCsv = (x: Float32Array, n: number) => [g.FEATURES.join(','), ...Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * 8, i * 8 + 8)).join(','))].join('\n') + '\n';
  if (!existsSync(csv)) writeFileSync(csv, toCsv(g.generateCredit({ count: TABULAR_ROWS, seed: 18 }).x, TABULAR_ROWS));
  if (!existsSync(head)) writeFileSync(head, toCsv(g.generateCredit({ count: 10_000, seed: 18 }).x, 10_000));
  if (!existsSync(background)) writeFileSync(background, toCsv(g.generateCredit({ count: 16, seed: 99 }).x, 16));
  const images = path.join(CACHE, `images-${IMAGES}`);
  if (!existsSync(path.join(images, 'done'))) {
    mkdirSync(images, { recursive: true });
    const { images: px, labels } = g.generateDataset({ count: IMAGES, seed: 18 });
    for (let i = 0; i < IMAGES; i++) {
      const data = Uint8Array.from(px.subarray(i * 400, (i + 1) * 400), (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
      const dir = path.join(images, `class${labels[i]}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${String(i).padStart(5, '0')}.png`), encodePng({ width: 20, height: 20, data, channels: 1, depth: 8 }));
    }
    writeFileSync(path.join(images, 'done'), '');
  }
  return { csv, head, background, images };
}

export interface Run {
  readonly job: string;
  readonly workers: number;
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMb: number;
  readonly note?: string;
}

/** Run the CLI under /usr/bin/time; `killAfterMs` sends SIGKILL then (a crash mid-job). */
function runCli(argv: string[], killAfterMs?: number): Promise<{ code: number | null; seconds: number; peakRssMb: number; stderr: string }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, BIN, 'explain-dataset', ...argv], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), killAfterMs);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const kb = Number(/maxrss_kb=(\d+)/.exec(stderr)?.[1] ?? NaN);
      resolve({ code, seconds: (performance.now() - started) / 1000, peakRssMb: Math.round(kb / 1024), stderr });
    });
  });
}

const JOBS = (d: Awaited<ReturnType<typeof ensureData>>) => ({
  tabular: (data: string) => ['--model', CREDIT, '--method', 'kernel-shap', '--data', data, '--baseline', d.background, '--samples', '32', '--seed', '1', '--target', '1', '--chunk-rows', '500'],
  images: (data: string) => ['--model', CNN, '--method', 'integrated-gradients', '--data', data, '--steps', '16', '--chunk-rows', '250'],
});

async function once(job: string, argv: string[], out: string, workers: number, rows: number, note?: string): Promise<Run> {
  rmSync(out, { force: true });
  rmSync(`${out}.parts`, { recursive: true, force: true });
  const r = await runCli([...argv, '--out', out, '--workers', String(workers), '--no-summary', '--no-progress']);
  if (r.code !== 0) throw new Error(`${job} with ${workers} workers failed:\n${r.stderr}`);
  return { job, workers, rows, seconds: r.seconds, rowsPerSecond: rows / r.seconds, peakRssMb: r.peakRssMb, ...(note ? { note } : {}) };
}

function workerCounts(): number[] {
  const cores = os.availableParallelism();
  const out: number[] = [];
  for (let w = 1; w < cores; w *= 2) out.push(w);
  out.push(cores);
  return out;
}

async function curve(d: Awaited<ReturnType<typeof ensureData>>): Promise<Run[]> {
  const jobs = JOBS(d);
  const tmp = path.join(CACHE, 'out');
  mkdirSync(tmp, { recursive: true });
  const runs: Run[] = [];
  for (const w of workerCounts()) {
    runs.push(await once('kernel-shap, credit CSV (10,000-row head)', jobs.tabular(d.head), path.join(tmp, 'curve-tab.jsonl'), w, 10_000));
    runs.push(await once(`integrated-gradients, ${IMAGES} demo PNGs`, jobs.images(d.images), path.join(tmp, 'curve-img.jsonl'), w, IMAGES));
    console.log(JSON.stringify(runs.slice(-2)));
  }
  return runs;
}

/** Full job on all cores, killed part-way, resumed; then the same job on 1 worker; outputs compared. */
async function scale(name: string, argv: string[], rows: number): Promise<{ runs: Run[]; identical: boolean; resumedAfterKill: boolean }> {
  const tmp = path.join(CACHE, 'out');
  mkdirSync(tmp, { recursive: true });
  const out = path.join(tmp, `${name}-n.jsonl`);
  rmSync(out, { force: true });
  rmSync(`${out}.parts`, { recursive: true, force: true });
  const cores = os.availableParallelism();
  const common = [...argv, '--out', out, '--workers', String(cores), '--no-summary', '--no-progress'];
  const full = await once(name, argv, path.join(tmp, `${name}-probe.jsonl`), cores, rows, 'uninterrupted');
  const killed = await runCli(common, Math.round(full.seconds * 1000 * 0.4));
  const partsBefore = existsSync(`${out}.parts`) ? spawnSync('sh', ['-c', `ls ${out}.parts | grep -c '^[0-9]*\\.jsonl$'`]).stdout.toString().trim() : '0';
  const resumed = await runCli(common);
  if (resumed.code !== 0) throw new Error(`resume of ${name} failed:\n${resumed.stderr}`);
  const one = await once(name, argv, path.join(tmp, `${name}-1.jsonl`), 1, rows, '1 worker (reference for identity)');
  const identical = readFileSync(out).equals(readFileSync(path.join(tmp, `${name}-1.jsonl`))) && readFileSync(out).equals(readFileSync(path.join(tmp, `${name}-probe.jsonl`)));
  const runs: Run[] = [
    full,
    { job: name, workers: cores, rows, seconds: killed.seconds, rowsPerSecond: NaN, peakRssMb: killed.peakRssMb, note: `SIGKILL at 40% of the uninterrupted time; ${partsBefore} chunks were on disk` },
    { job: name, workers: cores, rows, seconds: resumed.seconds, rowsPerSecond: NaN, peakRssMb: resumed.peakRssMb, note: 'rerun after the kill: resumed the remaining chunks' },
    one,
  ];
  console.log(JSON.stringify({ runs, identical }));
  return { runs, identical, resumedAfterKill: killed.code !== 0 && resumed.code === 0 };
}

/** Cost against the per-row work: KernelSHAP coalitions (--samples) and IG steps, on all cores. */
async function sweep(d: Awaited<ReturnType<typeof ensureData>>): Promise<Run[]> {
  const tmp = path.join(CACHE, 'out');
  mkdirSync(tmp, { recursive: true });
  const cores = os.availableParallelism();
  const head = path.join(CACHE, 'credit-head-2000.csv');
  if (!existsSync(head)) writeFileSync(head, readFileSync(d.head, 'utf8').split('\n').slice(0, 2001).join('\n') + '\n');
  const runs: Run[] = [];
  for (const samples of [16, 32, 64, 128]) {
    const argv = ['--model', CREDIT, '--method', 'kernel-shap', '--data', head, '--baseline', d.background, '--samples', String(samples), '--seed', '1', '--target', '1', '--chunk-rows', '250'];
    runs.push(await once(`kernel-shap, 2,000 credit rows, ${samples} coalitions × 16 background`, argv, path.join(tmp, 'sweep.jsonl'), cores, 2000));
  }
  const images = path.join(CACHE, 'images-1000');
  if (existsSync(path.join(images, 'done'))) {
    for (const steps of [8, 16, 32, 64]) {
      const argv = ['--model', CNN, '--method', 'integrated-gradients', '--data', images, '--steps', String(steps), '--chunk-rows', '125'];
      runs.push(await once(`integrated-gradients, 1,000 demo PNGs, ${steps} steps`, argv, path.join(tmp, 'sweep.jsonl'), cores, 1000));
    }
  }
  console.log(JSON.stringify(runs));
  return runs;
}

function table(runs: readonly Run[]): string {
  const rows = runs.map((r) => `| ${r.job} | ${r.workers} | ${r.rows} | ${r.seconds.toFixed(1)} | ${Number.isNaN(r.rowsPerSecond) ? '–' : r.rowsPerSecond.toFixed(0)} | ${Number.isNaN(r.peakRssMb) ? '– (killed)' : r.peakRssMb} | ${r.note ?? ''} |`);
  return ['| job | workers | rows | seconds | rows/s | peak RSS (MiB) | note |', '|---|---:|---:|---:|---:|---:|---|', ...rows].join('\n');
}

async function main(): Promise<void> {
  const d = await ensureData();
  const machine = `${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const result: Record<string, unknown> = { date: new Date().toISOString(), machine, quick: QUICK };
  const md: string[] = [`# explain-dataset scaling (${result['date']})`, '', `Machine: ${machine}. Adapter: the default (onnx-node).`, ''];
  if (args.has('--sweep')) {
    const runs = await sweep(d);
    result['sweep'] = runs;
    md.push('## Cost against per-row work (all cores)', '', table(runs), '');
  }
  if (args.has('--curve') || (!args.has('--scale') && !args.has('--sweep'))) {
    const runs = await curve(d);
    result['curve'] = runs;
    md.push('## rows/s against workers', '', table(runs), '');
  }
  if (args.has('--scale') || (!args.has('--curve') && !args.has('--sweep'))) {
    const jobs = JOBS(d);
    const tab = await scale('tabular', jobs.tabular(d.csv), TABULAR_ROWS);
    const img = await scale('images', jobs.images(d.images), IMAGES);
    result['scale'] = { tabular: tab, images: img };
    md.push('## Full jobs: kill -9, resume, 1 vs N workers', '', table([...tab.runs, ...img.runs]), '');
    md.push(`Resumed output identical to the uninterrupted N-worker run and to the 1-worker run: tabular ${tab.identical}, images ${img.identical}.`, '');
  }
  const day = new Date().toISOString().slice(0, 10);
  const dir = path.join(ROOT, 'benchmarks/results');
  const suffix = `${args.has('--sweep') ? '-sweep' : ''}${QUICK ? '-quick' : ''}`;
  writeFileSync(path.join(dir, `${day}-dataset-scaling${suffix}.json`), JSON.stringify(result, null, 1) + '\n');
  writeFileSync(path.join(dir, `${day}-dataset-scaling${suffix}.md`), md.join('\n'));
  console.log(md.join('\n'));
}

await main();
