/**
 * Declared-size caps (issue 16): a small file declaring a huge tensor is refused with a typed error
 * naming the file — or, for a constant the ONNX importer would fold, the node is blocked with a
 * reason naming the limit — before anything of that size is allocated. On Linux the peak resident
 * memory each load adds is measured (fuzz/memory.ts) and must stay under the fuzzer's constant
 * term (32 MiB), far below the declared sizes (4 GiB – 40 GB).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GlasswingError, graphToJSON } from '@glasswing/core';
import { decodeModel, encodeModel, importOnnxModel } from '@glasswing/onnx';
import { CliError, readTensorFile } from '../files.js';
import { loadModelFile } from '../model-file.js';
import { linuxMemoryProbe, MEMORY_BOUND } from '../fuzz/memory.js';

const root = resolve(import.meta.dirname, '../../../..');
const scratch = mkdtempSync(join(tmpdir(), 'glasswing-declared-sizes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const probe = linuxMemoryProbe();
const tinyOnnx = new Uint8Array(readFileSync(join(root, 'packages/onnx/test/fixtures/tiny_additive.onnx')));

/** Runs `load`, returns what it threw (or its result) and the peak resident bytes it added (NaN off Linux). */
async function measured(load: () => unknown): Promise<{ thrown?: unknown; value?: unknown; peak: number }> {
  probe?.start();
  let thrown: unknown;
  let value: unknown;
  try {
    value = await load();
  } catch (e) {
    thrown = e;
  }
  const peak = probe ? probe.end().peakBytes : NaN;
  return { thrown, value, peak };
}

function expectSmallPeak(peak: number): void {
  if (probe) expect(peak).toBeLessThan(MEMORY_BOUND.constantBytes);
}

function expectTypedNaming(thrown: unknown, path: string): void {
  expect(thrown instanceof GlasswingError || thrown instanceof CliError).toBe(true);
  expect((thrown as Error).message).toContain(path);
}

describe('declared sizes are checked before allocating', () => {
  it('a tensor file declaring [100000, 100000] with one value', async () => {
    const path = join(scratch, 'input.json');
    writeFileSync(path, JSON.stringify({ shape: [100000, 100000], data: [1] }));
    const r = await measured(() => readTensorFile(path, 'input file'));
    expectTypedNaming(r.thrown, path);
    expectSmallPeak(r.peak);
  });

  it('a graph JSON initializer declaring [65536, 65536] with its few values', async () => {
    const j = graphToJSON(importOnnxModel(tinyOnnx).graph!) as unknown as { initializers: Record<string, { shape: number[] }> };
    const name = Object.keys(j.initializers)[0]!;
    j.initializers[name]!.shape = [65536, 65536];
    const path = join(scratch, 'graph.json');
    writeFileSync(path, JSON.stringify(j));
    const r = await measured(() => loadModelFile(path));
    expectTypedNaming(r.thrown, path);
    expectSmallPeak(r.peak);
  });

  it('a TensorFlow.js weight declaring [65536, 65536] against its 152-byte shard', async () => {
    const dir = join(scratch, 'tfjs');
    cpSync(join(root, 'packages/tfjs/test/fixtures/tiny_additive'), dir, { recursive: true });
    const path = join(dir, 'model.json');
    const j = JSON.parse(readFileSync(path, 'utf8')) as { weightsManifest: { weights: { shape: number[] }[] }[] };
    j.weightsManifest[0]!.weights[0]!.shape = [65536, 65536];
    writeFileSync(path, JSON.stringify(j));
    const r = await measured(() => loadModelFile(path));
    expectTypedNaming(r.thrown, path);
    expectSmallPeak(r.peak);
  });

  it('an ONNX initializer declaring 2^31 elements without their data', async () => {
    const m = decodeModel(tinyOnnx);
    m.graph!.initializer!.push({ name: 'huge', dims: [2 ** 31], dataType: 1 });
    const path = join(scratch, 'huge-init.onnx');
    writeFileSync(path, encodeModel(m));
    const r = await measured(() => loadModelFile(path));
    expectTypedNaming(r.thrown, path);
    expectSmallPeak(r.peak);
  });

  it('an ONNX ConstantOfShape of [32768, 32768] (4 GiB) is blocked naming the limit', async () => {
    const m = decodeModel(tinyOnnx);
    const g = m.graph!;
    g.initializer = [...(g.initializer ?? []), { name: 'huge_shape', dims: [2], dataType: 7, int64Data: [32768, 32768] }];
    const fc1 = g.node!.find((n) => n.opType === 'Gemm')!;
    g.node = [{ opType: 'ConstantOfShape', input: ['huge_shape'], output: ['huge_const'], name: 'huge' }, ...g.node!];
    fc1.input = [fc1.input![0]!, fc1.input![1]!, 'huge_const'];
    const path = join(scratch, 'huge-const.onnx');
    writeFileSync(path, encodeModel(m));
    const r = await measured(() => loadModelFile(path));
    expect(r.thrown).toBeUndefined();
    const loaded = r.value as Awaited<ReturnType<typeof loadModelFile>>;
    expect(loaded.onnx?.blockingOps.find((b) => b.op === 'ConstantOfShape')?.reason).toMatch(/more than the limit of 16777216 \(OnnxImportOptions\.maxConstantElements\)/);
    expectSmallPeak(r.peak);
    expect(importOnnxModel(encodeModel(m)).forwardOnly).toBe(true);
  });
});
