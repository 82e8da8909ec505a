/**
 * The on-disk cache of emitted models (model/disk-cache.ts): a second model on the same graph and
 * request reads the entry (no emission written again) and gives the same gradients as a model
 * without the cache; a changed weight or another request misses; a corrupt, truncated or
 * mismatched entry is ignored (re-emitted, rewritten) without an error; the option and the
 * environment variable turn it off.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GradientResult, Graph, Tensor } from '@glasswing/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createOnnxModel, fromOnnx, loadRuntime, resolveCacheDir, type OnnxModel, type OnnxRuntime } from '../src/index.js';

const lenet = fileURLToPath(new URL('./fixtures/lenet_mnist.onnx', import.meta.url));
const dirs: string[] = [];
const models: OnnxModel[] = [];
afterEach(async () => {
  for (const m of models.splice(0)) await m.dispose();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmpDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'glasswing-onnx-cache-'));
  dirs.push(d);
  return d;
}

async function open(options: Parameters<typeof fromOnnx>[1]): Promise<OnnxModel> {
  const m = await fromOnnx(lenet, options);
  models.push(m);
  return m;
}

const x: Tensor = { shape: [3, 1, 28, 28], data: Float32Array.from({ length: 3 * 784 }, (_, i) => ((i * 37) % 101) / 101) };
const grad = (m: OnnxModel, rows = x): Promise<GradientResult> => m.gradient(rows, { seed: { kind: 'index', indices: Array.from({ length: rows.shape[0]! }, (_, i) => (i * 3) % 10) } });

function entries(dir: string, ext: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(ext) && !f.includes('.tmp'));
}

function expectClose(a: Tensor, b: Tensor, rel = 1e-5): void {
  expect(a.shape).toEqual(b.shape);
  let max = 0;
  for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(a.data[i]!));
  for (let i = 0; i < a.data.length; i++) expect(Math.abs(a.data[i]! - b.data[i]!)).toBeLessThanOrEqual(rel * max + 1e-12);
}

describe('on-disk model cache', () => {
  it('a second model reads the entry the first wrote, with the same gradients as no cache (onnx-node)', async () => {
    const dir = tmpDir();
    const plain = await open({ cacheDir: false });
    expect(plain.diskCacheStats).toBeUndefined();
    const want = await grad(plain);

    const first = await open({ cacheDir: dir });
    const a = await grad(first);
    expect(first.diskCacheStats).toMatchObject({ hits: 0, writes: 1 });
    expect(entries(dir, '.onnx')).toHaveLength(1);
    expect(entries(dir, '.json')).toHaveLength(1);
    const meta = JSON.parse(readFileSync(path.join(dir, entries(dir, '.json')[0]!), 'utf8')) as { preOptimized: boolean };
    expect(meta.preOptimized).toBe(true); // onnx-node stores ORT's optimised graph

    const second = await open({ cacheDir: dir });
    const b = await grad(second);
    expect(second.diskCacheStats).toMatchObject({ hits: 1, writes: 0 });
    expectClose(a.inputGradient, want.inputGradient);
    expectClose(b.inputGradient, want.inputGradient);
    expectClose(b.outputs, want.outputs);
    // The gradient is not all zeros (the comparison above means something).
    expect(want.inputGradient.data.some((v) => v !== 0)).toBe(true);

    // Another request (batch 2) is another entry.
    await grad(second, { shape: [2, 1, 28, 28], data: x.data.slice(0, 2 * 784) });
    expect(second.diskCacheStats).toMatchObject({ hits: 1, writes: 1 });
    expect(entries(dir, '.json')).toHaveLength(2);
  });

  it('a changed graph misses the entry', async () => {
    const dir = tmpDir();
    const base = await open({ cacheDir: dir });
    const g0 = await grad(base);
    const graph = base.graph!;
    // Same structure, one weight changed.
    const name = Object.keys(graph.initializers).find((k) => graph.initializers[k]!.shape.length === 4)!;
    const w = graph.initializers[name]!;
    const changed: Graph = { ...graph, initializers: { ...graph.initializers, [name]: { shape: w.shape, data: w.data.map((v, i) => (i === 0 ? v + 0.5 : v)) } } };
    const other = await createOnnxModel(changed, { cacheDir: dir });
    models.push(other);
    const g1 = await grad(other);
    expect(other.diskCacheStats).toMatchObject({ hits: 0, writes: 1 });
    expect(entries(dir, '.json')).toHaveLength(2);
    const diff = g1.inputGradient.data.reduce((s, v, i) => s + Math.abs(v - g0.inputGradient.data[i]!), 0);
    expect(diff).toBeGreaterThan(0);
    // The same changed graph hits its own entry.
    const again = await createOnnxModel(changed, { cacheDir: dir });
    models.push(again);
    expectClose((await grad(again)).inputGradient, g1.inputGradient);
    expect(again.diskCacheStats).toMatchObject({ hits: 1, writes: 0 });
  });

  it.each([
    ['garbage model bytes of the same length', (dir: string) => corrupt(dir, '.onnx', (b) => b.map((v, i) => (i % 7 === 0 ? v ^ 0x5a : v)))],
    ['a truncated model', (dir: string) => corrupt(dir, '.onnx', (b) => b.subarray(0, b.length >> 1))],
    ['an unparsable JSON', (dir: string) => corrupt(dir, '.json', () => Buffer.from('{"format": 1, "bytes": '))],
    ['a missing model file', (dir: string) => rmSync(path.join(dir, entries(dir, '.onnx')[0]!))],
  ])('an entry with %s is ignored and rewritten', async (_what, damage) => {
    const dir = tmpDir();
    const want = await grad(await open({ cacheDir: dir }));
    damage(dir);
    const m = await open({ cacheDir: dir });
    const got = await grad(m);
    expect(m.diskCacheStats).toMatchObject({ hits: 0, writes: 1 });
    expectClose(got.inputGradient, want.inputGradient);
    const healed = await open({ cacheDir: dir });
    await grad(healed);
    expect(healed.diskCacheStats).toMatchObject({ hits: 1, writes: 0 });
  });

  it('onnx-web stores the emitted model and reads it back', async () => {
    const dir = tmpDir();
    const want = await grad(await open({ cacheDir: false, runtime: 'onnx-web' }));
    await grad(await open({ cacheDir: dir, runtime: 'onnx-web' }));
    const meta = JSON.parse(readFileSync(path.join(dir, entries(dir, '.json')[0]!), 'utf8')) as { preOptimized: boolean };
    expect(meta.preOptimized).toBe(false);
    const m = await open({ cacheDir: dir, runtime: 'onnx-web' });
    expectClose((await grad(m)).inputGradient, want.inputGradient);
    expect(m.diskCacheStats).toMatchObject({ hits: 1, writes: 0 });
  });

  it('an unwritable directory only loses the cache', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'not-a-directory');
    writeFileSync(file, 'x');
    const m = await open({ cacheDir: path.join(file, 'cache') });
    const want = await grad(await open({ cacheDir: false }));
    expectClose((await grad(m)).inputGradient, want.inputGradient);
    expect(m.diskCacheStats).toMatchObject({ hits: 0, writes: 0 });
  });

  it('a runtime that fails to save the optimised graph still runs the model; the emitted model is stored', async () => {
    const dir = tmpDir();
    const base = await loadRuntime('onnx-node');
    const refusing: OnnxRuntime = {
      ...base,
      createSession: (bytes, o) => (o?.saveOptimizedTo ? Promise.reject(new Error('cannot write')) : base.createSession(bytes, o)),
    };
    const want = await grad(await open({ cacheDir: false }));
    const m = await open({ cacheDir: dir, runtime: refusing });
    expectClose((await grad(m)).inputGradient, want.inputGradient);
    expect(m.diskCacheStats?.writes).toBeGreaterThan(0);
    for (const f of entries(dir, '.json')) expect((JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { preOptimized: boolean }).preOptimized).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('resolveCacheDir: option first, then GLASSWING_ONNX_CACHE (off/0/false/empty: none), then the fallback', () => {
    const saved = process.env['GLASSWING_ONNX_CACHE'];
    try {
      delete process.env['GLASSWING_ONNX_CACHE'];
      expect(resolveCacheDir(undefined)).toBeUndefined();
      expect(resolveCacheDir(undefined, '/fallback')).toBe('/fallback');
      expect(resolveCacheDir('/opt', '/fallback')).toBe('/opt');
      expect(resolveCacheDir(false, '/fallback')).toBeUndefined();
      process.env['GLASSWING_ONNX_CACHE'] = '/from-env';
      expect(resolveCacheDir(undefined, '/fallback')).toBe('/from-env');
      expect(resolveCacheDir(false)).toBeUndefined();
      for (const off of ['off', '0', 'false', '', 'OFF']) {
        process.env['GLASSWING_ONNX_CACHE'] = off;
        expect(resolveCacheDir(undefined, '/fallback')).toBeUndefined();
      }
    } finally {
      if (saved === undefined) delete process.env['GLASSWING_ONNX_CACHE'];
      else process.env['GLASSWING_ONNX_CACHE'] = saved;
    }
  });
});

function corrupt(dir: string, ext: string, f: (b: Buffer) => Uint8Array): void {
  const file = path.join(dir, entries(dir, ext)[0]!);
  writeFileSync(file, f(readFileSync(file)));
}
