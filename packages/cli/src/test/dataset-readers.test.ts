/** The streaming dataset readers against files written from the format specifications. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { INDEX_STRIDE } from '../dataset/readers/lines.js';
import { guessFormat, openReader } from '../dataset/readers/index.js';
import { f32Bytes, npyBytes, tempDir, writeCsv, zipBytes } from './dataset-fixtures.js';

const rowsOf = (n: number, f: number) => Array.from({ length: n }, (_, i) => Array.from({ length: f }, (_, j) => i * 10 + j + 0.5));

describe('CSV reader', () => {
  it('reads row ranges across the sparse index, with header and id column', async () => {
    const dir = tempDir();
    const n = INDEX_STRIDE * 2 + 37;
    const rows = rowsOf(n, 3);
    const path = writeCsv(dir, 'a.csv', rows.map((r, i) => [`r${i}`, ...r]), ['id', 'a', 'b', 'c']);
    const reader = await openReader(path, undefined);
    expect(reader.rows).toBe(n);
    expect(reader.rowShape).toEqual([3]);
    expect(reader.columns).toEqual(['a', 'b', 'c']);
    const start = INDEX_STRIDE - 3;
    const block = await reader.read(start, INDEX_STRIDE * 2 + 5);
    expect(block.ids[0]).toBe(`r${start}`);
    expect(block.ids).toHaveLength(INDEX_STRIDE + 8);
    expect(Array.from(block.data.subarray(0, 3))).toEqual(rows[start]);
    expect(Array.from(block.data.subarray(block.data.length - 3))).toEqual(rows[INDEX_STRIDE * 2 + 4]);
  });

  it('takes a headerless file, skips blank lines, accepts \\r\\n, numbers rows from 0', async () => {
    const dir = tempDir();
    const path = join(dir, 'b.csv');
    writeFileSync(path, '1,2\r\n\r\n3,4\r\n5,6');
    const reader = await openReader(path, 'csv');
    expect(reader.rows).toBe(3);
    const block = await reader.read(1, 3);
    expect(block.ids).toEqual([1, 2]);
    expect(Array.from(block.data)).toEqual([3, 4, 5, 6]);
  });

  it('names a bad cell', async () => {
    const dir = tempDir();
    const path = join(dir, 'c.csv');
    writeFileSync(path, 'a,b\n1,2\n3,x\n');
    const reader = await openReader(path, 'csv');
    await expect(reader.read(0, 2)).rejects.toThrow(/row 1, column 2: 'x' is not a number/);
  });
});

describe('NPY / NPZ readers', () => {
  const values = rowsOf(5, 4).flat();
  it('reads float32 rows by byte range and keeps trailing dimensions', async () => {
    const dir = tempDir();
    const path = join(dir, 'x.npy');
    writeFileSync(path, npyBytes('<f4', [5, 2, 2], f32Bytes(values)));
    const reader = await openReader(path, undefined);
    expect(reader.rows).toBe(5);
    expect(reader.rowShape).toEqual([2, 2]);
    const block = await reader.read(2, 4);
    expect(Array.from(block.data)).toEqual(values.slice(8, 16));
    expect(block.ids).toEqual([2, 3]);
    await reader.close();
  });

  it('decodes uint8 and float64', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'u.npy'), npyBytes('|u1', [3, 2], Buffer.from([0, 255, 7, 8, 9, 10])));
    const u = await openReader(join(dir, 'u.npy'), 'npy');
    expect(Array.from((await u.read(0, 3)).data)).toEqual([0, 255, 7, 8, 9, 10]);
    await u.close();
    const f8 = Buffer.alloc(16);
    f8.writeDoubleLE(0.25, 0);
    f8.writeDoubleLE(-3, 8);
    writeFileSync(join(dir, 'd.npy'), npyBytes('<f8', [2], f8));
    const d = await openReader(join(dir, 'd.npy'), 'npy');
    expect(d.rowShape).toEqual([]);
    expect(Array.from((await d.read(0, 2)).data)).toEqual([0.25, -3]);
    await d.close();
  });

  it('refuses Fortran order and big-endian multi-byte dtypes', async () => {
    const dir = tempDir();
    const bytes = npyBytes('>f4', [1], f32Bytes([1]));
    writeFileSync(join(dir, 'be.npy'), bytes);
    await expect(openReader(join(dir, 'be.npy'), 'npy')).rejects.toThrow(/dtype '>f4' is not supported/);
  });

  for (const deflate of [false, true]) {
    it(`reads an NPZ array (${deflate ? 'deflated' : 'stored'}), also out of order`, async () => {
      const dir = tempDir();
      const x = npyBytes('<f4', [5, 4], f32Bytes(values));
      const y = npyBytes('<f4', [5], f32Bytes([1, 2, 3, 4, 5]));
      const path = join(dir, 'd.npz');
      writeFileSync(path, zipBytes([{ name: 'y.npy', data: y, deflate }, { name: 'x.npy', data: x, deflate }]));
      const reader = await openReader(path, undefined);
      expect(reader.format).toBe('npz');
      expect(reader.rowShape).toEqual([4]);
      expect(Array.from((await reader.read(3, 5)).data)).toEqual(values.slice(12, 20));
      expect(Array.from((await reader.read(0, 1)).data)).toEqual(values.slice(0, 4));
      await reader.close();
      const picked = await openReader(`${path}:y`, undefined);
      expect(Array.from((await picked.read(1, 3)).data)).toEqual([2, 3]);
      await picked.close();
      await expect(openReader(`${path}:z`, undefined)).rejects.toThrow(/has no array 'z'.*arrays: y, x/);
    });
  }
});

describe('JSONL reader', () => {
  it('reads arrays (nested flattened) and objects with ids', async () => {
    const dir = tempDir();
    const path = join(dir, 'd.jsonl');
    writeFileSync(path, '[[1,2],[3,4]]\n{"id":"b","input":[5,6,7,8]}\n\n{"x":[9,10,11,12]}\n');
    expect(guessFormat(path)).toBe('jsonl');
    const reader = await openReader(path, undefined);
    expect(reader.rows).toBe(3);
    const block = await reader.read(0, 3);
    expect(block.ids).toEqual([0, 'b', 2]);
    expect(Array.from(block.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('names a row of the wrong length', async () => {
    const dir = tempDir();
    const path = join(dir, 'd.jsonl');
    writeFileSync(path, '[1,2]\n[1,2,3]\n');
    const reader = await openReader(path, 'jsonl');
    await expect(reader.read(0, 2)).rejects.toThrow(/row 1: 3 values, expected 2/);
  });
});

describe('image folder reader', () => {
  it('decodes PNG (grey, RGB) and JPEG, converts channels, resizes, orders by path', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'b'));
    // 2×2 grey PNG: resized to 1×1 with half-pixel centres the value is the mean of the four.
    writeFileSync(join(dir, 'a.png'), encodePng({ width: 2, height: 2, data: new Uint8Array([0, 51, 102, 255]), channels: 1, depth: 8 }));
    // 1×1 RGB PNG: the grey value of a 1-channel model is the mean of R, G, B.
    writeFileSync(join(dir, 'b', 'c.png'), encodePng({ width: 1, height: 1, data: new Uint8Array([255, 0, 51]), channels: 3, depth: 8 }));
    // A flat 8×8 JPEG (lossy, but a constant image decodes within a level or two).
    const flat = new Uint8Array(8 * 8 * 4).map((_, i) => (i % 4 === 3 ? 255 : 128));
    writeFileSync(join(dir, 'b', 'd.jpg'), jpeg.encode({ width: 8, height: 8, data: flat }, 95).data);
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    expect(guessFormat(dir)).toBe('images');
    const reader = await openReader(dir, undefined, { inputShape: [1, 1, 1], layout: 'NHWC' });
    expect(reader.rows).toBe(3);
    const block = await reader.read(0, 3);
    expect(block.ids).toEqual(['a.png', 'b/c.png', 'b/d.jpg']);
    expect(block.data[0]).toBeCloseTo((0 + 51 + 102 + 255) / 4 / 255, 6);
    expect(block.data[1]).toBeCloseTo((255 + 0 + 51) / 3 / 255, 6);
    expect(Math.abs(block.data[2]! - 128 / 255)).toBeLessThan(3 / 255);
  });

  it('lays out RGB as NCHW at the model size', async () => {
    const dir = tempDir();
    const data = new Uint8Array([10, 20, 30, 40, 50, 60]); // 2×1 RGB
    writeFileSync(join(dir, 'x.png'), encodePng({ width: 2, height: 1, data, channels: 3, depth: 8 }));
    const reader = await openReader(dir, 'images', { inputShape: [3, 1, 2], layout: 'NCHW' });
    const block = await reader.read(0, 1);
    expect(Array.from(block.data, (v) => Math.round(v * 255))).toEqual([10, 40, 20, 50, 30, 60]);
  });
});
