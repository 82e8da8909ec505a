/**
 * Captum checks of the rule methods (GuidedBackprop, Deconvolution, DeepLift, LRP) on a fixture
 * model, registered as vitest cases; shared by the adapter test files. Records are in the
 * fixture's (PyTorch) layout; the model must compute the same function on the same input layout.
 */
import { expect, it } from 'vitest';
import type { Model } from '../../model.js';
import { tensor, type Tensor } from '../../tensor.js';
import { GuidedBackprop } from '../rules/guided-backprop.js';
import { Deconvolution } from '../rules/deconvolution.js';
import { DeepLift } from '../rules/deep-lift.js';
import { Lrp } from '../rules/lrp.js';
import { LayerActivation } from '../layer/layer-activation.js';
import { LayerConductance } from '../layer/layer-conductance.js';

export interface RuleFixtureRecord {
  id: string;
  method: string;
  params: Record<string, unknown>;
  input_index: number;
  target: number;
  baseline: 'zeros' | 'nonzero' | null;
  attribution: number[];
  convergence_delta?: number;
  layer?: string;
}

export interface RuleFixture {
  inputs: number[][];
  input_shape: number[];
  baselines: { zeros: number[]; nonzero: number[] };
  records: RuleFixtureRecord[];
}

export interface Tolerance {
  rel: number;
  abs: number;
  delta: number;
}

export function recordsFor(f: RuleFixture, method: string, pred: (r: RuleFixtureRecord) => boolean = () => true): RuleFixtureRecord[] {
  const rs = f.records.filter((r) => r.method === method && pred(r)).sort((a, b) => a.input_index - b.input_index);
  expect(rs.length).toBe(f.inputs.length);
  return rs;
}

export function expectAttributions(attr: Tensor, recs: RuleFixtureRecord[], tol: Tolerance): void {
  for (const r of recs) {
    const per = r.attribution.length;
    const got = attr.data.subarray(r.input_index * per, (r.input_index + 1) * per);
    const bad = r.attribution
      .map((want, i) => ({ i, want, got: got[i]! }))
      .filter(({ want, got: g }) => !(Math.abs(g - want) <= tol.rel * Math.abs(want) + tol.abs));
    expect(bad, r.id).toEqual([]);
  }
}

export function expectDeltas(delta: Float32Array | undefined, recs: RuleFixtureRecord[], tol: Tolerance): void {
  expect(delta).toBeDefined();
  for (const r of recs) expect(Math.abs(delta![r.input_index]! - r.convergence_delta!), r.id).toBeLessThanOrEqual(tol.delta);
}

/**
 * Registers the rule-method and layer-method Captum cases for fixture `f` on the model returned
 * by `model()`; `layerName` maps Captum's module names (fc1, relu1, …) to the model's layer names.
 */
export function captumRuleMethods(f: RuleFixture, model: () => Model, tol: Tolerance, layerName: (captum: string) => string = (l) => l): void {
  const x = (): Tensor => tensor(f.inputs.flat(), [f.inputs.length, ...f.input_shape]);
  const layersOf = (method: string) => [...new Set(f.records.filter((r) => r.method === method).map((r) => r.layer!))];

  it.each(layersOf('LayerActivation'))('LayerActivation %s', async (layer) => {
    const recs = recordsFor(f, 'LayerActivation', (r) => r.layer === layer);
    const res = await new LayerActivation(model()).attribute(x(), { layer: layerName(layer) });
    expect(res.method).toBe('layer-activation');
    expectAttributions(res.attributions, recs, tol);
  });

  const condCases = [...new Set(f.records.filter((r) => r.method === 'LayerConductance').map((r) => `${r.layer}|${r.baseline}`))];
  if (condCases.length > 0) {
    it.each(condCases)('LayerConductance %s', async (c) => {
      const [layer, baseline] = c.split('|') as [string, 'zeros' | 'nonzero'];
      const recs = recordsFor(f, 'LayerConductance', (r) => r.layer === layer && r.baseline === baseline);
      expect(recs[0]!.params['n_steps']).toBe(50);
      const res = await new LayerConductance(model()).attribute(x(), {
        layer: layerName(layer),
        target: recs.map((r) => r.target),
        baselines: tensor(f.baselines[baseline], f.input_shape),
        steps: 50,
      });
      expect(res.method).toBe('layer-conductance');
      expectAttributions(res.attributions, recs, tol);
      expectDeltas(res.delta, recs, tol);
    });
  }

  it('GuidedBackprop', async () => {
    const recs = recordsFor(f, 'GuidedBackprop');
    const res = await new GuidedBackprop(model()).attribute(x(), { target: recs.map((r) => r.target) });
    expect(res.method).toBe('guided-backprop');
    expectAttributions(res.attributions, recs, tol);
  });

  it('Deconvolution', async () => {
    const recs = recordsFor(f, 'Deconvolution');
    const res = await new Deconvolution(model()).attribute(x(), { target: recs.map((r) => r.target) });
    expect(res.method).toBe('deconvolution');
    expectAttributions(res.attributions, recs, tol);
  });

  it.each(['zeros', 'nonzero'] as const)('DeepLift rescale, %s baseline', async (baseline) => {
    const recs = recordsFor(f, 'DeepLift', (r) => r.baseline === baseline);
    expect(recs[0]!.params['rule']).toBe('rescale');
    const res = await new DeepLift(model()).attribute(x(), {
      target: recs.map((r) => r.target),
      baselines: tensor(f.baselines[baseline], f.input_shape),
    });
    expect(res.method).toBe('deeplift');
    expectAttributions(res.attributions, recs, tol);
    expectDeltas(res.delta, recs, tol);
  });

  it('LRP (Captum default composite)', async () => {
    const recs = recordsFor(f, 'LRP');
    const res = await new Lrp(model()).attribute(x(), { target: recs.map((r) => r.target) });
    expect(res.method).toBe('lrp');
    expectAttributions(res.attributions, recs, tol);
    expectDeltas(res.delta, recs, tol);
  });
}
