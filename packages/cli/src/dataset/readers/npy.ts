/**
 * NPY datasets (NumPy's .npy format, versions 1–3), read by row ranges: the header gives dtype
 * and shape; rows [start, end) are the bytes at header + start·rowBytes, read from the file with
 * positional reads (memory: the rows asked for). Dtypes: little-endian float16/32/64, signed and
 * unsigned 8–64-bit integers, bool; C order only. Axis 0 is the example axis.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { InvalidArgumentError } from '@glasswing/core';
import { CliError } from '../../files.js';
import type { DatasetFormat, DatasetReader } from './types.js';

/** Random access to bytes (a plain file, a zip entry). */
export interface ByteSource {
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export function fileSource(path: string): ByteSource {
  let handle: Promise<FileHandle> | undefined;
  const h = () =>
    (handle ??= open(path, 'r').catch((err: unknown) => {
      const code = (err as { code?: string }).code;
      throw new CliError(`cannot read data file '${path}': ${code === 'ENOENT' ? 'no such file' : String(err)}`);
    }));
  return {
    async read(offset, length) {
      const buf = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await (await h()).read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === length ? buf : buf.subarray(0, got);
    },
    async close() {
      if (handle) await (await handle).close();
    },
  };
}

const DTYPES: Readonly<Record<string, number>> = { f2: 2, f4: 4, f8: 8, i1: 1, i2: 2, i4: 4, i8: 8, u1: 1, u2: 2, u4: 4, u8: 8, b1: 1 };

export interface NpyHeader {
  /** e.g. 'f4', 'u1' (byte order checked). */
  readonly dtype: string;
  readonly itemBytes: number;
  readonly shape: readonly number[];
  /** Offset of the data. */
  readonly dataOffset: number;
}

/** Parse the header at the start of `head` (at least the first 10 bytes + the header; 64 KiB is plenty). */
export function parseNpyHeader(head: Buffer, what: string): NpyHeader {
  if (head.length < 10 || head[0] !== 0x93 || head.toString('latin1', 1, 6) !== 'NUMPY') {
    throw new InvalidArgumentError(`${what} is not an NPY file (no \\x93NUMPY magic)`);
  }
  const major = head[6]!;
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
  const start = 8 + lenBytes;
  if (head.length < start + headerLen) throw new InvalidArgumentError(`${what}: truncated NPY header`);
  const text = head.toString(major === 3 ? 'utf8' : 'latin1', start, start + headerLen);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new InvalidArgumentError(`${what}: unreadable NPY header ${JSON.stringify(text.trim())}`);
  }
  if (fortran === 'True') throw new InvalidArgumentError(`${what}: Fortran-order arrays are not supported; save with np.ascontiguousarray`);
  const order = descr[0];
  const dtype = descr.slice(1);
  const itemBytes = DTYPES[dtype];
  if (itemBytes === undefined || (order === '>' && itemBytes > 1)) {
    throw new InvalidArgumentError(`${what}: dtype '${descr}' is not supported (little-endian float, int, uint or bool)`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.length === 0) throw new InvalidArgumentError(`${what}: a scalar array has no examples (shape ())`);
  return { dtype, itemBytes, shape, dataOffset: start + headerLen };
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Decode `count` items of `dtype` from `buf` to float32. */
export function decodeItems(buf: Buffer, dtype: string, count: number): Float32Array {
  const out = new Float32Array(count);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'f2': out[i] = halfToFloat(dv.getUint16(i * 2, true)); break;
      case 'f4': out[i] = dv.getFloat32(i * 4, true); break;
      case 'f8': out[i] = dv.getFloat64(i * 8, true); break;
      case 'i1': out[i] = dv.getInt8(i); break;
      case 'i2': out[i] = dv.getInt16(i * 2, true); break;
      case 'i4': out[i] = dv.getInt32(i * 4, true); break;
      case 'i8': out[i] = Number(dv.getBigInt64(i * 8, true)); break;
      case 'u1': case 'b1': out[i] = dv.getUint8(i); break;
      case 'u2': out[i] = dv.getUint16(i * 2, true); break;
      case 'u4': out[i] = dv.getUint32(i * 4, true); break;
      default: out[i] = Number(dv.getBigUint64(i * 8, true));
    }
  }
  return out;
}

/** An NPY array on a byte source as a reader (NPZ entries use it too). */
export async function npyReader(source: ByteSource, what: string, format: DatasetFormat): Promise<DatasetReader> {
  let h: NpyHeader;
  try {
    h = parseNpyHeader(await source.read(0, 1 << 16), what);
  } catch (err) {
    await source.close();
    throw err;
  }
  const rows = h.shape[0]!;
  const rowShape = h.shape.slice(1);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const rowBytes = rowSize * h.itemBytes;
  return {
    format,
    rows,
    rowShape,
    async read(start, end) {
      const n = Math.max(0, end - start);
      const buf = await source.read(h.dataOffset + start * rowBytes, n * rowBytes);
      if (buf.length < n * rowBytes) throw new InvalidArgumentError(`${what} is truncated: rows ${start}..${end} lie past its end`);
      const data = decodeItems(buf, h.dtype, n * rowSize);
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i]!)) throw new InvalidArgumentError(`${what} row ${start + Math.floor(i / rowSize)}: non-finite value`);
      }
      return { ids: Array.from({ length: n }, (_, i) => start + i), data };
    },
    close: () => source.close(),
  };
}

export async function openNpy(path: string): Promise<DatasetReader> {
  return npyReader(fileSource(path), `data file '${path}'`, 'npy');
}
