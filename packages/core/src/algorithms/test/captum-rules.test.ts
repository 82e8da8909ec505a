/**
 * Captum 0.8 figures (float64) for the propagation-rule / layer family — DeepLift (rescale),
 * GuidedBackprop, Deconvolution, LRP (Captum's default ε-composite), LayerActivation and
 * LayerConductance — through the IR reference executor on the fixture graphs (copied by
 * tools/import-reference-fixtures.mjs).
 *
 * Tolerances: attributions |got − want| ≤ 1e-5·|want| + 1e-8; deltas 2e-7 absolute (our f(x),
 * f(x′) are float32 model outputs).
 */
import { describe, expect, it } from 'vitest';
import type { Model } from '../../model.js';
import { createReferenceModel, graphFromJSON } from '../../ir/index.js';
import {
  MODEL_NAMES,
  baselineTensor,
  inputsTensor,
  loadFixture,
  loadGraphJson,
  mismatches,
  row,
  type CaptumRecord,
  type Fixture,
} from './fixtures.js';
import { captumRuleMethods } from './captum-rule-methods.js';

const REL = 1e-5;
const ABS = 1e-8;
const DELTA_ABS = 2e-7;

interface LayerRecord extends CaptumRecord {
  layer?: string;
}

function recordsOf(f: Fixture, method: string, pred: (r: LayerRecord) => boolean = () => true): LayerRecord[] {
  const rs = (f.records as LayerRecord[]).filter((r) => r.method === method && pred(r));
  expect(rs.length).toBe(f.inputs.length);
  return rs.sort((a, b) => a.input_index - b.input_index);
}

function expectRecords(attr: { data: Float32Array; shape: readonly number[] }, recs: CaptumRecord[]): void {
  for (const r of recs) expect(mismatches(row(attr, r.input_index), r.attribution, REL, ABS), r.id).toEqual([]);
}

function expectDeltas(delta: Float32Array | undefined, recs: CaptumRecord[]): void {
  expect(delta).toBeDefined();
  for (const r of recs) expect(Math.abs(delta![r.input_index]! - r.convergence_delta!), r.id).toBeLessThanOrEqual(DELTA_ABS);
}

describe.each(MODEL_NAMES)('Captum rule/layer figures via the reference executor: %s', (name) => {
  const f = loadFixture(name);
  const graph = graphFromJSON(loadGraphJson(name));
  const base = createReferenceModel(graph);
  // Rule methods read model.graph; expose it in case the adapter does not.
  const model: Model = 'graph' in base ? base : (Object.create(base, { graph: { value: graph } }) as Model);
  const x = inputsTensor(f);
  captumRuleMethods(f, () => model, { rel: REL, abs: ABS, delta: DELTA_ABS });
});
