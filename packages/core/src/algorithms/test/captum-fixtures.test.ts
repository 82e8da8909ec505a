/**
 * Deterministic Captum figures (Captum 0.8.0, float64) for Saliency, InputXGradient and
 * IntegratedGradients, checked through the analytic dense-ReLU model built from the fixture
 * weights and through the IR reference executor on the fixture graph.
 *
 * Tolerances: attributions |got − want| ≤ 1e-5·|want| + 1e-8 (the absolute floor covers
 * near-zero elements; the smallest reference magnitude is ≈1.3e-4, the largest observed error
 * ≈5e-7 relative); deltas ±2e-7 absolute (our f(x), f(x′) are float32 outputs, ≈3e-8 rounding
 * each, against Captum's float64; observed ≤4e-8).
 */
import { describe, expect, it } from 'vitest';
import type { Model } from '../../model.js';
import { Saliency } from '../gradient/saliency.js';
import { InputXGradient } from '../gradient/input-x-gradient.js';
import { IntegratedGradients } from '../gradient/integrated-gradients.js';
import type { Quadrature } from '../_utils/approximation.js';
import { createReferenceModel, graphFromJSON } from '../../ir/index.js';
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
} from './fixtures.js';

const REL = 1e-5;
const GRAD_ABS = 1e-8;
const IG_ABS = 1e-8;
const DELTA_ABS = 2e-7;

function recordsOf(f: Fixture, method: string, pred: (r: CaptumRecord) => boolean = () => true): CaptumRecord[] {
  const rs = f.records.filter((r) => r.method === method && pred(r));
  expect(rs.length).toBe(f.inputs.length); // one record per input: the fixture is complete
  return rs.sort((a, b) => a.input_index - b.input_index);
}

function expectRecords(attr: { data: Float32Array; shape: readonly number[] }, recs: CaptumRecord[], abs: number): void {
  for (const r of recs) {
    expect(mismatches(row(attr, r.input_index), r.attribution, REL, abs), `${r.id}`).toEqual([]);
  }
}

function suite(label: string, makeModel: (f: Fixture) => Model): void {
  describe.each(MODEL_NAMES)(`Captum figures via ${label}: %s`, (name) => {
    const f = loadFixture(name);
    const model = makeModel(f);
    const x = inputsTensor(f);
    const targets = f.targets;

    it('forward matches the float32 outputs', async () => {
      const out = await model.forward(x);
      f.outputs.float32.forEach((want, i) => expect(mismatches(row(out, i), want, 1e-6, 1e-7)).toEqual([]));
    });

    it.each([true, false])('Saliency abs=%s', async (abs) => {
      const recs = recordsOf(f, 'Saliency', (r) => r.params['abs'] === abs);
      const res = await new Saliency(model).attribute(x, { target: recs.map((r) => r.target), abs });
      expect(res.method).toBe('saliency');
      expect(res.targets).toEqual(targets);
      expect(res.modelCalls).toBe(1);
      expectRecords(res.attributions, recs, GRAD_ABS);
    });

    it('InputXGradient', async () => {
      const recs = recordsOf(f, 'InputXGradient');
      const res = await new InputXGradient(model).attribute(x, { target: recs.map((r) => r.target) });
      expectRecords(res.attributions, recs, GRAD_ABS);
    });

    const igCases: Array<[Quadrature, 'zeros' | 'nonzero']> = [
      ['gausslegendre', 'zeros'],
      ['gausslegendre', 'nonzero'],
      ['riemann_trapezoid', 'zeros'],
      ['riemann_trapezoid', 'nonzero'],
    ];
    it.each(igCases)('IntegratedGradients %s, %s baseline (attributions and deltas)', async (quadrature, baseline) => {
      const recs = recordsOf(f, 'IntegratedGradients', (r) => r.params['method'] === quadrature && r.baseline === baseline);
      expect(recs.every((r) => r.params['n_steps'] === 50)).toBe(true);
      const res = await new IntegratedGradients(model).attribute(x, {
        target: recs.map((r) => r.target),
        baselines: baselineTensor(f, baseline),
        quadrature,
        steps: 50,
      });
      expectRecords(res.attributions, recs, IG_ABS);
      expect(res.delta).toBeDefined();
      for (const r of recs) {
        expect(Math.abs(res.delta![r.input_index]! - r.convergence_delta!), r.id).toBeLessThanOrEqual(DELTA_ABS);
      }
      // [x; x′] in one forward call, all steps·N rows in one gradient call
      expect(res.modelCalls).toBe(2);
    });
  });
}

suite('the analytic dense-ReLU model', analyticModel);
suite('the IR reference executor', (f) => createReferenceModel(graphFromJSON(loadGraphJson(f.model))));

describe('fixture graph', () => {
  it.each(MODEL_NAMES)('%s: graph JSON has Gemm(transB=1)/Relu nodes mirroring the layers', (name) => {
    const f = loadFixture(name);
    const g = graphFromJSON(loadGraphJson(name));
    expect(g.nodes.map((n) => n.op)).toEqual(f.layers.map((l) => (l.type === 'linear' ? 'Gemm' : 'Relu')));
    for (const n of g.nodes) if (n.op === 'Gemm') expect(n.attrs['transB']).toBe(1);
    const fc1 = f.layers[0]!;
    const w = g.initializers['fc1.weight']!;
    expect(w.shape).toEqual([fc1.weight!.length, fc1.weight![0]!.length]);
    expect(Array.from(w.data)).toEqual(fc1.weight!.flat());
  });
});
