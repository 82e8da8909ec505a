/**
 * Text datasets read line by line (CSV, JSONL) without holding the file: one pass at open counts
 * the data lines and keeps a sparse index (the byte offset of every INDEX_STRIDE-th line), so a
 * later read of rows [start, end) streams from the nearest indexed line. Memory: the index
 * (8 bytes per INDEX_STRIDE rows) plus the rows read.
 */
import { createReadStream } from 'node:fs';
import { CliError } from '../../files.js';

export const INDEX_STRIDE = 256;

/** Calls `onLine(text, byteOffset)` for each line (without its \n / \r\n) from `offset`; stops when it returns false. */
export async function forEachLine(path: string, offset: number, onLine: (line: string, byteOffset: number) => boolean | void): Promise<void> {
  const stream = createReadStream(path, { start: offset, highWaterMark: 1 << 16 });
  let pending: Buffer[] = [];
  let pendingStart = offset;
  let pos = offset;
  const emit = (buf: Buffer, at: number): boolean => {
    let s = buf.toString('utf8');
    if (s.endsWith('\r')) s = s.slice(0, -1);
    return onLine(s, at) !== false;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, from);
        if (nl < 0) break;
        const piece = chunk.subarray(from, nl);
        const line = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        if (!emit(line, pendingStart)) return;
        pendingStart = pos + nl + 1;
        from = nl + 1;
      }
      if (from < chunk.length) pending.push(Buffer.from(chunk.subarray(from)));
      pos += chunk.length;
    }
    if (pending.length > 0) emit(Buffer.concat(pending), pendingStart);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new CliError(`cannot read data file '${path}': ${code === 'ENOENT' ? 'no such file' : String((err as Error).message ?? err)}`);
  } finally {
    stream.destroy();
  }
}

export interface LineIndex {
  /** Data lines (blank lines and, where `skipFirst`, the first line excluded). */
  readonly rows: number;
  /** offsets[k]: byte offset of data line k * INDEX_STRIDE. */
  readonly offsets: readonly number[];
}

/** One pass over the file: count data lines (non-blank), index every INDEX_STRIDE-th. */
export async function indexLines(path: string, skipFirst: boolean): Promise<LineIndex> {
  const offsets: number[] = [];
  let rows = 0;
  let first = true;
  await forEachLine(path, 0, (line, at) => {
    if (first) {
      first = false;
      if (skipFirst) return;
    }
    if (line.trim() === '') return;
    if (rows % INDEX_STRIDE === 0) offsets.push(at);
    rows++;
  });
  return { rows, offsets };
}

/** The data lines [start, end), with their row numbers. */
export async function readLines(path: string, index: LineIndex, start: number, end: number): Promise<string[]> {
  const out: string[] = [];
  if (end <= start) return out;
  const k = Math.floor(start / INDEX_STRIDE);
  let row = k * INDEX_STRIDE;
  await forEachLine(path, index.offsets[k]!, (line) => {
    if (line.trim() === '') return true;
    if (row >= start) out.push(line);
    row++;
    return row < end;
  });
  return out;
}
