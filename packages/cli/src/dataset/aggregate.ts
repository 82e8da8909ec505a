/**
 * Aggregations over an explain-dataset results file, in one streaming pass (memory: a few
 * vectors of the attribution size per class, plus a fixed-size sample):
 *   - global importance: mean |φ_j| over all records, and per explained class;
 *   - signed mean φ_j per class (for images: the per-class average heat map);
 *   - completeness: mean |δ| and max |δ| where records carry δ;
 *   - a reservoir sample (seeded, at most `sampleSize` records) of attribution rows for the
 *     beeswarm and dependence plots.
 * Records that carry only top-k count their other attributions as 0.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createRng } from '@glasswing/core';
import { CliError } from '../files.js';
import type { DatasetRecord } from './types.js';

export interface ClassStats {
  readonly count: number;
  /** Mean |φ_j| over the class's records. */
  readonly meanAbs: number[];
  /** Mean φ_j (signed) over the class's records. */
  readonly mean: number[];
}

export interface DatasetSummary {
  readonly rows: number;
  /** Shape of one record's attributions. */
  readonly shape: number[];
  readonly meanAbs: number[];
  /** Per explained class (keys: class index). At most MAX_CLASSES classes are kept. */
  readonly byClass: Record<string, ClassStats>;
  readonly delta?: { readonly count: number; readonly meanAbs: number; readonly maxAbs: number };
  /** Sampled records: row index and attributions (dense). */
  readonly sample: { row: number; attributions: number[] }[];
}

export const MAX_CLASSES = 64;

function dense(r: DatasetRecord, size: number): number[] | undefined {
  if (r.attributions) return r.attributions;
  if (r.topK) {
    const a = new Array<number>(size).fill(0);
    for (const t of r.topK) a[t.index] = t.value;
    return a;
  }
  return undefined;
}

/** Stream `path` (JSONL of DatasetRecord) into a summary. */
export async function summarizeResults(path: string, options: { sampleSize?: number; seed?: number } = {}): Promise<DatasetSummary> {
  const sampleSize = options.sampleSize ?? 1000;
  const rng = createRng(options.seed ?? 0);
  let size = -1;
  let shape: number[] = [];
  let rows = 0;
  let sumAbs: Float64Array = new Float64Array(0);
  const cls = new Map<number, { count: number; abs: Float64Array; sum: Float64Array }>();
  let dCount = 0;
  let dAbs = 0;
  let dMax = 0;
  const sample: { row: number; attributions: number[] }[] = [];
  const stream = createReadStream(path);
  stream.on('error', () => undefined);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let r: DatasetRecord;
      try {
        r = JSON.parse(line) as DatasetRecord;
      } catch {
        throw new CliError(`results file '${path}' line ${rows + 1} is not valid JSON`);
      }
      if (size < 0) {
        shape = r.shape ?? [r.attributions?.length ?? 0];
        size = shape.reduce((a, b) => a * b, 1);
        sumAbs = new Float64Array(size);
      }
      const a = dense(r, size);
      if (!a || a.length !== size) throw new CliError(`results file '${path}' row ${r.row}: attributions of ${a?.length ?? 0} values, expected ${size}`);
      rows++;
      let c = cls.get(r.target);
      if (!c && cls.size < MAX_CLASSES) cls.set(r.target, (c = { count: 0, abs: new Float64Array(size), sum: new Float64Array(size) }));
      if (c) c.count++;
      for (let j = 0; j < size; j++) {
        const v = a[j]!;
        sumAbs[j]! += Math.abs(v);
        if (c) {
          c.abs[j]! += Math.abs(v);
          c.sum[j]! += v;
        }
      }
      if (typeof r.delta === 'number') {
        dCount++;
        dAbs += Math.abs(r.delta);
        dMax = Math.max(dMax, Math.abs(r.delta));
      }
      // Reservoir sampling (Algorithm R): every record is kept with probability sampleSize / rows.
      if (sample.length < sampleSize) sample.push({ row: r.row, attributions: a });
      else {
        const k = Math.floor(rng.uniform() * rows);
        if (k < sampleSize) sample[k] = { row: r.row, attributions: a };
      }
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new CliError(`cannot read results file '${path}': no such file`);
    throw err;
  }
  if (rows === 0) throw new CliError(`results file '${path}' has no records`);
  const byClass: Record<string, ClassStats> = {};
  for (const [k, c] of [...cls.entries()].sort((x, y) => x[0] - y[0])) {
    byClass[String(k)] = { count: c.count, meanAbs: Array.from(c.abs, (v) => v / c.count), mean: Array.from(c.sum, (v) => v / c.count) };
  }
  sample.sort((x, y) => x.row - y.row);
  return {
    rows,
    shape,
    meanAbs: Array.from(sumAbs, (v) => v / rows),
    byClass,
    ...(dCount > 0 ? { delta: { count: dCount, meanAbs: dAbs / dCount, maxAbs: dMax } } : {}),
    sample,
  };
}
