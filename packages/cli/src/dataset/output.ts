/**
 * The output of explain-dataset, keyed by chunk so that every way of running a job writes each
 * chunk exactly once and a rerun resumes:
 *
 *   <out>.parts/job.json      the job and its plan (a rerun with another job is refused)
 *   <out>.parts/<k>.jsonl     records of chunk k, written to a temp file then renamed: a chunk
 *                             file exists complete or not at all (its existence is the manifest
 *                             entry "chunk k done"); writing it again replaces it atomically
 *   <out>                     finalize(): all chunks merged in row order (temp file + rename)
 *
 * A process killed at any moment loses at most the chunks it had not yet renamed into place.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, openSync, fsyncSync, closeSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '@glasswing/core';
import { CliError } from '../files.js';
import type { DatasetJob, DatasetRecord } from './types.js';

export interface OutputPlan {
  readonly rows: number;
  readonly chunks: number;
}

interface JobFile {
  readonly version: 1;
  readonly job: DatasetJob;
  readonly rows: number;
  readonly chunks: number;
}

export const partsDir = (out: string): string => `${out}.parts`;
const chunkFile = (out: string, id: number) => join(partsDir(out), `${id}.jsonl`);
const tempName = (path: string) => join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);

/** Write `data` to `path` atomically: a temp file in the same folder, flushed, then renamed. */
function atomicWrite(path: string, data: string): void {
  const tmp = tempName(path);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Canonical JSON (sorted keys) to compare jobs. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Start or resume an output: creates <out>.parts with job.json, or checks that the job there is
 * this one (same model, method, data, chunking, options). Returns the ids of chunks already done.
 */
export function initOutput(out: string, job: DatasetJob, plan: OutputPlan): number[] {
  const dir = partsDir(out);
  const file = join(dir, 'job.json');
  if (existsSync(file)) {
    const prev = JSON.parse(readFileSync(file, 'utf8')) as JobFile;
    if (canonical(prev.job) !== canonical(job) || prev.rows !== plan.rows || prev.chunks !== plan.chunks) {
      throw new InvalidArgumentError(
        `'${dir}' belongs to another job (${prev.job.method} on ${prev.job.data}, ${prev.rows} rows, chunks of ${prev.job.chunkRows}); ` +
          `choose another --out or delete that folder to start again`,
      );
    }
    return doneChunks(out);
  }
  try {
    mkdirSync(dir, { recursive: true });
    atomicWrite(file, JSON.stringify({ version: 1, job, rows: plan.rows, chunks: plan.chunks } satisfies JobFile, null, 1) + '\n');
  } catch (err) {
    throw new CliError(`cannot write output folder '${dir}': ${err instanceof Error ? err.message : String(err)}`);
  }
  return [];
}

/** The job and plan recorded for `out`, or undefined. */
export function readOutputJob(out: string): JobFile | undefined {
  const file = join(partsDir(out), 'job.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as JobFile) : undefined;
}

export function isChunkDone(out: string, id: number): boolean {
  return existsSync(chunkFile(out, id));
}

/** Ids of the chunks written so far (the manifest), ascending. */
export function doneChunks(out: string): number[] {
  const dir = partsDir(out);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^(\d+)\.jsonl$/.exec(f)?.[1])
    .filter((m): m is string => m !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Write chunk `id`'s records (one JSON line each) atomically; idempotent. */
export function writeChunk(out: string, id: number, records: readonly DatasetRecord[]): void {
  mkdirSync(partsDir(out), { recursive: true });
  atomicWrite(chunkFile(out, id), records.map((r) => JSON.stringify(r)).join('\n') + (records.length > 0 ? '\n' : ''));
}

/**
 * Merge every chunk, in chunk order, into `out` (temp file + rename). Throws when a chunk is
 * missing. `keepParts: false` removes <out>.parts afterwards (then a rerun starts over).
 */
export async function finalize(out: string, options: { keepParts?: boolean } = {}): Promise<{ rows: number; chunks: number }> {
  const meta = readOutputJob(out);
  if (!meta) throw new CliError(`'${partsDir(out)}' has no job.json: nothing to finalize`);
  const missing: number[] = [];
  for (let k = 0; k < meta.chunks && missing.length < 5; k++) if (!isChunkDone(out, k)) missing.push(k);
  if (missing.length > 0) throw new CliError(`cannot finalize '${out}': chunk ${missing.join(', ')}${missing.length === 5 ? ', ...' : ''} not done`);
  const tmp = tempName(out);
  const ws = createWriteStream(tmp);
  try {
    for (let k = 0; k < meta.chunks; k++) {
      for await (const buf of createReadStream(chunkFile(out, k)) as AsyncIterable<Buffer>) {
        if (!ws.write(buf)) await new Promise<void>((r) => ws.once('drain', () => r()));
      }
    }
    await new Promise<void>((resolve, reject) => ws.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    ws.destroy();
    rmSync(tmp, { force: true });
    throw err;
  }
  renameSync(tmp, out);
  if (options.keepParts === false) rmSync(partsDir(out), { recursive: true, force: true });
  return { rows: meta.rows, chunks: meta.chunks };
}
