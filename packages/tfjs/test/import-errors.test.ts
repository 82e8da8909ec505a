/** Loader / importer errors: typed, naming the file, layer, class or activation. */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelFormatError, UnsupportedOpError } from '@glasswing/core';
import { fromTfjsLayers, importLayersModel, loadLayersArtifacts, type LayersArtifacts } from '../src/index.js';
import { FIXTURES } from './fixtures.js';

const SRC = `${FIXTURES}tiny_additive/`;

/** A temp copy of tiny_additive, with model.json and/or the shard rewritten. */
function copyModel(edit: { json?: (j: Record<string, any>) => unknown; rawJson?: string; bin?: (b: Buffer) => Buffer } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'gw-tfjs-'));
  const json = JSON.parse(readFileSync(`${SRC}model.json`, 'utf8'));
  writeFileSync(join(dir, 'model.json'), edit.rawJson ?? JSON.stringify(edit.json ? edit.json(json) ?? json : json));
  const bin = readFileSync(`${SRC}group1-shard1of1.bin`);
  writeFileSync(join(dir, 'group1-shard1of1.bin'), edit.bin ? edit.bin(bin) : bin);
  return dir;
}

async function importFrom(dir: string): Promise<unknown> {
  return importLayersModel(await loadLayersArtifacts(join(dir, 'model.json')));
}

describe('loader and importer errors', () => {
  it('loads from a directory path and a file: URL', async () => {
    const dir = copyModel();
    const a = await loadLayersArtifacts(dir);
    const b = await loadLayersArtifacts(new URL(`file://${join(dir, 'model.json')}`));
    expect(a.weightSpecs.length).toBe(4);
    expect(new Uint8Array(b.weightData as ArrayBuffer).byteLength).toBe(152);
  });

  it('corrupt model.json -> ModelFormatError naming the file', async () => {
    const dir = copyModel({ rawJson: '{"modelTopology": {"class_name": ' });
    await expect(importFrom(dir)).rejects.toThrow(ModelFormatError);
    await expect(importFrom(dir)).rejects.toThrow(/model\.json is not valid JSON/);
  });

  it('missing model.json or shard -> ModelFormatError naming the file', async () => {
    await expect(loadLayersArtifacts('/nonexistent/dir/model.json')).rejects.toThrow(/cannot read \/nonexistent\/dir\/model\.json/);
    const dir = copyModel({
      json: (j) => {
        j.weightsManifest[0].paths = ['missing-shard.bin'];
      },
    });
    await expect(importFrom(dir)).rejects.toThrow(ModelFormatError);
    await expect(importFrom(dir)).rejects.toThrow(/missing-shard\.bin/);
  });

  it('truncated or oversized weight data -> ModelFormatError', async () => {
    const truncated = copyModel({ bin: (b) => b.subarray(0, 100) });
    await expect(importFrom(truncated)).rejects.toThrow(ModelFormatError);
    await expect(importFrom(truncated)).rejects.toThrow(/truncated.*fc1\/bias/);
    const extra = copyModel({ bin: (b) => Buffer.concat([b, Buffer.alloc(8)]) });
    await expect(importFrom(extra)).rejects.toThrow(/160 bytes but the manifest describes 152/);
  });

  it('unsupported weight dtypes or quantizations -> ModelFormatError', async () => {
    const bool = copyModel({
      json: (j) => {
        j.weightsManifest[0].weights[1].dtype = 'bool';
      },
    });
    await expect(importFrom(bool)).rejects.toThrow(/fc1\/bias.*dtype bool/);
    const q = copyModel({
      json: (j) => {
        j.weightsManifest[0].weights[0].quantization = { dtype: 'int4', min: 0, scale: 1 };
      },
    });
    await expect(importFrom(q)).rejects.toThrow(/fc1\/kernel.*unknown quantization dtype "int4"/);
  });

  it('graph models and unknown model classes -> ModelFormatError', async () => {
    const graph = copyModel({
      json: (j) => {
        j.format = 'graph-model';
      },
    });
    await expect(importFrom(graph)).rejects.toThrow(/is a TensorFlow.js graph model; load it with loadGraphModelArtifacts/);
    const unknown = copyModel({
      json: (j) => {
        j.modelTopology.class_name = 'Mystery';
      },
    });
    await expect(importFrom(unknown)).rejects.toThrow(ModelFormatError);
  });

  it('unsupported layer -> UnsupportedOpError naming class and layer', async () => {
    const dir = copyModel({
      json: (j) => {
        j.modelTopology.config.layers.splice(1, 0, { class_name: 'ConvLSTM2D', config: { name: 'clstm_1', filters: 4 } });
      },
    });
    const err = await importFrom(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedOpError);
    expect((err as Error).message).toMatch(/layer clstm_1: layer class ConvLSTM2D is not supported/);
    // ... and says what is supported.
    expect((err as Error).message).toMatch(/supported: .*Bidirectional.*Conv2D.*LSTM.*Sequential/);
    expect((err as UnsupportedOpError).op).toBe('ConvLSTM2D');
  });

  it('unsupported activation -> UnsupportedOpError naming layer and activation', async () => {
    const dir = copyModel({
      json: (j) => {
        j.modelTopology.config.layers[0].config.activation = 'bent_identity';
      },
    });
    await expect(importFrom(dir)).rejects.toThrow(UnsupportedOpError);
    await expect(importFrom(dir)).rejects.toThrow(/fc1.*activation "bent_identity".*supported: linear, relu/);
  });

  it('missing or misshapen weights -> ModelFormatError naming the layer', async () => {
    const renamed = copyModel({
      json: (j) => {
        j.weightsManifest[0].weights[2].name = 'other/kernel';
      },
    });
    await expect(importFrom(renamed)).rejects.toThrow(/layer fc2 \(Dense\): weight kernel is missing/);
    const base = await loadLayersArtifacts(SRC);
    const bad: LayersArtifacts = {
      ...base,
      weightSpecs: base.weightSpecs.map((s) => (s.name === 'fc1/kernel' ? { ...s, shape: [4, 6] } : s)),
    };
    expect(() => importLayersModel(bad)).toThrow(/fc1 \(Dense\): weight kernel has shape \[4, 6\], expected \[6, 4\]/);
  });

  it('fromTfjsLayers accepts artifacts in memory', async () => {
    const m = await fromTfjsLayers(await loadLayersArtifacts(SRC));
    expect(m.inputShape).toEqual([6]);
    expect(m.layerNames).toContain('relu1');
    await m.dispose();
  });
});
