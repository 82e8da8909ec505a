/**
 * Loads the Captum fixtures copied into packages/core/test/fixtures by
 * tools/import-reference-fixtures.mjs (test-only helper).
 */
import { readFileSync } from 'node:fs';
import { denseReluModel } from '../../testing/index.js';
import type { Model } from '../../model.js';
import { tensor, type Tensor } from '../../tensor.js';

export type ModelName = 'tiny_additive' | 'mlp_tabular';
export const MODEL_NAMES: readonly ModelName[] = ['tiny_additive', 'mlp_tabular'];

export interface CaptumRecord {
  id: string;
  method: string;
  params: Record<string, unknown>;
  input_index: number;
  target: number;
  baseline: 'zeros' | 'nonzero' | null;
  attribution: number[];
  convergence_delta?: number;
}

export interface StochasticCheck {
  method: string;
  params: { nt_type?: string; stdevs: number; abs?: boolean };
  baseline?: 'zeros' | 'nonzero';
  input_index: number;
  target: number;
  expected_value: number[];
  expected_value_standard_error?: number[];
  per_sample_std: number[];
  efficiency_of_expectation?: number;
  f_x_minus_f_baseline?: number;
}

export interface Fixture {
  model: ModelName;
  input_shape: number[];
  output_shape: number[];
  inputs: number[][];
  targets: number[];
  baselines: { zeros: number[]; nonzero: number[] };
  outputs: { float32: number[][]; float64: number[][] };
  baseline_outputs: { zeros: number[]; nonzero: number[] };
  layers: Array<{ name: string; type: string; weight?: number[][]; bias?: number[] }>;
  records: CaptumRecord[];
  stochastic_checks: StochasticCheck[];
}

export function fixturePath(name: string): URL {
  return new URL(`../../../test/fixtures/${name}`, import.meta.url);
}

export function loadFixture(name: ModelName): Fixture {
  return JSON.parse(readFileSync(fixturePath(`${name}.json`), 'utf8')) as Fixture;
}

export function loadGraphJson(name: ModelName): unknown {
  return JSON.parse(readFileSync(fixturePath(`${name}.graph.json`), 'utf8'));
}

/** The fixture model as an analytic dense-ReLU model (independent of the graph executor). */
export function analyticModel(f: Fixture): Model {
  return denseReluModel(
    f.layers.filter((l) => l.type === 'linear').map((l) => ({ weight: l.weight!, bias: l.bias! })),
    `${f.model} (analytic)`,
  );
}

export function inputsTensor(f: Fixture): Tensor {
  return tensor(f.inputs.flat(), [f.inputs.length, ...f.input_shape]);
}

export function baselineTensor(f: Fixture, which: 'zeros' | 'nonzero'): Tensor {
  return tensor(f.baselines[which], f.input_shape);
}

/** Row `i` of a [N, per] tensor as numbers. */
export function row(t: Tensor, i: number): number[] {
  const per = t.data.length / t.shape[0]!;
  return Array.from(t.data.subarray(i * per, (i + 1) * per));
}

/**
 * Element-wise |got − want| ≤ rel·|want| + abs; returns the offending entries (empty = pass).
 */
export function mismatches(got: readonly number[], want: readonly number[], rel: number, abs: number): string[] {
  if (got.length !== want.length) return [`length ${got.length} ≠ ${want.length}`];
  const bad: string[] = [];
  got.forEach((g, j) => {
    const w = want[j]!;
    if (!(Math.abs(g - w) <= rel * Math.abs(w) + abs)) bad.push(`[${j}] got ${g}, want ${w} (diff ${Math.abs(g - w)})`);
  });
  return bad;
}
