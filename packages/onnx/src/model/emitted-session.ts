/**
 * Creating an ORT session for an emitted model through the on-disk cache (disk-cache.ts), and the
 * batch helpers OnnxModel's chunked calls use.
 */
import type { InferenceSession } from 'onnxruntime-common';
import { concatBatch, type Tensor } from '@glasswing/core';
import type { EmittedModel } from '../emit/index.js';
import type { OnnxRuntime } from '../runtime.js';
import type { DiskCache } from './disk-cache.js';

/**
 * A session for `key`: from the disk cache when it holds a loadable entry, else `emit()`ted,
 * created (saving ORT's optimised graph into the cache) and stored. A cache entry ORT cannot load
 * is emitted again; a failure to save the optimised graph never fails the session.
 */
export async function emittedSession(
  runtime: OnnxRuntime,
  disk: DiskCache | undefined,
  key: string,
  emit: () => EmittedModel,
  /** Options every session made for `key` gets (spinning). */
  options: { readonly spinning?: boolean } = {},
): Promise<{ session: InferenceSession; emitted: EmittedModel }> {
  if (disk) {
    const hit = await disk.load(key);
    if (hit) {
      try {
        return { session: await runtime.createSession(hit.bytes, { ...options, preOptimized: hit.preOptimized }), emitted: hit.emitted };
      } catch {
        // An entry ORT cannot load (another ORT build wrote it): emit as if it were absent.
      }
    }
  }
  const emitted = emit();
  // ORT writes models over 2 GB with external data: those are stored as emitted, unoptimised.
  const scratch = disk && emitted.bytes.byteLength < 2 ** 30 ? await disk.scratchPath(key) : undefined;
  let session: InferenceSession;
  let saved = scratch;
  try {
    session = await runtime.createSession(emitted.bytes, scratch ? { ...options, saveOptimizedTo: scratch } : options);
  } catch (e) {
    if (!scratch) throw e;
    // Saving the optimised graph must never be why a model fails: create it as without a cache.
    saved = undefined;
    await disk!.discard(scratch);
    session = await runtime.createSession(emitted.bytes, options);
  }
  if (disk) await disk.store(key, emitted, saved);
  return { session, emitted };
}

/** The parts' rows in order (the part itself when there is one). */
export function cat(parts: readonly Tensor[]): Tensor {
  return parts.length === 1 ? parts[0]! : concatBatch(parts);
}

/** x padded with zero rows to `rows` rows. */
export function padRows(x: Tensor, rows: number): Tensor {
  const per = x.data.length / x.shape[0]!;
  const data = new Float32Array(rows * per);
  data.set(x.data);
  return { shape: [rows, ...x.shape.slice(1)], data };
}

/**
 * Chunks of at most `chunk` rows, balanced (n = 20, chunk 12: 10 + 10), so that a call needs
 * sessions for at most two batch sizes and usually one.
 */
export function balancedRanges(n: number, chunk: number): [number, number][] {
  const size = n <= chunk ? n : Math.ceil(n / Math.ceil(n / chunk));
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += size) out.push([s, Math.min(n, s + size)]);
  return out;
}
