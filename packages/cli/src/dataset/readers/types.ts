/**
 * A dataset reader: rows [start, end) of a file or folder, read on demand so that memory depends
 * on the rows asked for, not on the dataset's size.
 */

/** The formats `glasswing explain-dataset --format` accepts. */
export const DATASET_FORMATS = ['csv', 'npy', 'npz', 'jsonl', 'images'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** Rows read from a dataset: `data` holds `ids.length` rows of `rowSize` values each, row-major. */
export interface RowBlock {
  readonly ids: (string | number)[];
  readonly data: Float32Array;
}

export interface DatasetReader {
  readonly format: DatasetFormat;
  /** Number of rows (examples). */
  readonly rows: number;
  /** Shape of one row as stored ([F] for CSV / JSONL, the trailing dimensions for NPY / NPZ). */
  readonly rowShape: readonly number[];
  /** Column names (CSV with a header), else undefined. */
  readonly columns?: readonly string[];
  /** Rows [start, end), 0 ≤ start ≤ end ≤ rows. */
  read(start: number, end: number): Promise<RowBlock>;
  close(): Promise<void>;
}

/** What image folders need to know about the model's input (other formats ignore it). */
export interface ImageTarget {
  /** The model's per-example input shape, [H, W, C] (NHWC) or [C, H, W] (NCHW). */
  readonly inputShape: readonly number[];
  readonly layout: 'NHWC' | 'NCHW';
}
