/**
 * The published-model corpus on every adapter (issue 19): the nsfwjs package's MobileNetV2 224 and
 * InceptionV3 299 LayersModels and its MobileNetV2Mid graph model, loaded as published, each
 * predicting what nsfwjs predicts (its own tfjs-layers / tfjs-converter runtime) and running every
 * gradient, rule and layer method of METHODS with default settings on one photo (target: nsfwjs'
 * top class; layer methods on the last convolutional block, neuron 0). Checks that apply: IG
 * completeness (50 steps on the probabilities) and DeepLIFT summation-to-delta, from the methods'
 * own convergence deltas.
 *
 * nsfwjs' predictions are computed once in their own process; each adapter then runs in a fresh
 * Node process (wasm heaps and ORT arenas never add up) under a time budget: a method cut off by
 * the budget (AbortSignal) and those after it are recorded as not run, with the reason.
 *
 * The rows are written to packages/tfjs/test/corpus-results/<adapter>.json (format
 * glasswing-model-corpus/1, rendered into docs/models.md by scripts/gen-models-doc.mjs).
 *
 *   pnpm --filter @glasswing/benchmarks corpus [--adapter onnx-node,reference] [--model inception] [--budget-s 1800] [--out <dir>] [--resume] [--reduced]
 *
 * `--resume` starts from the rows already in `--out` (else the committed ones): methods finished there
 * are kept and not run again, so runs on slow adapters add up across sessions.
 *
 * `--reduced` (for adapters where a 50-step method on InceptionV3 takes hours: tfjs-cpu, gpu.js' cpu
 * modes) runs the methods not yet finished with every default except their step or sample count,
 * set to the model's largest default call plus one (`maxRowsPerCall + 1`, at least 2): each call is
 * as large as a default run's, so memory and every code path are those of the default run, and only
 * the number of calls is smaller. Such methods are listed in the row's `methods.reduced`; a later
 * run without `--reduced` runs them again with the defaults and drops them from that list.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeepLift, type AttributionResult, type Graph, type Model, type Tensor } from '@glasswing/core';
import { adapterById } from './adapters.js';
import { loadNsfwGraph } from './nsfwjs.js';
import { CORPUS_METHODS, CORPUS_MODELS, inputOf, photo, type CorpusModel } from './corpus-models.js';

import { crashedRow, MethodLedger, resultsFile, rowHead, type CorpusRow } from './corpus-rows.js';
export { CORPUS_METHODS, CORPUS_MODELS, inputOf, photo, type CorpusModel };
export { resultsFile, type CorpusRow } from './corpus-rows.js';

const HERE = fileURLToPath(import.meta.url);
export const RESULTS_DIR = path.resolve(path.dirname(HERE), '../../packages/tfjs/test/corpus-results');

/** IG completeness: |Σ attr − (f(x) − f(0))| ≤ 5% of |f(x) − f(0)| + 1e-3 (probabilities). */
const IG_TOL = { rel: 0.05, abs: 1e-3 };
/** DeepLIFT summation-to-delta (float32 through ~100 layers). */
const DEEPLIFT_TOL = { rel: 1e-3, abs: 1e-5 };

/** nsfwjs' own class probabilities for each model's photo (its runtime: tfjs-layers / tfjs-converter on tfjs-cpu). */
export async function nsfwjsPredictions(models: readonly CorpusModel[]): Promise<Record<string, number[]>> {
  const tf = await import('@tensorflow/tfjs');
  const nsfwjs = await import('nsfwjs');
  await tf.setBackend('cpu');
  const out: Record<string, number[]> = {};
  for (const m of models) {
    const net = await nsfwjs.load(m.nsfwName, { size: m.size });
    const img = tf.tensor3d(photo(m.size), [m.size, m.size, 3]);
    const probs = net.infer(img) as InstanceType<typeof tf.Tensor>;
    out[m.id] = Array.from(await probs.data());
    tf.dispose([img, probs]);
    net.dispose();
  }
  return out;
}

const sumOf = (t: Tensor): number => t.data.reduce((a, b) => a + b, 0);
const deltaOf = (r: AttributionResult): number | undefined => {
  const d = r.delta as Tensor | number | readonly number[] | undefined;
  if (d === undefined) return undefined;
  if (typeof d === 'number') return d;
  const arr = 'data' in (d as object) ? Array.from((d as Tensor).data) : Array.from(d as readonly number[]);
  return arr.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
};

/**
 * DeepLIFT's summation-to-delta holds exactly only below the final Softmax (Captum's advice too):
 * checked on the logits, the graph up to the Softmax's input, in a model of its own made and disposed
 * before the corpus model (one InceptionV3 at a time; run first, while the tfjs-wasm heap is fresh —
 * after 22 methods its fragmented heap could not fit the second copy). The check passed, a note
 * saying by how much it missed, or undefined when the graph does not end in a Softmax or time is up.
 */
async function deepLiftOnLogits(adapter: string, graph: Graph, x: Tensor, target: number, budgetEnd: number): Promise<{ check?: string; note?: string } | undefined> {
  const last = graph.nodes[graph.nodes.length - 1]!;
  if (last.op !== 'Softmax' || budgetEnd <= Date.now()) return undefined;
  const logitsGraph: Graph = { ...graph, name: `${graph.name}_logits`, nodes: graph.nodes.slice(0, -1), outputs: [last.inputs[0]!] };
  const logits = await adapterById(adapter).create(logitsGraph, {});
  try {
    const r = await new DeepLift(logits).attribute(x, { target, signal: AbortSignal.timeout(Math.max(1, budgetEnd - Date.now())) });
    const l0 = (await logits.forward({ shape: x.shape, data: new Float32Array(x.data.length) })).data[target]!;
    const change = r.outputs.data[target]! - l0;
    const d = Math.abs(sumOf(r.attributions) - change);
    if (d <= DEEPLIFT_TOL.rel * Math.abs(change) + DEEPLIFT_TOL.abs) return { check: 'DeepLIFT summation-to-delta (logits)' };
    return { note: `DeepLIFT on the logits: |Σ − Δlogit| = ${d.toPrecision(2)} of ${Math.abs(change).toPrecision(2)}` };
  } catch (e) {
    const err = e as Error;
    if (err.name === 'AbortError' || err.name === 'TimeoutError') return undefined;
    // Notes are joined with '; ': none inside one.
    return { note: `DeepLIFT on the logits failed: ${err.name}: ${err.message.slice(0, 200).replaceAll('; ', ', ')}` };
  } finally {
    await logits.dispose();
  }
}

/** Runs every corpus method on one model and adapter (in this process). */
export async function runModel(
  adapter: string,
  m: CorpusModel,
  expected: readonly number[],
  budgetEnd: number,
  log: (l: string) => void,
  /** A previous row of this (adapter, model): its `ok` methods are not run again and are kept. */
  previous?: CorpusRow,
  /** Called with the row so far after each method. */
  checkpoint?: (row: CorpusRow) => void,
  /** Run unfinished methods with fewer steps / samples (see `--reduced` above). */
  reducedRun = false,
): Promise<CorpusRow> {
  const seconds: Record<string, number> = { ...(previous?.runtime?.methods ?? {}) };
  const ledger = new MethodLedger(previous?.methods, reducedRun);
  const checks: string[] = previous && ledger.keptAny ? [...previous.checks] : [];
  const notes: string[] = previous && ledger.keptAny ? previous.notes.split('; ').filter((n) => !n.startsWith('layer methods on ') && !n.startsWith('DeepLIFT on the logits')) : [];
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const t0 = performance.now();
  let model: Model | undefined;
  let predictionError: number | null = null;
  // The row as it stands (also sent after each method, so a run cut short keeps what it finished).
  const rowNow = (): CorpusRow => {
    const totalS = (performance.now() - t0) / 1000;
    const peakRssMb = Math.round(peak / 2 ** 20);
    return {
      ...rowHead(adapter, m),
      loads: model !== undefined,
      predictionError,
      methods: ledger.methods(CORPUS_METHODS.map((c) => c.id)),
      checks: [...new Set(checks)].sort(),
      notes: [`layer methods on ${m.layer.split('/').slice(-2).join('/')}`, ...new Set(notes)].join('; '),
      timing: { seconds: { ...seconds }, peakRssMb: Math.max(peakRssMb, previous?.runtime?.peakRssMb ?? 0), totalS: totalS + (previous?.runtime?.seconds ?? 0) },
    };
  };
  try {
    const graph = await loadNsfwGraph(m.nsfwjs);
    const x = inputOf(m);
    const target = expected.indexOf(Math.max(...expected));
    if (!checks.includes('DeepLIFT summation-to-delta (logits)')) {
      const logitsCheck = await deepLiftOnLogits(adapter, graph, x, target, budgetEnd);
      if (logitsCheck?.check) checks.push(logitsCheck.check);
      if (logitsCheck?.note) notes.push(logitsCheck.note);
    }
    model = await adapterById(adapter).create(graph, {});
    const y = await model.forward(x);
    const scale = Math.max(...expected.map(Math.abs));
    predictionError = Math.max(...expected.map((e, i) => Math.abs(y.data[i]! - e))) / scale;
    const f0 = (await model.forward({ shape: x.shape, data: new Float32Array(x.data.length) })).data[target]!;
    const dF = y.data[target]! - f0;
    for (const spec of CORPUS_METHODS) {
      if (ledger.done(spec.id)) continue;
      const left = budgetEnd - Date.now();
      if (left <= 0) {
        ledger.timedOut(spec.id);
        continue;
      }
      // --reduced: the step / sample count of one largest default call plus one (at least 2).
      const count = spec.options.includes('steps') ? 'steps' : spec.options.includes('samples') ? 'samples' : undefined;
      const cut = reducedRun && count ? { option: count, value: Math.max(2, (model.maxRowsPerCall ?? 1) + 1), default: spec.defaults[count] as number } : undefined;
      const o = {
        target,
        signal: AbortSignal.timeout(left),
        ...(spec.options.includes('layer') ? { layer: m.layer } : {}),
        ...(spec.options.includes('neuron') ? { neuron: 0 } : {}),
        ...(cut ? { [cut.option]: cut.value } : {}),
      };
      const s0 = performance.now();
      try {
        const r = await spec.run(model, x, o);
        seconds[spec.id] = (performance.now() - s0) / 1000;
        const bad = Array.from(r.attributions.data).findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) throw new Error(`non-finite attribution at ${bad}`);
        ledger.finished(spec.id, cut);
        if (spec.id === 'integrated-gradients' && !cut) {
          const gap = Math.abs(sumOf(r.attributions) - dF);
          if (gap <= IG_TOL.rel * Math.abs(dF) + IG_TOL.abs) checks.push('IG completeness');
          else notes.push(`IG at 50 steps: |Σ − (f(x) − f(0))| = ${gap.toPrecision(2)} of ${Math.abs(dF).toPrecision(2)}`);
        }
        if (spec.id === 'deeplift') {
          const d = deltaOf(r);
          if (d !== undefined && d <= DEEPLIFT_TOL.rel * Math.abs(dF) + DEEPLIFT_TOL.abs) checks.push('DeepLIFT summation-to-delta');
          else notes.push(`DeepLIFT delta ${d?.toPrecision(2)} of f(x) − f(0) = ${dF.toPrecision(2)}`);
        }
        log(`  ${adapter} ${m.id} ${spec.id}: ${seconds[spec.id]!.toFixed(2)} s`);
      } catch (e) {
        const err = e as Error;
        if (err.name === 'AbortError' || err.name === 'TimeoutError') ledger.timedOut(spec.id);
        else ledger.failedWith(spec.id, `${err.name}: ${err.message}`);
        log(`  ${adapter} ${m.id} ${spec.id}: ${err.name}: ${err.message.slice(0, 200)}`);
      }
      checkpoint?.(rowNow());
    }
  } catch (e) {
    ledger.failedWith('load', `${(e as Error).name}: ${(e as Error).message}`);
  } finally {
    await model?.dispose();
    clearInterval(sampler);
  }
  return rowNow();
}

interface ChildJob {
  readonly adapter: string;
  readonly models: readonly string[];
  readonly expected: Record<string, number[]>;
  readonly budgetS: number;
  /** Rows from an earlier run (`--resume`): their finished methods are kept, not run again. */
  readonly previous?: readonly CorpusRow[];
  /** `--reduced`. */
  readonly reduced?: boolean;
}

function child(args: readonly string[], log: (l: string) => void, onPartial?: (row: CorpusRow) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--conditions=@glasswing/source', '--import', 'tsx', HERE, ...args], {
      cwd: path.dirname(path.dirname(HERE)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let pending = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // PARTIAL lines: the row so far, after each method (kept if the process is cut short).
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) if (l.startsWith('PARTIAL ')) onPartial?.(JSON.parse(l.slice('PARTIAL '.length)) as CorpusRow);
    });
    p.stderr.on('data', (d: Buffer) => {
      const s = d.toString();
      err += s;
      for (const l of s.split('\n')) if (l) log(l);
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`${args[0]} process exited with ${code}: ${err.trim().split("\n").slice(-3).join(" | ").slice(-400)}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)));
    });
  });
}

/** nsfwjs' predictions (own process), then every adapter's rows (one process each). */
export async function runCorpus(opts: {
  adapters: readonly string[];
  models: readonly CorpusModel[];
  budgetS: number;
  log?: (l: string) => void;
  /** A JSON file keeping nsfwjs' predictions between runs (read, and written when it lacked a model). */
  expectedCache?: string;
  /** Called with every row so far after each (adapter, model) process (to write files as it goes). */
  onRows?: (rows: readonly CorpusRow[]) => void;
  /** Earlier rows to resume from (methods already finished there are not run again). */
  previous?: readonly CorpusRow[];
  /** `--reduced`: unfinished methods with fewer steps / samples. */
  reduced?: boolean;
}): Promise<CorpusRow[]> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const ids = opts.models.map((m) => m.id);
  // nsfwjs' predictions depend only on the model and the photo: kept across runs (a local file).
  const cached: Record<string, number[]> = opts.expectedCache ? await readFile(opts.expectedCache, 'utf8').then((t) => JSON.parse(t) as Record<string, number[]>, () => ({})) : {};
  const missing = ids.filter((id) => !cached[id]);
  const expected = { ...cached, ...(missing.length ? ((await child(['--expected', JSON.stringify(missing)], log)) as Record<string, number[]>) : {}) };
  if (opts.expectedCache && missing.length) await writeFile(opts.expectedCache, JSON.stringify(expected, null, 2));
  const rows: CorpusRow[] = [];
  // One process per (adapter, model): heaps never add up, and each model gets the whole budget.
  for (const adapter of opts.adapters) {
    for (const id of ids) {
      const previous = opts.previous?.filter((r) => r.adapter === adapter && r.model === id);
      const full = (r: CorpusRow) =>
        r.methods.failed.length === 0 && CORPUS_METHODS.every((c) => r.methods.ok.includes(c.id)) && (opts.reduced || !r.methods.reduced?.length) && !r.notes.includes('DeepLIFT on the logits failed');
      if (previous?.length && full(previous[0]!)) {
        log(`  ${adapter} ${id}: every method already finished (--resume)`);
        continue;
      }
      const job: ChildJob = { adapter, models: [id], expected, budgetS: opts.budgetS, ...(previous?.length ? { previous } : {}), ...(opts.reduced ? { reduced: true } : {}) };
      let last: CorpusRow | undefined;
      try {
        const onPartial = (row: CorpusRow) => {
          last = row;
          opts.onRows?.([...rows, row]);
        };
        rows.push(...((await child(['--child', JSON.stringify(job)], log, onPartial)) as CorpusRow[]));
      } catch (e) {
        // A crashed process (e.g. a backend that aborts on memory) is a failed row, not a lost run:
        // the methods it finished before (its last PARTIAL row) are kept.
        const m = opts.models.find((x) => x.id === id)!;
        const crashed = crashedRow(adapter, m, (e as Error).message);
        rows.push(last ? { ...last, methods: { ...last.methods, failed: [...last.methods.failed, ...crashed.methods.failed] } } : crashed);
      }
      opts.onRows?.(rows);
    }
  }
  return rows;
}

async function main(argv: readonly string[]): Promise<void> {
  const at = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (at('--expected')) {
    const ids = JSON.parse(at('--expected')!) as string[];
    const r = await nsfwjsPredictions(CORPUS_MODELS.filter((m) => ids.includes(m.id)));
    process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
    return;
  }
  if (at('--child')) {
    const job = JSON.parse(at('--child')!) as ChildJob;
    const end = Date.now() + job.budgetS * 1000;
    const rows: CorpusRow[] = [];
    for (const m of CORPUS_MODELS.filter((c) => job.models.includes(c.id))) {
      const previous = job.previous?.find((r) => r.model === m.id && r.adapter === job.adapter);
      const partial = (row: CorpusRow) => process.stdout.write(`PARTIAL ${JSON.stringify(row)}\n`);
      rows.push(await runModel(job.adapter, m, job.expected[m.id]!, end, (l) => process.stderr.write(`${l}\n`), previous, partial, job.reduced === true));
    }
    process.stdout.write(`RESULT ${JSON.stringify(rows)}\n`);
    return;
  }
  const adapters = (at('--adapter') ?? 'onnx-node').split(',');
  const filter = at('--model');
  const models = CORPUS_MODELS.filter((m) => !filter || m.id.includes(filter));
  const budgetS = Number(at('--budget-s') ?? 3600);
  const out = at('--out') ?? RESULTS_DIR;
  await mkdir(out, { recursive: true });
  const write = async (rows: readonly CorpusRow[]): Promise<void> => {
    for (const a of new Set(rows.map((r) => r.adapter))) {
      const file = path.join(out, `${a}.json`);
      // Rows of models not run this time are kept from the committed file.
      const kept = await readFile(file, 'utf8')
        .then((t) => (JSON.parse(t) as { rows: CorpusRow[] }).rows.filter((r) => !rows.some((n) => n.adapter === a && n.model === r.model)))
        .catch(() => [] as CorpusRow[]);
      const order = (r: CorpusRow): number => CORPUS_MODELS.findIndex((c) => c.id === r.model);
      await writeFile(file, resultsFile(a, [...kept, ...rows].sort((p, q) => order(p) - order(q))));
      process.stderr.write(`wrote ${file}\n`);
    }
  };
  // --resume: start from the rows in the output folder (or the committed ones when it has none).
  const previous: CorpusRow[] = [];
  if (argv.includes('--resume')) {
    for (const a of adapters) {
      const read = (dir: string) => readFile(path.join(dir, `${a}.json`), 'utf8').then((t) => (JSON.parse(t) as { rows: CorpusRow[] }).rows);
      previous.push(...(await read(out).catch(() => read(RESULTS_DIR)).catch(() => [] as CorpusRow[])));
    }
  }
  let pending = Promise.resolve();
  const expectedCache = path.join(out, '..', 'corpus-expected.local.json');
  const reducedRun = argv.includes('--reduced');
  const rows = await runCorpus({ adapters, models, budgetS, expectedCache, previous, reduced: reducedRun, onRows: (r) => void (pending = pending.then(() => write(r))) });
  await pending;
  await write(rows);
  await writeFile(path.join(out, '..', 'corpus-timings.local.json'), JSON.stringify(rows.map((r) => ({ model: r.model, adapter: r.adapter, ...r.timing })), null, 2)).catch(() => undefined);
}

if (process.argv[1] === HERE) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
