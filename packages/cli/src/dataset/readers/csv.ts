/**
 * CSV datasets, streamed: numeric cells separated by commas, one example per line; blank lines
 * are skipped. A first line with a cell that is not a number is a header (optional). A header
 * column named `id` gives each record's id (any text) and is not a feature; every other column
 * is a feature, in file order.
 */
import { InvalidArgumentError } from '@glasswing/core';
import { forEachLine, indexLines, readLines } from './lines.js';
import type { DatasetReader } from './types.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(Infinity|NaN)$/;

function cells(line: string): string[] {
  return line.split(',').map((c) => {
    const t = c.trim();
    return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
  });
}

async function firstLine(path: string): Promise<string | undefined> {
  let first: string | undefined;
  await forEachLine(path, 0, (line) => {
    if (line.trim() === '') return true;
    first = line;
    return false;
  });
  return first;
}

export async function openCsv(path: string): Promise<DatasetReader> {
  const head = await firstLine(path);
  if (head === undefined) throw new InvalidArgumentError(`data file '${path}' has no rows`);
  const headCells = cells(head);
  const hasHeader = headCells.some((c) => !NUMBER.test(c));
  const idColumn = hasHeader ? headCells.findIndex((c) => c.toLowerCase() === 'id') : -1;
  const width = headCells.length - (idColumn >= 0 ? 1 : 0);
  const columns = hasHeader ? headCells.filter((_, j) => j !== idColumn) : undefined;
  // A header on a line after blank lines: skip exactly the header line.
  const index = await indexLines(path, false);
  const skip = hasHeader ? 1 : 0;
  const rows = index.rows - skip;
  return {
    format: 'csv',
    rows,
    rowShape: [width],
    ...(columns ? { columns } : {}),
    async read(start, end) {
      const lines = await readLines(path, index, start + skip, end + skip);
      const data = new Float32Array(lines.length * width);
      const ids: (string | number)[] = [];
      lines.forEach((line, i) => {
        const cs = cells(line);
        if (cs.length !== headCells.length) {
          throw new InvalidArgumentError(`data file '${path}' row ${start + i}: ${cs.length} cells, expected ${headCells.length}`);
        }
        let k = 0;
        cs.forEach((c, j) => {
          if (j === idColumn) return;
          if (!NUMBER.test(c)) throw new InvalidArgumentError(`data file '${path}' row ${start + i}, column ${j + 1}: '${c}' is not a number`);
          const v = Number(c);
          if (!Number.isFinite(v)) throw new InvalidArgumentError(`data file '${path}' row ${start + i}, column ${j + 1}: non-finite value '${c}'`);
          data[i * width + k++] = v;
        });
        ids.push(idColumn >= 0 ? cs[idColumn]! : start + i);
      });
      return { ids, data };
    },
    async close() {},
  };
}
