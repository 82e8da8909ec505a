/**
 * The corpus checks on one ONNX Runtime adapter, registered as vitest cases. For every generated
 * export: it loads as published (path; external data read next to it), predicts what ONNX
 * Runtime predicts on the original file (forward, the emitted IR forward and the gradient graph's
 * outputs, 1e-5 of the output scale; PyTorch's outputs 1e-4), runs every gradient, rule and layer
 * method of METHODS with default settings (layer methods on `methodLayer`), and passes the checks
 * that apply: IG completeness, DeepLIFT summation-to-delta where its rules are exact, and Captum
 * 0.8 Saliency / IG for the models with recorded figures. The rows go to corpus-results/<adapter>.json.
 */
import { readFileSync } from 'node:fs';
import {
  IntegratedGradients,
  METHODS,
  ModelFormatError,
  Saliency,
  ShapeError,
  DeepLift,
  LayerActivation,
  type Tensor,
} from '@glasswing/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxModel, fromOnnx, type OnnxModel } from '../../src/index.js';
import {
  corpusFixtures,
  corpusPath,
  deepLiftExact,
  inputOf,
  methodLayers,
  notBatchMajorLayer,
  ortReference,
  relError,
  sumRows,
  targetValues,
  type CorpusFixture,
} from './fixtures.js';
import { settleResults, type CorpusRow } from './results.js';

type Runtime = 'onnx-node' | 'onnx-web';

/** Prediction agreement with ONNX Runtime on the original file (relative to the output scale). */
export const PREDICTION_TOL = 1e-5;
/** PyTorch's float32 outputs against ONNX Runtime's (different kernels). */
const TORCH_TOL = 1e-4;
/** IG completeness: |Σ attr − (f(x) − f(0))| ≤ 5% of |f(x) − f(0)| + 1% of the output scale. */
const IG_COMPLETENESS = { rel: 0.05, scale: 0.01 };
/** IG totals against Captum's (float64): relative to max(|Σ|, 1). */
const IG_SUM_TOL = 1e-4;
/** DeepLIFT summation-to-delta on models whose rules are exact. */
const DEEPLIFT_TOL = 1e-4;
/** Captum 0.8 (float64) against float32 attributions. */
const CAPTUM_TOL = 1e-4;

const GRADIENT_METHODS = Object.values(METHODS).filter((s) => Object.values(s.requires).some(Boolean));

function describeExporter(f: CorpusFixture): string {
  return f.exporter === 'dynamo' ? 'torch.onnx (dynamo)' : 'torch.onnx (TorchScript)';
}

export function registerCorpus(runtime: Runtime): void {
  const rows: CorpusRow[] = [];
  const fixtures = corpusFixtures();

  it('the corpus has the generated exports', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    expect(new Set(fixtures.map((f) => f.opset)).size).toBeGreaterThanOrEqual(6);
    expect(fixtures.some((f) => f.externalData !== null)).toBe(true);
    expect(fixtures.some((f) => f.batch.startsWith('fixed'))).toBe(true);
  });

  describe.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    let model: OnnxModel;
    let layer: string;
    let tokens: string | undefined;
    const x = inputOf(f);
    let reference: Tensor;
    const checks: string[] = [];
    const ok: string[] = [];
    const failed: { id: string; error: string }[] = [];
    const notes: string[] = [];
    let predictionError = Infinity;

    beforeAll(async () => {
      reference = await ortReference(f, x);
      model = await fromOnnx(corpusPath(f.model), { runtime });
      ({ spatial: layer, tokens } = methodLayers(model.graph!));
    });
    afterAll(async () => {
      await model?.dispose();
      rows.push({
        model: f.name,
        description: f.about,
        format: 'ONNX',
        producer: describeExporter(f),
        opset: f.opset,
        batch: f.batch,
        adapter: runtime,
        loads: model !== undefined && model.capabilityReport.complete,
        reference: 'onnxruntime-node on the original file',
        predictionError,
        methods: { ok: [...ok].sort(), failed },
        checks: [...checks].sort(),
        notes: [
          f.externalData ? `external data (${f.externalData})` : '',
          `layer methods on ${layer}${tokens ? ` and on ${tokens} (tokens; Guided Grad-CAM needs a spatial map)` : ''}`,
          ...notes,
        ]
          .filter(Boolean)
          .join('; '),
      });
    });

    it('loads as published: complete import (gradients, layers, rules)', () => {
      expect(model.capabilityReport.blockingOps).toEqual([]);
      expect(model.capabilities).toEqual({ gradients: true, layers: true, rules: true });
      expect(model.inputShape).toEqual(f.input.shape.slice(1));
    });

    if (f.externalData) {
      it('external data: read next to the path; bytes alone are refused by name; bytes + externalData load', async () => {
        const bytes = readFileSync(corpusPath(f.model));
        const refused = fromOnnx(bytes, { runtime });
        await expect(refused).rejects.toBeInstanceOf(ModelFormatError);
        await expect(refused).rejects.toThrow(new RegExp(`external file\\(s\\) "${f.externalData!.replace(/\./g, '\\.')}".*externalData`));
        const m = await fromOnnx(bytes, { runtime, externalData: { [f.externalData!]: readFileSync(corpusPath(f.externalData!)) } });
        try {
          expect(relError(await m.forward(x), reference)).toBeLessThanOrEqual(PREDICTION_TOL);
        } finally {
          await m.dispose();
        }
      });
    }

    it(`predicts what ONNX Runtime predicts on the original file (${PREDICTION_TOL} of the output scale)`, async () => {
      const emitted = await createOnnxModel(model.graph!, { runtime });
      try {
        const errors = {
          forward: relError(await model.forward(x), reference),
          emittedForward: relError(await emitted.forward(x), reference),
          gradientGraph: relError((await model.gradient(x, { seed: { kind: 'index', indices: f.target } })).outputs, reference),
        };
        predictionError = Math.max(...Object.values(errors));
        expect(predictionError, JSON.stringify(errors)).toBeLessThanOrEqual(PREDICTION_TOL);
      } finally {
        await emitted.dispose();
      }
      expect(relError(reference, f.torchOutputs), 'PyTorch outputs').toBeLessThanOrEqual(TORCH_TOL);
    });

    it('runs every gradient, rule and layer method with default settings', async () => {
      const x1 = inputOf(f, 1);
      for (const spec of GRADIENT_METHODS) {
        const o = {
          target: f.target[0]!,
          ...(spec.options.includes('layer') ? { layer } : {}),
          ...(spec.options.includes('neuron') ? { neuron: 0 } : {}),
        };
        try {
          const r = await spec.run(model, x1, o);
          const bad = Array.from(r.attributions.data).findIndex((v) => !Number.isFinite(v));
          if (bad >= 0) throw new Error(`non-finite attribution at ${bad}`);
          ok.push(spec.id);
        } catch (e) {
          failed.push({ id: spec.id, error: `${(e as Error).name}: ${(e as Error).message}` });
        }
      }
      if (tokens) {
        // The token layer: every layer and neuron method; Grad-CAM at the layer (no spatial map to resize).
        for (const spec of GRADIENT_METHODS.filter((m) => m.options.includes('layer') && m.id !== 'guided-grad-cam')) {
          const o = { target: f.target[0]!, layer: tokens, ...(spec.options.includes('neuron') ? { neuron: 0 } : {}), ...(spec.id === 'grad-cam' ? { attributeToLayer: true } : {}) };
          try {
            const r = await spec.run(model, x1, o);
            if (Array.from(r.attributions.data).some((v) => !Number.isFinite(v))) throw new Error('non-finite attribution');
          } catch (e) {
            failed.push({ id: `${spec.id} (${tokens})`, error: `${(e as Error).name}: ${(e as Error).message}` });
          }
        }
        await expect(METHODS['guided-grad-cam']!.run(model, x1, { target: f.target[0]!, layer: tokens })).rejects.toBeInstanceOf(ShapeError);
      }
      expect(failed).toEqual([]);
    });

    it("IG (default 50 steps): Σ attributions = Captum's; completeness where the quadrature converges", async () => {
      const zero = await ortReference(f, { shape: x.shape, data: new Float32Array(x.data.length) });
      const want = targetValues(reference, f.target).map((v, i) => v - targetValues(zero, f.target)[i]!);
      const scale = reference.data.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
      const tol = (d: number) => IG_COMPLETENESS.rel * Math.abs(d) + IG_COMPLETENESS.scale * scale;
      const r = await new IntegratedGradients(model).attribute(x, { target: f.target });
      const sums = sumRows(r.attributions);
      sums.forEach((s, i) => {
        const c = f.captumIG50.sums[i]!;
        expect(Math.abs(s - c), `example ${i}: Σ ${s}, Captum ${c}`).toBeLessThanOrEqual(IG_SUM_TOL * Math.max(Math.abs(c), 1));
      });
      checks.push('IG = Captum (Σ, 50 steps)');
      // Captum's own gap says whether 50 steps resolve this (random-weight) model's path integral.
      if (f.captumIG50.deltas.some((d, i) => Math.abs(d) > tol(want[i]!))) {
        const worst = Math.max(...f.captumIG50.deltas.map(Math.abs));
        notes.push(`IG at 50 steps: |Σ − (f(x) − f(0))| up to ${worst.toPrecision(2)} (outputs up to ${scale.toPrecision(2)}), as Captum's`);
        return;
      }
      sums.forEach((s, i) => {
        expect(Math.abs(s - want[i]!), `example ${i}: Σ ${s}, f(x) − f(0) ${want[i]}`).toBeLessThanOrEqual(tol(want[i]!));
      });
      checks.push('IG completeness');
    });

    const exactDeepLift = (): boolean => deepLiftExact(model.graph!);
    it('DeepLIFT: summation-to-delta where its rules are exact (else it runs, delta reported)', async () => {
      const zero = await ortReference(f, { shape: x.shape, data: new Float32Array(x.data.length) });
      const want = targetValues(reference, f.target).map((v, i) => v - targetValues(zero, f.target)[i]!);
      const r = await new DeepLift(model).attribute(x, { target: f.target });
      expect(r.delta).toBeDefined();
      if (!exactDeepLift()) return;
      sumRows(r.attributions).forEach((s, i) => {
        expect(Math.abs(s - want[i]!), `example ${i}: Σ ${s}, f(x) − f(0) ${want[i]}`).toBeLessThanOrEqual(DEEPLIFT_TOL * Math.max(Math.abs(want[i]!), 1));
      });
      checks.push('DeepLIFT summation-to-delta');
    });

    if (f.captum) {
      it('Captum 0.8 Saliency and IntegratedGradients (8 Gauss–Legendre steps)', async () => {
        const sal = await new Saliency(model).attribute(x, { target: f.target });
        expect(relError(sal.attributions, f.captum!.saliency), 'Saliency').toBeLessThanOrEqual(CAPTUM_TOL);
        const ig = f.captum!.integratedGradients;
        expect([ig.steps, ig.method]).toEqual([8, 'gausslegendre']);
        const r = await new IntegratedGradients(model).attribute(x, { target: f.target, steps: 8, quadrature: 'gausslegendre' });
        expect(relError(r.attributions, ig), 'IntegratedGradients').toBeLessThanOrEqual(CAPTUM_TOL);
        checks.push('Captum Saliency + IG');
      });
    }

    if (f.ops.includes('MatMul')) {
      it('a layer inside attention whose first dimension is not the batch is a ShapeError saying where the batch is', async () => {
        const name = notBatchMajorLayer(model.graph!);
        expect(name).toBeDefined();
        const r = new LayerActivation(model).attribute(inputOf(f, 1), { layer: name! });
        await expect(r).rejects.toBeInstanceOf(ShapeError);
        await expect(r).rejects.toThrow(/(the batch N is dimension \d, not the first|first dimension is \d·N, not the batch N alone)/);
      });
    }
  });

  it('matches the committed results (corpus-results)', () => {
    settleResults({
      format: 'glasswing-model-corpus/1',
      package: '@glasswing/onnx',
      adapter: runtime,
      generatedBy: `packages/onnx/test/corpus-${runtime === 'onnx-node' ? 'node' : 'web'}.test.ts (GLASSWING_UPDATE_CORPUS=1)`,
      rows: [...rows].sort((a, b) => a.model.localeCompare(b.model)),
    });
  });
}
