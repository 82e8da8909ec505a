/**
 * The Captum 0.8 figures (float64) for mlp_tabular and tiny_additive, through the imported
 * TensorFlow.js LayersModels (imported by @glasswing/tfjs) and the same models' ONNX exports (imported
 * by @glasswing/onnx), run on the gpu.js adapter's cpu and webasm modes (headlessgl where built): Saliency (abs on/off), InputXGradient,
 * IntegratedGradients (Gauss–Legendre and trapezoid, zero and non-zero baselines) with deltas.
 * The figures were copied into packages/core/test/fixtures by tools/import-reference-fixtures.mjs.
 * Tolerance: 1e-5 relative with a 1e-8 absolute floor for near-zero elements; deltas 2e-7 absolute.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputXGradient, IntegratedGradients, Saliency, tensor, type Model, type Tensor } from '@glasswing/core';
import { fromGpujsLayers, fromGpujsOnnx, type GpujsMode } from '../src/index.js';
import { MODES } from './helpers.js';

const FIX = new URL('../../', import.meta.url);
const SOURCES = {
  tfjs: (name: string, mode: GpujsMode) => fromGpujsLayers(new URL(`tfjs/test/fixtures/${name}/model.json`, FIX).pathname, { mode }),
  onnx: (name: string, mode: GpujsMode) => fromGpujsOnnx(new URL(`onnx/test/fixtures/${name}.onnx`, FIX).pathname, { mode }),
};
const CASES = MODES.flatMap((mode) => (['tfjs', 'onnx'] as const).map((src) => [mode, src] as const));

interface CaptumRecord {
  id: string;
  method: string;
  params: Record<string, unknown>;
  input_index: number;
  target: number;
  baseline: 'zeros' | 'nonzero' | null;
  attribution: number[];
  convergence_delta?: number;
}
interface Fixture {
  inputs: number[][];
  input_shape: number[];
  baselines: { zeros: number[]; nonzero: number[] };
  records: CaptumRecord[];
}

const NAMES = ['tiny_additive', 'mlp_tabular'] as const;
const load = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`../../core/test/fixtures/${name}.json`, import.meta.url), 'utf8')) as Fixture;

function expectRecord(attr: Tensor, r: CaptumRecord): void {
  const per = r.attribution.length;
  const got = attr.data.subarray(r.input_index * per, (r.input_index + 1) * per);
  const bad = r.attribution
    .map((want, i) => ({ i, want, got: got[i]! }))
    .filter(({ want, got: g }) => !(Math.abs(g - want) <= 1e-5 * Math.abs(want) + 1e-8));
  expect(bad, r.id).toEqual([]);
}

function records(f: Fixture, method: string, pred: (r: CaptumRecord) => boolean = () => true): CaptumRecord[] {
  const rs = f.records.filter((r) => r.method === method && pred(r)).sort((a, b) => a.input_index - b.input_index);
  expect(rs.length).toBe(f.inputs.length);
  return rs;
}

describe.each(CASES)('Captum figures on gpujs-%s, %s model', (mode, src) => {
  describe.each(NAMES)('%s', (name) => {
    const f = load(name);
    const x = tensor(f.inputs.flat(), [f.inputs.length, ...f.input_shape]);
    let model: Model;
    beforeAll(async () => {
      model = await SOURCES[src](name, mode);
    });
    afterAll(async () => {
      await model.dispose();
    });

    it.each([true, false])('Saliency abs=%s', async (abs) => {
      const recs = records(f, 'Saliency', (r) => r.params['abs'] === abs);
      const res = await new Saliency(model).attribute(x, { target: recs.map((r) => r.target), abs });
      for (const r of recs) expectRecord(res.attributions, r);
    });

    it('InputXGradient', async () => {
      const recs = records(f, 'InputXGradient');
      const res = await new InputXGradient(model).attribute(x, { target: recs.map((r) => r.target) });
      for (const r of recs) expectRecord(res.attributions, r);
    });

    it.each([
      ['gausslegendre', 'zeros'],
      ['gausslegendre', 'nonzero'],
      ['riemann_trapezoid', 'zeros'],
      ['riemann_trapezoid', 'nonzero'],
    ] as const)('IntegratedGradients %s, %s baseline', async (quadrature, baseline) => {
      const recs = records(f, 'IntegratedGradients', (r) => r.params['method'] === quadrature && r.baseline === baseline);
      const res = await new IntegratedGradients(model).attribute(x, {
        target: recs.map((r) => r.target),
        baselines: tensor(f.baselines[baseline], f.input_shape),
        quadrature,
        steps: 50,
      });
      for (const r of recs) {
        expectRecord(res.attributions, r);
        expect(Math.abs(res.delta![r.input_index]! - r.convergence_delta!), r.id).toBeLessThanOrEqual(2e-7);
      }
    });
  });
});
