/**
 * The seeded CI slice of the loader fuzzer (scripts/fuzz-loaders.mjs runs ≥ 10,000 cases per
 * loader). Every generated case must load or fail with a typed error naming the file; cases that
 * point outside the model's directory must fail; on Linux, no case may add more resident memory
 * than its bound (fuzz/memory.ts: proportional to its bytes plus a constant). Files declaring
 * huge sizes are refused (or, for folded ONNX constants, blocked) before allocating.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '@glasswing/core';
import { CliError, readTensorFile } from '../files.js';
import { loadModelFile } from '../model-file.js';
import { LOADERS, generateCase, loadSeeds, runCase, type Seeds } from '../fuzz/loaders.js';
import { linuxMemoryProbe, memoryBound } from '../fuzz/memory.js';

const root = resolve(import.meta.dirname, '../../../..');
const scratch = mkdtempSync(join(tmpdir(), 'glasswing-fuzz-slice-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CASES = 200;
let seeds: Seeds | undefined;
const probe = linuxMemoryProbe();

describe('loader fuzzing (seeded slice)', () => {
  for (const loader of LOADERS) {
    it(`${loader}: ${CASES} mutated files give success or a typed error naming the file`, async () => {
      seeds ??= await loadSeeds(root);
      const counts = { ok: 0, typed: 0, untyped: 0, escaped: 0, unnamed: 0 };
      const failures: string[] = [];
      for (let i = 0; i < CASES; i++) {
        const c = await generateCase(loader, 16, i, seeds);
        const o = await runCase(c, scratch, probe);
        counts[o.kind]++;
        if (o.kind !== 'ok' && o.kind !== 'typed') failures.push(`#${i} ${c.mutation}: ${o.kind} ${o.error}`);
        if (o.memory && o.memory.peakBytes > memoryBound(c)) failures.push(`#${i} ${c.mutation}: peak ${o.memory.peakBytes} B above the bound ${memoryBound(c)} B`);
      }
      expect(failures).toEqual([]);
      // The generator exercises the error paths (and some mutations still load).
      expect(counts.typed).toBeGreaterThan(CASES / 4);
    }, 120_000);
  }
});

describe('loader fuzzing counterexamples (shrunk)', () => {
  it('a tensor file nested 5000 deep is a CliError naming the file (was RangeError: call stack exceeded)', () => {
    const path = join(scratch, 'deep.json');
    writeFileSync(path, '['.repeat(5000) + '1' + ']'.repeat(5000));
    expect(() => readTensorFile(path, 'input file')).toThrow(CliError);
    expect(() => readTensorFile(path, 'input file')).toThrow(/deep\.json' nests arrays\/objects more than 256 levels deep/);
    // 100 levels is within the limit and a valid (if odd) tensor.
    writeFileSync(path, '['.repeat(100) + '1' + ']'.repeat(100));
    expect(readTensorFile(path, 'input file').shape).toHaveLength(100);
  });

  it('a graph JSON error names the model file', async () => {
    const path = join(scratch, 'graph.json');
    writeFileSync(path, JSON.stringify({ format: 'glasswing-graph', version: 1, inputs: [{ name: 'x', shape: [-1, 2] }], outputs: ['y'], nodes: [{ name: 'n', op: 'Relu', inputs: ['nowhere'], outputs: ['y'] }] }));
    const err = await loadModelFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).toMatch(new RegExp(`^model file '${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': node n: input nowhere`));
  });
});
