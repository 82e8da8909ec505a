/**
 * Shrunk counterexamples of the loader fuzzer (scripts/fuzz-loaders.mjs): each once escaped the
 * model's directory or threw an untyped error; now a ModelFormatError naming the file.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '@glasswing/core';
import { importGraphModel, importLayersModel, loadGraphModelArtifacts, loadLayersArtifacts } from '../src/index.js';
import { FIXTURES } from './fixtures.js';

/** tiny_additive in `<tmp>/model/`, with a 4 KiB file `<tmp>/outside/secret.bin` beside it. */
function layout(editPaths?: (paths: string[]) => void, rawJson?: (text: string) => string): { dir: string; json: string } {
  const root = mkdtempSync(join(tmpdir(), 'gw-tfjs-hostile-'));
  const dir = join(root, 'model');
  mkdirSync(dir);
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'outside', 'secret.bin'), new Uint8Array(152).fill(7));
  copyFileSync(`${FIXTURES}tiny_additive/group1-shard1of1.bin`, join(dir, 'group1-shard1of1.bin'));
  const j = JSON.parse(readFileSync(`${FIXTURES}tiny_additive/model.json`, 'utf8'));
  editPaths?.(j.weightsManifest[0].paths);
  const text = JSON.stringify(j);
  writeFileSync(join(dir, 'model.json'), rawJson ? rawJson(text) : text);
  return { dir, json: join(dir, 'model.json') };
}

describe('weight paths stay inside the model directory', () => {
  it('loads the untouched copy (control)', async () => {
    const { json } = layout();
    expect(importLayersModel(await loadLayersArtifacts(json)).nodes.length).toBeGreaterThan(0);
  });

  it.each([['../outside/secret.bin'], ['sub/../../outside/secret.bin'], ['/etc/hostname'], ['file:///etc/hostname'], ['C:\\w.bin']])(
    'refuses the weight path %s',
    async (p) => {
      const { json } = layout((paths) => (paths[0] = p));
      const err = await loadLayersArtifacts(json).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelFormatError);
      expect((err as Error).message).toContain(json);
      expect((err as Error).message).toMatch(/must be a relative path inside the model's directory/);
    },
  );

  it('refuses a shard that is a symbolic link leading out of the directory', async () => {
    const { dir, json } = layout((paths) => (paths[0] = 'link.bin'));
    symlinkSync(join(dir, '..', 'outside', 'secret.bin'), join(dir, 'link.bin'));
    const err = await loadLayersArtifacts(json).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).toMatch(/leads outside the model's directory/);
  });

  it('accepts a symbolic link that stays inside the directory', async () => {
    const { dir, json } = layout((paths) => (paths[0] = 'link.bin'));
    symlinkSync(join(dir, 'group1-shard1of1.bin'), join(dir, 'link.bin'));
    expect(importLayersModel(await loadLayersArtifacts(json)).nodes.length).toBeGreaterThan(0);
  });
});

describe('hostile model.json content', () => {
  it('a value nested 5000 deep is a ModelFormatError (was RangeError: call stack exceeded)', async () => {
    const deep = '['.repeat(5000) + '1' + ']'.repeat(5000);
    const { json } = layout(undefined, (t) => t.replace('"linear"', deep));
    const err = await loadLayersArtifacts(json).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).toMatch(/more than 256 levels deep/);
  });

  it.each([
    ['strides null', (t: string) => t.replace('"strides":{"list":{"i":["1","1","1","1"]}}', '"strides":null'), /attribute strides must be an AttrValue object/],
    ['strides list not an array', (t: string) => t.replace('"strides":{"list":{"i":["1","1","1","1"]}}', '"strides":{"list":{"i":"1111"}}'), /attribute strides must be a list of integers/],
    ['strides entry not an integer', (t: string) => t.replace('"strides":{"list":{"i":["1","1","1","1"]}}', '"strides":{"list":{"i":["1",{},"1","1"]}}'), /attribute strides must be a list of integers/],
    ['input shape dim not a list', (t: string) => t.replace('"dim":[{"size":"-1"},{"size":"8"},{"size":"8"},{"size":"2"}]', '"dim":5'), /a shape must be \{dim/],
  ])('a graph model with %s is a ModelFormatError (was TypeError)', async (_what, edit, message) => {
    const root = mkdtempSync(join(tmpdir(), 'gw-tfjs-hostile-'));
    const src = `${FIXTURES}graph-models/relu_cnn/`;
    const text = readFileSync(`${src}model.json`, 'utf8');
    expect(edit(text)).not.toBe(text);
    writeFileSync(join(root, 'model.json'), edit(text));
    copyFileSync(`${src}weights.bin`, join(root, 'weights.bin'));
    const err = await loadGraphModelArtifacts(join(root, 'model.json')).then((a) => importGraphModel(a)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).toMatch(message);
  });

  it('a graph model string attribute that is not base64 is a ModelFormatError (was InvalidCharacterError)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gw-tfjs-hostile-'));
    const src = `${FIXTURES}graph-models/relu_cnn/`;
    writeFileSync(join(root, 'model.json'), readFileSync(`${src}model.json`, 'utf8').replace('"U0FNRQ=="', '"S!ME"'));
    copyFileSync(`${src}weights.bin`, join(root, 'weights.bin'));
    const err = await loadGraphModelArtifacts(join(root, 'model.json')).then((a) => importGraphModel(a)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).toMatch(/padding/);
  });
});
