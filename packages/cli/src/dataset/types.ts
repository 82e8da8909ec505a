/**
 * The types of the chunk contract (re-exported by chunk.ts, where the functions are): a job, a
 * chunk of rows, and one output record.
 */
import type { DatasetFormat } from './readers/index.js';

export interface DatasetJob {
  /** Model file (absolute, or relative to the worker's working directory). */
  readonly model: string;
  readonly adapter?: string;
  readonly method: string;
  /** Data file or image folder; `file.npz:name` picks an NPZ array. */
  readonly data: string;
  readonly format?: DatasetFormat;
  /** Rows per chunk (≥ 1): the unit of work, of progress, of resume and of output files. */
  readonly chunkRows: number;
  /** Class explained for every row, or 'predicted' (default): each row's predicted class. */
  readonly target?: number | 'predicted';
  /** Keep only the K largest |attributions| per record (topK) instead of all of them. */
  readonly topK?: number;
  /** Seed of stochastic methods; row r runs with rowSeed(seed, r). Default 0. */
  readonly seed?: number;
  /**
   * Method options as `glasswing attribute` takes them (steps, samples, stdev, quadrature,
   * layer, ...), plus `baseline` ('zeros', a number, a tensor JSON file or a csv/npy/npz/jsonl
   * file of rows) and `featureMask` (a tensor JSON file). JSON-serialisable.
   */
  readonly options?: Record<string, unknown>;
}

/** Rows [start, end) of the dataset; ids 0, 1, 2, ... in row order. */
export interface ChunkRef {
  readonly id: number;
  readonly start: number;
  readonly end: number;
}

/** One output line of explain-dataset (JSONL). */
export interface DatasetRecord {
  /** The example's id: CSV `id` column, JSONL "id", image path in the folder, else the row. */
  id: string | number;
  /** Row index in the dataset (0-based). */
  row: number;
  /** Class explained. */
  target: number;
  /** Model output for the example (flattened). */
  prediction: number[];
  /** Attributions (flattened, row-major in `shape`); absent when topK is given. */
  attributions?: number[];
  /** Shape of one example's attributions. */
  shape?: number[];
  /** The K largest |attributions|: flat index and value, largest first. */
  topK?: { index: number; value: number }[];
  /** Completeness δ = Σφ − (f(x) − f(baseline)) where the method defines one (mean over its samples). */
  delta?: number;
}
