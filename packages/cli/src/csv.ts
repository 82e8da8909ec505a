/**
 * Numeric CSV for the CLI: comma-separated, one row per line, an optional header row (detected
 * when any cell of the first row is not a number), every other cell a finite number. Blank lines
 * are skipped; cells are trimmed; header names may be double-quoted. Errors name the file, line
 * and column.
 */
import { InvalidArgumentError, ShapeError } from '@glasswing/core';

export interface Csv {
  /** Column names (from the header, else col0, col1, …). */
  readonly columns: string[];
  readonly hasHeader: boolean;
  /** Row-major values, rows × columns. */
  readonly data: Float64Array;
  readonly rows: number;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isNumber(cell: string): boolean {
  return NUMBER.test(cell) || /^[+-]?(Infinity|NaN)$/i.test(cell);
}

function unquote(cell: string): string {
  return cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
}

export function parseCsv(text: string, what: string): Csv {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: { line: number; cells: string[] }[] = [];
  lines.forEach((l, k) => {
    if (l.trim() !== '') rows.push({ line: k + 1, cells: l.split(',').map((c) => c.trim()) });
  });
  if (rows.length === 0) throw new InvalidArgumentError(`${what} is empty`);
  const first = rows[0]!;
  const hasHeader = first.cells.some((c) => !isNumber(c));
  const width = first.cells.length;
  const columns = hasHeader ? first.cells.map(unquote) : Array.from({ length: width }, (_, j) => `col${j}`);
  if (hasHeader) {
    const seen = new Set<string>();
    columns.forEach((c, j) => {
      if (c === '') throw new InvalidArgumentError(`${what}: header column ${j + 1} has no name`);
      if (seen.has(c)) throw new InvalidArgumentError(`${what}: header names column '${c}' twice`);
      seen.add(c);
    });
  }
  const body = hasHeader ? rows.slice(1) : rows;
  if (body.length === 0) throw new InvalidArgumentError(`${what} has a header but no data rows`);
  const data = new Float64Array(body.length * width);
  body.forEach((r, i) => {
    if (r.cells.length !== width) {
      throw new ShapeError(`${what}: line ${r.line} has ${r.cells.length} columns, expected ${width}`);
    }
    r.cells.forEach((c, j) => {
      const v = Number(c);
      if (!NUMBER.test(c) || !Number.isFinite(v)) {
        throw new InvalidArgumentError(`${what}: line ${r.line}, column ${j + 1} ('${columns[j]}'): '${c}' is not a finite number`);
      }
      data[i * width + j] = v;
    });
  });
  return { columns, hasHeader, data, rows: body.length };
}
