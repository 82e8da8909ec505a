/**
 * The perturbation method ids through `glasswing attribute` (Captum FeatureAblation / exact
 * ShapleyValues figures on tiny_additive, copied into test/fixtures/tiny_additive.perturbation.json)
 * and their flags.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Occlusion, createReferenceModel, graphFromJSON, tensor } from '@glasswing/core';
import { FIXTURES, GRAPH, expectClose, run, tempDir, writeJson } from './helpers.js';

interface Rec {
  id: string;
  method: string;
  params: Record<string, unknown>;
  input_index: number;
  target: number;
  baseline: 'zeros' | 'nonzero';
  attribution: number[];
  independent_float64_value?: number[];
}
const REF = JSON.parse(readFileSync(join(FIXTURES, 'tiny_additive.perturbation.json'), 'utf8')) as {
  inputs: number[][];
  baselines: { zeros: number[]; nonzero: number[] };
  records: Rec[];
};

interface Output {
  method: string;
  shape: number[];
  attributions: number[][];
  targets: number[];
}

async function attribute(args: string[]): Promise<Output> {
  const r = await run(['attribute', '--model', GRAPH, ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Output;
}

const dir = tempDir();
const inputs = writeJson(dir, 'x.json', REF.inputs);
const nonzero = writeJson(dir, 'b.json', REF.baselines.nonzero);

describe('glasswing attribute: perturbation ids against Captum (tiny_additive)', () => {
  for (const [method, id] of [
    ['FeatureAblation', 'feature-ablation'],
    ['ShapleyValues', 'shapley-values'],
  ] as const) {
    for (const baseline of ['zeros', 'nonzero'] as const) {
      it(`${id}, ${baseline} baseline`, async () => {
        const recs = REF.records.filter((r) => r.method === method && r.baseline === baseline).sort((a, b) => a.input_index - b.input_index);
        expect(recs.length).toBe(4);
        const out = await attribute([
          '--method',
          id,
          '--input',
          inputs,
          '--target',
          recs.map((r) => r.target).join(','),
          ...(baseline === 'nonzero' ? ['--baseline', nonzero] : []),
          '--perturbations-per-eval',
          '3',
        ]);
        expect(out.method).toBe(id);
        for (const r of recs) expectClose(out.attributions[r.input_index]!, r.independent_float64_value ?? r.attribution, 3e-7);
      });
    }
  }
});

describe('glasswing attribute: perturbation flags', () => {
  it('occlusion --window --strides equals the library result', async () => {
    const out = await attribute(['--method', 'occlusion', '--input', inputs, '--target', '0', '--window', '3', '--strides', '2']);
    const graph = graphFromJSON(JSON.parse(readFileSync(GRAPH, 'utf8')));
    const lib = await new Occlusion(createReferenceModel(graph)).attribute(tensor(REF.inputs.flat(), [4, 6]), {
      target: 0,
      slidingWindowShapes: [3],
      strides: 2,
    });
    expectClose(out.attributions.flat(), Array.from(lib.attributions.data), 1e-6);
  });

  it('feature-ablation --feature-mask groups elements', async () => {
    const mask = writeJson(dir, 'mask.json', [0, 0, 1, 1, 2, 2]);
    const out = await attribute(['--method', 'feature-ablation', '--input', inputs, '--target', '1', '--feature-mask', mask]);
    for (const row of out.attributions) {
      expect(row[0]).toBe(row[1]);
      expect(row[2]).toBe(row[3]);
      expect(row[4]).toBe(row[5]);
    }
  });

  it('shapley-value-sampling and feature-permutation: same --seed ⇒ identical output', async () => {
    for (const method of ['shapley-value-sampling', 'feature-permutation']) {
      const args = ['--method', method, '--input', inputs, '--target', '0', '--seed', '7', '--samples', '4'];
      const a = await run(['attribute', '--model', GRAPH, ...args]);
      const b = await run(['attribute', '--model', GRAPH, ...args]);
      expect(a.code).toBe(0);
      expect(b.stdout).toBe(a.stdout);
      const c = await run(['attribute', '--model', GRAPH, ...args.slice(0, -3), '8', '--samples', '4']);
      expect(c.stdout).not.toBe(a.stdout);
    }
  });

  it.each([
    [['--method', 'occlusion', '--window', '0'], 2, /--window must be at least 1/],
    [['--method', 'occlusion', '--window', '3,x'], 2, /--window must be an integer/],
    [['--method', 'occlusion', '--window', '3', '--strides', ''], 2, /non-empty/],
    [['--method', 'occlusion', '--windows', '3'], 2, /unknown option '--windows'/],
    [['--method', 'occlusion'], 1, /slidingWindowShapes is required/],
    [['--method', 'occlusion', '--window', '7'], 1, /exceeds the input size 6/],
    [['--method', 'occlusion', '--window', '2,2'], 1, /2 entries but the input has 1 dimensions/],
    [['--method', 'feature-ablation', '--perturbations-per-eval', '0'], 2, /at least 1/],
  ] as const)('%j → exit %i', async (args, code, message) => {
    const r = await run(['attribute', '--model', GRAPH, '--input', inputs, ...args]);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('bad feature-mask files are typed errors (exit 1)', async () => {
    const short = writeJson(dir, 'short.json', [0, 1, 2]);
    const neg = writeJson(dir, 'neg.json', [0, 1, 2, -1, 0, 0]);
    for (const [file, msg] of [
      [short, /featureMask has shape \[3\]/],
      [neg, /not an integer group id/],
      [join(dir, 'missing.json'), /cannot read feature mask file/],
    ] as const) {
      const r = await run(['attribute', '--model', GRAPH, '--input', inputs, '--method', 'shapley-values', '--feature-mask', file]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(msg);
    }
  });
});
