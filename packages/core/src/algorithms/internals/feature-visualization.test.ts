import { describe, expect, it } from 'vitest';
import { AbortError, CapabilityError, InvalidArgumentError } from '../../errors.js';
import { createReferenceModel } from '../../reference-model.js';
import type { Layout } from '../../ir/graph.js';
import { NeuronGradient } from '../neuron/neuron-gradient.js';
import { FeatureVisualization, type FeatureVisualizationOptions } from './feature-visualization.js';
import { objectives } from './fv-objectives.js';
import { filterGraph, knownKernel, pearson, tabularGraph } from './test/fv-models.js';
import { layerSeedCanonizer } from './layer-seed.js';
import { functionModel } from '../../testing/index.js';

/** The optimised 5×5×3 patch under the neuron at (2, 2) (input rows/cols 2..6), as [c, i, j]. */
function patch(images: Float32Array, layout: Layout): Float32Array {
  const out = new Float32Array(75);
  for (let c = 0; c < 3; c++) for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
    const y = 2 + i;
    const x = 2 + j;
    out[(c * 5 + i) * 5 + j] = images[layout === 'NCHW' ? (c * 9 + y) * 9 + x : (y * 9 + x) * 3 + c]!;
  }
  return out;
}

const unit = objectives.neuron('unit', 0, [2, 2]);
const l2: FeatureVisualizationOptions['penalties'] = [{ kind: 'l2', weight: 1 }];

describe('FeatureVisualization on a known linear filter', () => {
  // maximise K·patch − Σx² inside (−1, 1): the optimum is x = K/2 on the patch (|K/2| ≤ ½, inside
  // the box), 0 elsewhere — the filter's pattern exactly.
  for (const [layout, kind] of [
    ['NCHW', 'pixel'],
    ['NHWC', 'pixel'],
    ['NCHW', 'fft'],
    ['NHWC', 'fft'],
  ] as const) {
    it(`${kind} parametrization (${layout}) converges to the filter (correlation ≥ 0.9)`, async () => {
      const model = createReferenceModel(filterGraph(layout));
      const r = await new FeatureVisualization(model).visualize({ objective: unit, steps: 300, lr: 0.05, seed: 1, range: [-1, 1], penalties: l2, param: { kind } });
      expect(r.param).toBe(kind);
      const p = patch(r.images.data, layout);
      expect(pearson(p, knownKernel().data)).toBeGreaterThanOrEqual(0.9);
      expect(r.history[r.history.length - 1]!).toBeGreaterThan(r.history[0]!);
    });
  }

  it('projected gradient (pixel, clip box) converges to the filter too, staying in the box', async () => {
    const model = createReferenceModel(filterGraph('NCHW'));
    const r = await new FeatureVisualization(model).visualize({ objective: unit, steps: 200, seed: 2, range: [-1, 1], penalties: l2, param: { kind: 'pixel', squash: 'clip' } });
    expect(pearson(patch(r.images.data, 'NCHW'), knownKernel().data)).toBeGreaterThanOrEqual(0.9);
    for (const v of r.images.data) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });
});

describe('FeatureVisualization mechanics', () => {
  it('the layer-seed gradient equals NeuronGradient (an independent canonizer)', async () => {
    const model = createReferenceModel(filterGraph('NHWC'));
    const x = { shape: [2, 9, 9, 3], data: Float32Array.from({ length: 486 }, (_, i) => Math.sin(i * 0.37)) };
    const ng = await new NeuronGradient(model).attribute(x, { layer: 'unit', neuron: [2, 2, 0] });
    const { canonizer, seedNodes } = layerSeedCanonizer(model.graph!, ['unit'], 1);
    const s = new Float32Array(50);
    s[12] = 1;
    s[25 + 12] = 1;
    const r = await model.gradient(x, { seed: { kind: 'index', indices: [0, 0] }, canonizers: [canonizer], overrides: { [seedNodes.get('unit')!]: { shape: [2, 5, 5, 1], data: s } } });
    for (let i = 0; i < x.data.length; i++) expect(r.inputGradient.data[i]).toBeCloseTo(ng.attributions.data[i]!, 6);
  });

  it('is bit-reproducible for a seed, and the seed matters', async () => {
    const model = createReferenceModel(filterGraph('NCHW'));
    const o: FeatureVisualizationOptions = {
      objective: objectives.sum(unit, objectives.scale(0.5, objectives.layer('unit'))),
      steps: 12,
      seed: 7,
      batch: 2,
      transforms: [{ kind: 'pad', pixels: 1 }, { kind: 'jitter', pixels: 2 }, { kind: 'scale', factors: [0.9, 1.1] }, { kind: 'rotate', degrees: [-10, 10] }],
      penalties: [{ kind: 'tv', weight: 0.01 }, { kind: 'blur', weight: 0.1 }, { kind: 'l1', weight: 0.01 }],
    };
    const a = await new FeatureVisualization(model).visualize(o);
    const b = await new FeatureVisualization(model).visualize(o);
    const c = await new FeatureVisualization(model).visualize({ ...o, seed: 8 });
    expect(Buffer.from(a.images.data.buffer).equals(Buffer.from(b.images.data.buffer))).toBe(true);
    expect(Buffer.from(a.history.buffer).equals(Buffer.from(b.history.buffer))).toBe(true);
    expect(Buffer.from(a.images.data.buffer).equals(Buffer.from(c.images.data.buffer))).toBe(false);
    expect(a.modelCalls).toBe(12 * 2 + 1);
  });

  it('reports progress and stops on abort between steps', async () => {
    const model = createReferenceModel(filterGraph('NCHW'));
    const ac = new AbortController();
    const seen: number[] = [];
    const run = new FeatureVisualization(model).visualize({
      objective: unit,
      steps: 50,
      signal: ac.signal,
      onProgress: (p) => {
        seen.push(p.done);
        expect(p.total).toBe(51);
        if (p.done === 3) ac.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('typed errors for bad objectives and options', async () => {
    const fv = new FeatureVisualization(createReferenceModel(filterGraph('NCHW')));
    await expect(fv.visualize({ objective: objectives.channel('nope', 0) })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(fv.visualize({ objective: objectives.channel('unit', 1) })).rejects.toThrow(/channel 1 is out of range/);
    await expect(fv.visualize({ objective: objectives.neuron('unit', 0, [5, 0]) })).rejects.toThrow(/position index 5/);
    await expect(fv.visualize({ objective: { kind: 'bogus' } as never })).rejects.toThrow(/unknown objective kind 'bogus'/);
    await expect(fv.visualize({ objective: objectives.direction('unit', [1, 2]) })).rejects.toThrow(/vector needs 1/);
    await expect(fv.visualize({ objective: objectives.batch(3, unit), batch: 2 })).rejects.toThrow(/batch image 3/);
    await expect(fv.visualize({ objective: unit, steps: -1 })).rejects.toThrow(/steps/);
    await expect(fv.visualize({ objective: unit, range: [1, 0] })).rejects.toThrow(/lo < hi/);
    await expect(fv.visualize({ objective: unit, transforms: [{ kind: 'jitter', pixels: 1.5 }] })).rejects.toThrow(/transform 0/);
    await expect(fv.visualize({ objective: unit, param: { kind: 'fft', squash: 'clip' } })).rejects.toThrow(/clip/);
    const opaque = functionModel((x) => x, { inputShape: [3], outputShape: [3] });
    await expect(new FeatureVisualization(opaque).visualize({ objective: unit })).rejects.toBeInstanceOf(CapabilityError);
  });

  it('1-D inputs: maximises a dense unit inside a per-feature box (the optimum is a box corner)', async () => {
    const model = createReferenceModel(tabularGraph());
    const lo = [-1, 0, -2, 0.5];
    const hi = [1, 2, 0, 1.5];
    // unit 1 of dense: weights column 1 of W [4, 3] = (-2, 0.5, 1, -1): linear ⇒ x_i = hi if w_i > 0 else lo
    const want = [-1, 2, 0, 0.5];
    for (const squash of ['clip', 'sigmoid'] as const) {
      const r = await new FeatureVisualization(model).visualize({ objective: objectives.neuron('dense', 1), steps: 300, lr: 0.1, range: { lo, hi }, param: { kind: 'pixel', squash } });
      for (let i = 0; i < 4; i++) expect(r.images.data[i]).toBeCloseTo(want[i]!, squash === 'clip' ? 5 : 1);
    }
  });
});

describe('layer layout and channel axis', () => {
  it('finds the channel axis from the nearest spatial op (NCHW axis 0, NHWC axis 2, dense the last)', async () => {
    const { cnnGraph } = await import('../../ir/test/models.js');
    const { layerInfo } = await import('./fv-objectives.js');
    for (const layout of ['NCHW', 'NHWC'] as const) {
      const model = createReferenceModel(cnnGraph(layout));
      const relu = layerInfo(model, model.graph!, 'relu1', 'test'); // after conv1: 3 channels, 6×6
      expect([relu.channelAxis, relu.channels, relu.positions, relu.layout]).toEqual([layout === 'NCHW' ? 0 : 2, 3, [6, 6], layout]);
      const dense = layerInfo(model, model.graph!, 'logits', 'test');
      expect([dense.channelAxis, dense.channels, dense.positions]).toEqual([0, 5, []]);
    }
  });
});
