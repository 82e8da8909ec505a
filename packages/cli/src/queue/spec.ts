/**
 * What travels through the queue. One BullMQ job per chunk of a dataset job:
 *
 *   id    `gw-<specHash>-<chunkId>`: the same spec and chunk always give the same id, so
 *         submitting again adds nothing that is already queued, running or done
 *   data  {@link ChunkJobData}: the dataset job spec (absolute paths), the chunk's row range and
 *         fingerprints of the model and data files (a worker whose files differ refuses the chunk)
 *   result {@link ChunkResult}: the chunk's records (stored in Redis until the submitter has
 *         written them to the output, then removed)
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkRef, DatasetJob, DatasetRecord } from '../dataset/chunk.js';

export const DEFAULT_QUEUE_NAME = 'glasswing-explain';

/** Set by `glasswing worker` for its sandbox threads (they share the environment): model threads per chunk. */
export const THREADS_ENV = 'GLASSWING_QUEUE_MODEL_THREADS';

/** Largest chunk result a worker hands back through Redis (JSON bytes). */
export const MAX_RESULT_BYTES = 32 * 1024 * 1024;

export interface FileFingerprint {
  readonly path: string;
  /** sha256 of a file's bytes; of a folder: of its sorted entries' names and sizes. */
  readonly sha256: string;
}

export interface ChunkJobData {
  readonly v: 1;
  readonly specHash: string;
  readonly spec: DatasetJob;
  readonly chunk: ChunkRef;
  readonly fingerprints: readonly FileFingerprint[];
}

export interface ChunkResult {
  readonly v: 1;
  readonly chunk: number;
  readonly records: DatasetRecord[];
  /** `host:pid` of the worker process that ran it. */
  readonly worker: string;
  readonly ms: number;
}

/** JSON with object keys sorted at every level (undefined members dropped), for hashing. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** 20 hex digits of sha256 over the spec and the file fingerprints. */
export function specHash(spec: DatasetJob, fingerprints: readonly FileFingerprint[]): string {
  return createHash('sha256')
    .update(canonicalJson({ spec, files: fingerprints.map((f) => f.sha256) }))
    .digest('hex')
    .slice(0, 20);
}

export function chunkJobId(hash: string, chunkId: number): string {
  return `gw-${hash}-${chunkId}`;
}

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const block of createReadStream(path)) h.update(block as Buffer);
  return h.digest('hex');
}

async function hashFolder(path: string): Promise<string> {
  const h = createHash('sha256');
  const names = (await readdir(path)).sort();
  for (const name of names) {
    const s = await stat(join(path, name));
    h.update(`${name}\0${s.isDirectory() ? 'dir' : s.size}\n`);
  }
  return h.digest('hex');
}

export async function fingerprint(path: string): Promise<FileFingerprint> {
  const s = await stat(path);
  return { path, sha256: s.isDirectory() ? await hashFolder(path) : await hashFile(path) };
}

/** Fingerprints of the job's model and data (in that order). */
export async function jobFingerprints(spec: DatasetJob): Promise<FileFingerprint[]> {
  return [await fingerprint(spec.model), await fingerprint(spec.data)];
}

/** Plain-object check of a job's data (a foreign job in the same queue is refused clearly). */
export function asChunkJobData(data: unknown): ChunkJobData {
  const d = data as Partial<ChunkJobData> | null;
  if (
    !d ||
    d.v !== 1 ||
    typeof d.specHash !== 'string' ||
    !d.spec ||
    typeof d.spec.model !== 'string' ||
    typeof d.spec.data !== 'string' ||
    !d.chunk ||
    typeof d.chunk.id !== 'number' ||
    !Array.isArray(d.fingerprints)
  ) {
    throw new Error('not a glasswing dataset chunk job (unknown data format)');
  }
  return d as ChunkJobData;
}
