/**
 * JSONL datasets, streamed: one example per line, either an array of numbers (nested arrays are
 * flattened in row-major order) or an object {"input": [...], "id"?: any} ("x" or "features" for
 * "input" also accepted). Every row must have the first row's number of values.
 */
import { InvalidArgumentError } from '@glasswing/core';
import { indexLines, readLines } from './lines.js';
import type { DatasetReader } from './types.js';

function flatten(v: unknown, out: number[], where: string): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`${where}: non-finite value`);
    out.push(v);
  } else if (Array.isArray(v)) for (const e of v) flatten(e, out, where);
  else throw new InvalidArgumentError(`${where}: expected numbers, got ${JSON.stringify(v)?.slice(0, 40)}`);
}

function parseRow(line: string, where: string): { id?: string | number; values: number[] } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new InvalidArgumentError(`${where} is not valid JSON`);
  }
  const values: number[] = [];
  if (Array.isArray(v)) {
    flatten(v, values, where);
    return { values };
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const input = o['input'] ?? o['x'] ?? o['features'];
    if (input === undefined) throw new InvalidArgumentError(`${where}: an object row needs an "input" array`);
    flatten(input, values, where);
    const id = o['id'];
    return typeof id === 'string' || typeof id === 'number' ? { id, values } : { values };
  }
  throw new InvalidArgumentError(`${where}: expected an array or an object with "input"`);
}

export async function openJsonl(path: string): Promise<DatasetReader> {
  const index = await indexLines(path, false);
  if (index.rows === 0) throw new InvalidArgumentError(`data file '${path}' has no rows`);
  const [first] = await readLines(path, index, 0, 1);
  const width = parseRow(first!, `data file '${path}' row 0`).values.length;
  return {
    format: 'jsonl',
    rows: index.rows,
    rowShape: [width],
    async read(start, end) {
      const lines = await readLines(path, index, start, end);
      const data = new Float32Array(lines.length * width);
      const ids: (string | number)[] = [];
      lines.forEach((line, i) => {
        const where = `data file '${path}' row ${start + i}`;
        const row = parseRow(line, where);
        if (row.values.length !== width) throw new InvalidArgumentError(`${where}: ${row.values.length} values, expected ${width}`);
        data.set(row.values, i * width);
        ids.push(row.id ?? start + i);
      });
      return { ids, data };
    },
    async close() {},
  };
}
