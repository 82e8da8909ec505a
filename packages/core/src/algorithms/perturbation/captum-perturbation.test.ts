/**
 * Captum 0.8.0 figures for FeatureAblation (with and without a feature mask, zero and non-zero
 * baselines), Occlusion (window 3, strides 1 and 2) and exact ShapleyValues (with and without a
 * mask), copied into packages/core/test/fixtures by tools/import-reference-fixtures.mjs, checked
 * through the analytic dense-ReLU model and through the IR reference executor on the fixture graph.
 *
 * Tolerance: |got − want| ≤ 1e-5·|want| + 2e-7. Our differences f(x) − f(x̃) are of float32
 * model outputs (≈3e-8 rounding each), Captum's FeatureAblation figures are float64; for
 * Occlusion and ShapleyValues (Captum computes in float32) we compare with the fixture's
 * independent float64 values.
 */
import { describe, expect, it } from 'vitest';
import type { Model } from '../../model.js';
import { createReferenceModel, graphFromJSON } from '../../ir/index.js';
import { tensor } from '../../tensor.js';
import { FeatureAblation } from './feature-ablation.js';
import { Occlusion } from './occlusion.js';
import { ShapleyValues } from './shapley-values.js';
import {
  MODEL_NAMES,
  analyticModel,
  baselineTensor,
  inputsTensor,
  loadFixture,
  loadGraphJson,
  mismatches,
  row,
  type CaptumRecord,
  type Fixture,
} from '../test/fixtures.js';

const REL = 1e-5;
const ABS = 2e-7;

type Rec = CaptumRecord & { independent_float64_value?: number[] };

/** Record groups (same method, params and baseline), each with one record per input. */
function groups(f: Fixture, method: string): Rec[][] {
  const by = new Map<string, Rec[]>();
  for (const r of f.records as Rec[]) {
    if (r.method !== method) continue;
    const key = JSON.stringify([r.params, r.baseline]);
    by.set(key, [...(by.get(key) ?? []), r]);
  }
  const out = [...by.values()].map((g) => g.sort((a, b) => a.input_index - b.input_index));
  for (const g of out) expect(g.map((r) => r.input_index)).toEqual(f.inputs.map((_, i) => i));
  return out;
}

function baselineOf(f: Fixture, r: Rec): number | ReturnType<typeof baselineTensor> {
  if (r.baseline === 'zeros' || r.baseline === 'nonzero') return baselineTensor(f, r.baseline);
  if ((r.baseline as unknown) === 'scalar_0') return 0;
  throw new Error(`unexpected baseline ${String(r.baseline)}`);
}

function maskOf(f: Fixture, r: Rec) {
  const m = r.params['feature_mask'] as number[] | null | undefined;
  return m ? tensor(m, f.input_shape) : undefined;
}

function expectGroup(attr: { data: Float32Array; shape: readonly number[] }, recs: Rec[], useF64: boolean): void {
  for (const r of recs) {
    const want = useF64 ? r.independent_float64_value! : r.attribution;
    expect(want, r.id).toBeDefined();
    expect(mismatches(row(attr, r.input_index), want, REL, ABS), r.id).toEqual([]);
  }
}

function suite(label: string, makeModel: (f: Fixture) => Model): void {
  describe.each(MODEL_NAMES)(`Captum perturbation figures via ${label}: %s`, (name) => {
    const f = loadFixture(name);
    const model = makeModel(f);
    const x = inputsTensor(f);

    it('FeatureAblation (every record group)', async () => {
      const gs = groups(f, 'FeatureAblation');
      expect(gs.length).toBe(name === 'mlp_tabular' ? 4 : 2);
      for (const recs of gs) {
        const r0 = recs[0]!;
        const res = await new FeatureAblation(model).attribute(x, {
          target: recs.map((r) => r.target),
          baselines: baselineOf(f, r0),
          featureMask: maskOf(f, r0),
          perturbationsPerEval: r0.params['perturbations_per_eval'] as number,
        });
        expect(res.method).toBe('feature-ablation');
        expectGroup(res.attributions, recs, false);
      }
    });

    it('ShapleyValues exact (every record group)', async () => {
      const gs = groups(f, 'ShapleyValues');
      expect(gs.length).toBe(2);
      for (const recs of gs) {
        const r0 = recs[0]!;
        expect(r0.params['exact']).toBe(true);
        const res = await new ShapleyValues(model).attribute(x, {
          target: recs.map((r) => r.target),
          baselines: baselineOf(f, r0),
          featureMask: maskOf(f, r0),
        });
        expectGroup(res.attributions, recs, true);
        // Captum's own float32 result, looser.
        for (const r of recs) expect(mismatches(row(res.attributions, r.input_index), r.attribution, 1e-4, 2e-6), r.id).toEqual([]);
      }
    });

    if (name === 'mlp_tabular') {
      it('Occlusion (window 3, strides 1 and 2)', async () => {
        const gs = groups(f, 'Occlusion');
        expect(gs.map((g) => g[0]!.params['strides'])).toEqual([[1], [2]]);
        for (const recs of gs) {
          const r0 = recs[0]!;
          const res = await new Occlusion(model).attribute(x, {
            target: recs.map((r) => r.target),
            baselines: baselineOf(f, r0),
            slidingWindowShapes: r0.params['sliding_window_shapes'] as number[],
            strides: r0.params['strides'] as number[],
          });
          expect(res.method).toBe('occlusion');
          expectGroup(res.attributions, recs, true);
          for (const r of recs) expect(mismatches(row(res.attributions, r.input_index), r.attribution, 1e-4, 2e-6), r.id).toEqual([]);
        }
      });
    }
  });
}

suite('the analytic dense-ReLU model', analyticModel);
suite('the IR reference executor', (f) => createReferenceModel(graphFromJSON(loadGraphJson(f.model))));
