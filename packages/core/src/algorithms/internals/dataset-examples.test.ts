import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { createReferenceModel } from '../../reference-model.js';
import { createRng } from '../../random/prng.js';
import { NeuronGradient } from '../neuron/neuron-gradient.js';
import { topActivatingExamples } from './dataset-examples.js';
import { receptiveField } from './receptive-field.js';
import { demoLikeGraph, positiveGraph } from './test/fv-models.js';
import { inferGraphShapes } from '../../ir/validate.js';

const rng = createRng(3);
const N = 23;
const data = { shape: [N, 20, 20, 1], data: Float32Array.from({ length: N * 400 }, () => rng.uniform()) };

describe('topActivatingExamples', () => {
  const model = createReferenceModel(demoLikeGraph());

  /** Exact enumeration: every example's value from one activations call, sorted (ties: lower index). */
  async function enumerate(layer: string, channel: number, mode: 'max' | 'mean' | [number, number]) {
    const a = (await model.activations(data, [layer])).layers[layer]!;
    const [h, w, c] = a.shape.slice(1) as [number, number, number];
    const vals = Array.from({ length: N }, (_, n) => {
      const at = (y: number, x: number) => a.data[n * h * w * c + (y * w + x) * c + channel]!;
      if (Array.isArray(mode)) return at(mode[0], mode[1]);
      let best = -Infinity;
      let sum = 0;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) [best, sum] = [Math.max(best, at(y, x)), sum + at(y, x)];
      return mode === 'max' ? best : sum / (h * w);
    });
    return vals.map((v, i) => ({ v, i })).sort((p, q) => q.v - p.v || p.i - q.i);
  }

  for (const [layer, channel, mode] of [['relu2', 3, 'max'], ['conv1', 1, 'mean'], ['pool2', 4, [2, 3]]] as const) {
    it(`streamed top-k equals exact enumeration (${layer}, channel ${channel}, ${JSON.stringify(mode)})`, async () => {
      const want = (await enumerate(layer, channel, mode as never)).slice(0, 5);
      // as one tensor in batches of 4, and as an async iterable of uneven batches
      async function* uneven() {
        for (const [s, e] of [[0, 7], [7, 8], [8, 20], [20, 23]] as const) yield { shape: [e - s, 20, 20, 1], data: data.data.slice(s * 400, e * 400) };
      }
      const unit = { layer, channel, ...(Array.isArray(mode) ? { position: mode } : { reduce: mode as 'max' | 'mean' }) };
      for (const source of [data, uneven()]) {
        const r = await topActivatingExamples(model, source, unit, { k: 5, batchSize: 4 });
        expect(r.seen).toBe(N);
        expect(r.examples.map((e) => e.index)).toEqual(want.map((w) => w.i));
        r.examples.forEach((e, j) => expect(e.value).toBeCloseTo(want[j]!.v, 6));
      }
    });
  }

  it('keeps the k best inputs and reports the arg-max position with its receptive field', async () => {
    const r = await topActivatingExamples(model, data, { layer: 'pool2', channel: 1 }, { k: 3, keepInputs: true });
    for (const e of r.examples) {
      expect(e.input!.data).toEqual(data.data.slice(e.index * 400, (e.index + 1) * 400));
      const [i, j] = e.position as [number, number];
      // pool2 (i, j) ← input rows 4i−3 … 4i+6 (see the receptive-field test), clipped to 0…19
      expect(e.box).toEqual({ top: Math.max(0, 4 * i - 3), left: Math.max(0, 4 * j - 3), bottom: Math.min(19, 4 * i + 6), right: Math.min(19, 4 * j + 6) });
    }
    expect(r.modelCalls).toBe(1);
  });

  it('typed errors', async () => {
    await expect(topActivatingExamples(model, data, { layer: 'nope', channel: 0 }, { k: 2 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(topActivatingExamples(model, data, { layer: 'relu2', channel: 5 }, { k: 2 })).rejects.toThrow(/channel 5 is out of range/);
    await expect(topActivatingExamples(model, data, { layer: 'relu2', channel: 0 }, { k: 0 })).rejects.toThrow(/k must be/);
    await expect(topActivatingExamples(model, data, { layer: 'relu2', channel: 0, position: [10, 0] }, { k: 1 })).rejects.toThrow(/position/);
  });
});

describe('receptiveField', () => {
  it('matches the hand-computed fields of the demo CNN', () => {
    const g = demoLikeGraph();
    // pool2 (i, j): pool2 → rows 2i…2i+1; conv2 (k3, pad 1) → 2i−1…2i+2; pool1 (k2, s2) → 4i−2…4i+5;
    // conv1 (k3, pad 1) → 4i−3…4i+6: 10×10, clipped to the 20×20 image
    expect(receptiveField(g, 'pool2', [2, 3], 'NHWC')).toEqual({ box: { top: 5, left: 9, bottom: 14, right: 18 }, unclipped: { top: 5, left: 9, bottom: 14, right: 18 }, whole: false });
    expect(receptiveField(g, 'pool2', [0, 4], 'NHWC').box).toEqual({ top: 0, left: 13, bottom: 6, right: 19 });
    expect(receptiveField(g, 'pool2', [0, 4], 'NHWC').unclipped).toEqual({ top: -3, left: 13, bottom: 6, right: 22 });
    // relu2 (3, 4): conv2 → rows 2…4, cols 3…5; pool1 → 4…9, 6…11; conv1 → 3…10, 5…12
    expect(receptiveField(g, 'relu2', [3, 4], 'NHWC').box).toEqual({ top: 3, left: 5, bottom: 10, right: 12 });
    expect(receptiveField(g, 'conv1', [0, 0], 'NHWC').box).toEqual({ top: 0, left: 0, bottom: 1, right: 1 });
    expect(receptiveField(g, 'logits', [0, 0], 'NHWC').whole).toBe(true);
  });

  it('equals the support of the unit input gradient where every weight is positive', async () => {
    const g = positiveGraph();
    const model = createReferenceModel(g);
    const shape = inferGraphShapes(g)['act:0']!.slice(1) as [number, number, number];
    const x = { shape: [1, 1, 13, 13], data: new Float32Array(169).fill(0.5) };
    for (const [y, xx] of [[0, 0], [1, 2], [1, 0]] as const) {
      const ng = await new NeuronGradient(model).attribute(x, { layer: 'act', neuron: [1, y, xx] });
      let [t, l, b, r] = [99, 99, -1, -1];
      for (let i = 0; i < 13; i++) for (let j = 0; j < 13; j++) {
        if (ng.attributions.data[i * 13 + j] !== 0) [t, l, b, r] = [Math.min(t, i), Math.min(l, j), Math.max(b, i), Math.max(r, j)];
      }
      expect(receptiveField(g, 'act', [y, xx], 'NCHW').box).toEqual({ top: t, left: l, bottom: b, right: r });
    }
    expect(shape).toEqual([2, 2, 3]);
  });
});
