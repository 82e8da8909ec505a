/** Opening a dataset by format (explicit, or guessed from the path). */
import { statSync } from 'node:fs';
import { UsageError } from '../../args.js';
import { openCsv } from './csv.js';
import { openImages } from './images.js';
import { openJsonl } from './jsonl.js';
import { openNpy } from './npy.js';
import { openNpz } from './npz.js';
import type { DatasetFormat, DatasetReader, ImageTarget } from './types.js';

export * from './types.js';

/** The format of `path` by its extension, or a folder = images. */
export function guessFormat(path: string): DatasetFormat {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.npy$/i.test(path)) return 'npy';
  if (/\.npz(:[^:/\\]+)?$/i.test(path)) return 'npz';
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  try {
    if (statSync(path).isDirectory()) return 'images';
  } catch {
    // fall through
  }
  throw new UsageError(`cannot tell the format of '${path}' from its name; give --format csv|npy|npz|jsonl|images`);
}

export async function openReader(path: string, format: DatasetFormat | undefined, image?: ImageTarget): Promise<DatasetReader> {
  switch (format ?? guessFormat(path)) {
    case 'csv':
      return openCsv(path);
    case 'npy':
      return openNpy(path);
    case 'npz':
      return openNpz(path);
    case 'jsonl':
      return openJsonl(path);
    default:
      return openImages(path, image);
  }
}
