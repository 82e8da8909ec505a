/**
 * `glasswing explain-dataset`: an attribution method over every example of a dataset file or
 * image folder, on a pool of worker threads, into a resumable JSONL file, then the dataset
 * summary (global importance, beeswarm / dependence plots or per-class average maps).
 */
import { availableParallelism } from 'node:os';
import { dirname, basename, join } from 'node:path';
import { AbortError, METHODS } from '@glasswing/core';
import type { Graph } from '@glasswing/core';
import { PROGRESS_FLAGS, UsageError, parseChoice, parseFlags, parseInteger, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { resolvePath } from '../files.js';
import type { ResolvedIO } from '../io.js';
import { InterruptedError, stopSignalName } from '../interrupt.js';
import { ADAPTERS, imageLayout, loadModelFile } from '../model-file.js';
import { progressBar, progressEnabled } from '../progress.js';
import { planChunks } from '../dataset/chunk.js';
import type { DatasetJob } from '../dataset/chunk.js';
import { runLocal } from '../dataset/local-pool.js';
import { finalize, initOutput } from '../dataset/output.js';
import { DATASET_FORMATS, guessFormat, openReader } from '../dataset/readers/index.js';
import { writeSummary } from '../dataset/summary.js';
import { ATTRIBUTE_FLAGS, parseMethodOptions, methodIds } from './attribute.js';
import { explainDatasetUsage } from './explain-dataset-help.js';

const METHOD_FLAGS = Object.fromEntries(
  Object.entries(ATTRIBUTE_FLAGS).filter(([k]) => !['input', 'out', 'heatmap', 'target', 'model', 'method', 'adapter', 'help', 'progress', 'no-progress'].includes(k)),
);

export const EXPLAIN_DATASET_FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  method: 'value',
  data: 'value',
  format: 'value',
  adapter: 'value',
  out: 'value',
  'chunk-rows': 'value',
  workers: 'value',
  'top-k': 'value',
  target: 'value',
  'max-memory-mb': 'value',
  summary: 'value',
  'no-summary': 'switch',
  ...METHOD_FLAGS,
  ...PROGRESS_FLAGS,
  help: 'switch',
};

export const DEFAULT_CHUNK_ROWS = 256;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface ExplainDatasetRequest {
  readonly job: DatasetJob;
  readonly out: string;
  readonly workers: number;
  readonly maxMemoryMb?: number;
  /** Summary folder, or null for --no-summary. */
  readonly summary: string | null;
  readonly progress?: boolean;
}

/** Rows per chunk within --max-memory-mb: each worker holds one chunk's input, attributions and JSON text (~64 bytes a value). */
export function chunkRowsWithin(maxMemoryMb: number, workers: number, valuesPerRow: number, wanted: number): number {
  const perRow = Math.max(1, valuesPerRow) * 64;
  return Math.max(1, Math.min(wanted, Math.floor((maxMemoryMb * 2 ** 20) / (2 * workers * perRow))));
}

async function dataRowSize(job: DatasetJob): Promise<number> {
  const r = await openReader(job.data, job.format);
  await r.close();
  return r.rowShape.reduce((a, b) => a * b, 1);
}

function modelInputSize(graph: Graph | null): number | undefined {
  const shape = graph?.inputs[0]?.shape.slice(1);
  return shape && shape.every((d) => d > 0) ? shape.reduce((a, b) => a * b, 1) : undefined;
}

export function parseExplainDatasetArgs(argv: readonly string[], cwd: string): ExplainDatasetRequest | 'help' {
  const { values: v, switches, positionals } = parseFlags(argv, EXPLAIN_DATASET_FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  for (const name of ['model', 'method', 'data']) if (v[name] === undefined) throw new UsageError(`missing required option --${name}`);
  const method = v['method']!;
  if (!Object.prototype.hasOwnProperty.call(METHODS, method)) throw new UsageError(`unknown method '${method}'; valid methods: ${methodIds().join(', ')}`);
  const { seed, ...options } = parseMethodOptions(v);
  const out = resolvePath(cwd, v['out'] ?? 'results.jsonl');
  if (v['summary'] !== undefined && switches.has('no-summary')) throw new UsageError('--summary and --no-summary contradict each other; give one');
  const target = v['target'] === undefined || v['target'] === 'predicted' ? undefined : parseInteger('target', v['target'], 0);
  const baseline = v['baseline'];
  if (baseline !== undefined) options['baseline'] = baseline === 'zeros' || NUMBER.test(baseline) ? baseline : resolvePath(cwd, baseline);
  if (v['feature-mask'] !== undefined) options['featureMask'] = resolvePath(cwd, v['feature-mask']);
  const job: DatasetJob = {
    model: resolvePath(cwd, v['model']!),
    ...(v['adapter'] !== undefined ? { adapter: parseChoice('adapter', v['adapter'], ADAPTERS) } : {}),
    method,
    data: resolvePath(cwd, v['data']!),
    ...(v['format'] !== undefined ? { format: parseChoice('format', v['format'], DATASET_FORMATS) } : {}),
    chunkRows: v['chunk-rows'] !== undefined ? parseInteger('chunk-rows', v['chunk-rows'], 1) : DEFAULT_CHUNK_ROWS,
    ...(target !== undefined ? { target } : {}),
    ...(v['top-k'] !== undefined ? { topK: parseInteger('top-k', v['top-k'], 1) } : {}),
    ...(seed !== undefined ? { seed: seed as number } : {}),
    options,
  };
  const stem = join(dirname(out), basename(out).replace(/\.jsonl?$/i, ''));
  const progress = parseProgressSwitches(switches);
  return {
    job,
    out,
    workers: v['workers'] !== undefined ? parseInteger('workers', v['workers'], 1) : availableParallelism(),
    ...(v['max-memory-mb'] !== undefined ? { maxMemoryMb: parseInteger('max-memory-mb', v['max-memory-mb'], 64) } : {}),
    summary: switches.has('no-summary') ? null : resolvePath(cwd, v['summary'] ?? `${stem}-summary`),
    ...(progress !== undefined ? { progress } : {}),
  };
}

export async function runExplainDataset(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseExplainDatasetArgs(argv, io.cwd);
  if (req === 'help') {
    io.out(explainDatasetUsage());
    return 0;
  }
  const started = Date.now();
  const plan = await planChunks(req.job);
  let job = req.job;
  if (req.maxMemoryMb !== undefined) {
    // Bound the chunk by the memory budget: values per row from the data (NPY rows can be large),
    // for image folders from the model's input (its graph; unknown for forward-only ONNX files).
    const images = (job.format ?? guessFormat(job.data)) === 'images';
    const perRow = images ? modelInputSize((await loadModelFile(job.model)).graph) : await dataRowSize(job);
    if (perRow !== undefined) job = { ...job, chunkRows: chunkRowsWithin(req.maxMemoryMb, req.workers, perRow, job.chunkRows) };
  }
  const planned = job === req.job ? plan : await planChunks(job);
  const done = new Set(initOutput(req.out, job, { rows: planned.rows, chunks: planned.chunks.length }));
  const todo = planned.chunks.filter((c) => !done.has(c.id));
  const resumedRows = planned.chunks.filter((c) => done.has(c.id)).reduce((s, c) => s + c.end - c.start, 0);
  const bar = progressBar('explain-dataset', req.progress === undefined ? io : { ...io, progress: req.progress }, 'rows');
  bar.update(resumedRows, planned.rows);
  const signal = io.interruption?.signal;
  let adapters: string[] = [];
  const work = async () => {
    ({ adapters } = await runLocal(job, todo, {
      out: req.out,
      workers: Math.min(req.workers, Math.max(1, todo.length)),
      ...(req.maxMemoryMb !== undefined ? { heapMbPerWorker: Math.max(64, Math.floor(req.maxMemoryMb / req.workers)) } : {}),
      ...(signal ? { signal } : {}),
      onRows: (rows) => bar.update(resumedRows + rows, planned.rows),
    }));
  };
  try {
    await (io.interruption ? io.interruption.during(work) : work());
  } catch (err) {
    bar.stop();
    const name = stopSignalName(signal);
    if (name !== undefined && (err instanceof AbortError || signal?.aborted)) {
      throw new InterruptedError(name, `stopped after ${bar.done} of ${planned.rows} rows; finished chunks are kept in ${req.out}.parts, rerun the same command to resume`);
    }
    throw err;
  }
  await finalize(req.out);
  const seconds = (Date.now() - started) / 1000;
  const newRows = planned.rows - resumedRows;
  const rate = seconds > 0 ? Math.round(newRows / seconds) : 0;
  const resumed = resumedRows > 0 ? ` (${resumedRows} resumed)` : '';
  const on = adapters.length > 0 ? ` on ${adapters.join(', ')}${job.adapter === undefined ? ' (default: fastest installed)' : ''}` : '';
  const summary = `explain-dataset: ${job.method}, ${planned.rows} rows${resumed}, ${planned.chunks.length} chunks of ${job.chunkRows}, ${req.workers} worker${req.workers === 1 ? '' : 's'}${on}, ${seconds.toFixed(1)} s (${rate} rows/s) -> ${req.out}`;
  const verbose = progressEnabled(req.progress === undefined ? io : { ...io, progress: req.progress });
  if (verbose) bar.finish(summary);
  else bar.stop();
  if (req.summary !== null && planned.rows > 0) {
    const layout = plan.rows > 0 && (job.format ?? guessFormat(job.data)) === 'images' ? imageLayout(await loadModelFile(job.model)) : undefined;
    const { files } = await writeSummary(req.out, req.summary, { job, ...(layout ? { layout } : {}) });
    if (verbose) io.err(`explain-dataset: summary in ${req.summary} (${files.length} files)\n`);
  }
  return 0;
}
