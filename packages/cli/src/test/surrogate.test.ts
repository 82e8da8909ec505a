/** kernel-shap and lime through `glasswing attribute` on tiny_additive (graph JSON, reference adapter). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, GRAPH, run, tempDir, writeJson } from './helpers.js';

const REF = JSON.parse(readFileSync(join(FIXTURES, 'tiny_additive.perturbation.json'), 'utf8')) as {
  inputs: number[][];
  baselines: { zeros: number[]; nonzero: number[] };
  records: Array<{ method: string; input_index: number; target: number; baseline: string; independent_float64_value?: number[]; attribution: number[] }>;
};

interface Output {
  method: string;
  attributions: number[][];
  outputs: number[][];
  targets: number[];
  expectedValue?: number[];
  intercept?: number[];
  score?: number[];
  localPrediction?: number[];
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

describe('glasswing attribute: kernel-shap and lime', () => {
  it('kernel-shap with a budget covering all coalitions gives the exact Shapley values and E[f(background)]', async () => {
    const recs = REF.records.filter((r) => r.method === 'ShapleyValues' && r.baseline === 'nonzero').sort((a, b) => a.input_index - b.input_index);
    expect(recs.length).toBe(4);
    const out = await attribute(['--method', 'kernel-shap', '--input', inputs, '--target', recs.map((r) => r.target).join(','), '--baseline', nonzero, '--samples', '62']);
    expect(out.method).toBe('kernel-shap');
    out.attributions.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - (recs[i]!.independent_float64_value ?? recs[i]!.attribution)[j]!)).toBeLessThan(5e-6)));
    expect(out.expectedValue).toHaveLength(4);
    out.attributions.forEach((row, i) => {
      const sum = row.reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - (out.outputs[i]![recs[i]!.target]! - out.expectedValue![i]!))).toBeLessThan(1e-5);
    });
  });

  it('kernel-shap: --feature-mask groups, --seed reproducible; background file of several rows', async () => {
    const mask = writeJson(dir, 'mask.json', [0, 0, 1, 1, 2, 2]);
    const bg = writeJson(dir, 'bg.json', [REF.baselines.nonzero, REF.baselines.zeros, REF.inputs[3]]);
    const args = ['--method', 'kernel-shap', '--input', inputs, '--target', '0', '--baseline', bg, '--feature-mask', mask, '--samples', '4', '--seed', '5'];
    const a = await attribute(args);
    const b = await attribute(args);
    expect(b.attributions).toEqual(a.attributions);
    for (const row of a.attributions) {
      expect(row[0]).toBe(row[1]);
      expect(row[2]).toBe(row[3]);
    }
  });

  it('lime: tabular with a training-data file reports intercept, score and local prediction; same --seed ⇒ same output', async () => {
    const train = writeJson(dir, 'train.json', [...REF.inputs, REF.baselines.nonzero, REF.baselines.zeros, [1, -1, 0.5, -0.5, 2, -2], [-1, 1, -0.5, 0.5, -2, 2]]);
    const args = ['--method', 'lime', '--input', inputs, '--target', '1', '--baseline', train, '--samples', '200', '--seed', '3'];
    const a = await attribute(args);
    const b = await attribute(args);
    expect(a.method).toBe('lime');
    expect(b).toEqual(a);
    expect(a.intercept).toHaveLength(4);
    expect(a.score!.every((s) => s <= 1)).toBe(true);
    expect(a.localPrediction).toHaveLength(4);
    const c = await attribute(['--method', 'lime', '--input', inputs, '--target', '1', '--samples', '200', '--seed', '3']);
    expect(c.attributions).not.toEqual(a.attributions); // masking variant without training data
  });

  it('strict flags: bad --samples is a usage error', async () => {
    const r = await run(['attribute', '--model', GRAPH, '--method', 'kernel-shap', '--input', inputs, '--samples', '0']);
    expect(r.code).toBe(2);
    const l = await run(['attribute', '--model', GRAPH, '--method', 'lime', '--input', inputs, '--samples', '1']);
    expect(l.code).not.toBe(0);
    expect(l.stderr).toMatch(/nSamples/);
  });
});
