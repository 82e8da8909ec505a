/**
 * NPZ datasets (NumPy's zip of .npy arrays, np.savez / np.savez_compressed), read by row ranges
 * through yauzl (a maintained zip reader; zip64 included). The array used: the only one, else
 * the first of x, X, data, inputs, arr_0 present, else `file.npz:name` picks it. A stored
 * (np.savez) entry is read at byte offsets like an .npy file; a deflated one
 * (np.savez_compressed) is inflated as a stream, forward from the last position (restarted only
 * when a read goes back), so memory stays at the rows asked for.
 */
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '@glasswing/core';
import yauzl from 'yauzl';
import { CliError } from '../../files.js';
import { npyReader } from './npy.js';
import type { ByteSource } from './npy.js';
import type { DatasetReader } from './types.js';

const PREFERRED = ['x', 'X', 'data', 'inputs', 'arr_0'];

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err || !zip) reject(new CliError(`cannot read data file '${path}' as NPZ (zip): ${err?.message ?? 'no archive'}`));
      else resolve(zip);
    }),
  );
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry, range?: { start: number; end: number }): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, range ?? {}, (err, stream) => (err || !stream ? reject(err ?? new Error('no stream')) : resolve(stream))),
  );
}

async function readExactly(stream: Readable, length: number, skip: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  let toSkip = skip;
  while (have < length) {
    let chunk = stream.read() as Buffer | null;
    if (chunk === null) {
      if (stream.readableEnded || stream.destroyed) break;
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('readable', done);
          stream.off('end', done);
          stream.off('error', done);
          resolve();
        };
        stream.on('readable', done);
        stream.on('end', done);
        stream.on('error', done);
      });
      continue;
    }
    if (toSkip > 0) {
      if (chunk.length <= toSkip) {
        toSkip -= chunk.length;
        continue;
      }
      chunk = chunk.subarray(toSkip);
      toSkip = 0;
    }
    const need = length - have;
    if (chunk.length > need) {
      stream.unshift(chunk.subarray(need));
      chunk = chunk.subarray(0, need);
    }
    parts.push(chunk);
    have += chunk.length;
  }
  return Buffer.concat(parts);
}

function entrySource(zip: yauzl.ZipFile, entry: yauzl.Entry): ByteSource {
  const size = entry.uncompressedSize;
  if (entry.compressionMethod === 0) {
    return {
      async read(offset, length) {
        const end = Math.min(size, offset + length);
        if (end <= offset) return Buffer.alloc(0);
        return readExactly(await entryStream(zip, entry, { start: offset, end }), end - offset, 0);
      },
      close: async () => zip.close(),
    };
  }
  let stream: Readable | undefined;
  let pos = 0;
  return {
    async read(offset, length) {
      if (!stream || offset < pos) {
        stream?.destroy();
        stream = await entryStream(zip, entry);
        pos = 0;
      }
      const buf = await readExactly(stream, Math.min(length, Math.max(0, size - offset)), offset - pos);
      pos = offset + buf.length;
      return buf;
    },
    close: async () => {
      stream?.destroy();
      zip.close();
    },
  };
}

/** `path` or `path:name` (an array in the archive). */
export async function openNpz(spec: string): Promise<DatasetReader> {
  const m = /^(.*\.npz):([^:/\\]+)$/i.exec(spec);
  const path = m ? m[1]! : spec;
  const wanted = m?.[2];
  const zip = await openZip(path);
  try {
    const entries = (await listEntries(zip)).filter((e) => e.fileName.endsWith('.npy'));
    const names = entries.map((e) => e.fileName.slice(0, -4));
    let pick = wanted ?? (names.length === 1 ? names[0] : PREFERRED.find((p) => names.includes(p)));
    if (pick === undefined || !names.includes(pick)) {
      throw new InvalidArgumentError(
        `data file '${path}' ${wanted ? `has no array '${wanted}'` : 'holds several arrays'}; name one as ${path}:<name> (arrays: ${names.join(', ') || 'none'})`,
      );
    }
    const entry = entries[names.indexOf(pick)]!;
    return await npyReader(entrySource(zip, entry), `data file '${path}' array '${pick}'`, 'npz');
  } catch (err) {
    zip.close();
    throw err;
  }
}
