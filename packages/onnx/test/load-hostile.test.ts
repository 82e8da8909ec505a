/**
 * Shrunk counterexamples of the loader fuzzer (scripts/fuzz-loaders.mjs): an external data file
 * that is a symbolic link out of the model's directory was read; a ConstantOfShape of
 * [32768, 32768] in a 1 KiB model made the importer allocate 4 GiB and die out of memory.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelFormatError, InvalidArgumentError } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { importOnnxModel } from '../src/import/index.js';
import { loadOnnxBytes } from '../src/load.js';
import { decodeModel, encodeModel } from '../src/proto/model.js';

const tiny = readFileSync(fileURLToPath(new URL('./fixtures/tiny_additive.onnx', import.meta.url)));

/** tiny_additive with fc1.bias stored in external file `location`, in `<tmp>/model/`. */
function externalModel(location: string): { dir: string; path: string; data: Uint8Array } {
  const m = decodeModel(tiny);
  const t = m.graph!.initializer!.find((i) => i.name === 'fc1.bias')!;
  const data = t.rawData!.slice();
  t.rawData = new Uint8Array(0);
  t.dataLocation = 1;
  t.externalData = [{ key: 'location', value: location }];
  const root = mkdtempSync(join(tmpdir(), 'gw-onnx-hostile-'));
  const dir = join(root, 'model');
  mkdirSync(dir);
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'outside', 'secret.bin'), data);
  const path = join(dir, 'model.onnx');
  writeFileSync(path, encodeModel(m));
  return { dir, path, data };
}

describe('external data stays inside the model directory', () => {
  it('reads a file (or a symbolic link) inside the directory (control)', async () => {
    const { dir, path, data } = externalModel('w.bin');
    writeFileSync(join(dir, 'real.bin'), data);
    symlinkSync(join(dir, 'real.bin'), join(dir, 'w.bin'));
    expect(importOnnxModel(await loadOnnxBytes(path)).graph).not.toBeNull();
  });

  it('refuses a symbolic link leading out of the directory', async () => {
    const { dir, path } = externalModel('link.bin');
    symlinkSync(join(dir, '..', 'outside', 'secret.bin'), join(dir, 'link.bin'));
    const err = await loadOnnxBytes(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(/leads outside the model's directory/);
  });
});

describe('folded constants are capped before allocation', () => {
  /** tiny_additive with fc1's bias replaced by a ConstantOfShape of [side, side]. */
  function hugeConstant(side: number): Uint8Array {
    const m = decodeModel(tiny);
    const g = m.graph!;
    g.initializer = [...(g.initializer ?? []), { name: 'huge_shape', dims: [2], dataType: 7, int64Data: [side, side] }];
    const fc1 = g.node!.find((n) => n.opType === 'Gemm')!;
    g.node = [{ opType: 'ConstantOfShape', input: ['huge_shape'], output: ['huge_const'], name: 'huge' }, ...g.node!];
    fc1.input = [fc1.input![0]!, fc1.input![1]!, 'huge_const'];
    return encodeModel(m);
  }

  it('a ConstantOfShape of [32768, 32768] is a blocking op naming the limit, not a 4 GiB allocation', () => {
    const r = importOnnxModel(hugeConstant(32768));
    expect(r.forwardOnly).toBe(true);
    expect(r.blockingOps.find((b) => b.op === 'ConstantOfShape')?.reason).toMatch(/1073741824 elements, more than the limit of 16777216 \(OnnxImportOptions\.maxConstantElements\)/);
  });

  it('maxConstantElements is configurable', () => {
    // [4, 4] = 16 elements: within the default, above a limit of 8.
    const small = hugeConstant(4);
    expect(importOnnxModel(small).blockingOps.find((b) => b.op === 'ConstantOfShape')).toBeUndefined();
    const capped = importOnnxModel(small, { maxConstantElements: 8 });
    expect(capped.blockingOps.find((b) => b.op === 'ConstantOfShape')?.reason).toMatch(/16 elements, more than the limit of 8/);
    expect(() => importOnnxModel(small, { maxConstantElements: -1 })).toThrow(InvalidArgumentError);
  });
});
