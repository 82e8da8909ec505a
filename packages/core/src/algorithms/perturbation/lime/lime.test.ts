import { describe, expect, it } from 'vitest';
import { LimeImage, LimeTabular, LimeText, limeForModel } from '../lime.js';
import { linearModel, spyModel } from '../../../testing/index.js';
import { fromFunction } from '../../../function-model.js';
import { createRng } from '../../../random/prng.js';
import { tensor, type Tensor } from '../../../tensor.js';
import { AbortError, InvalidArgumentError, ShapeError } from '../../../errors.js';

const F = 4;
const W = [1.5, -2, 0.5, 3];
const lin = linearModel([W, W.map((v) => -v)], [0.2, 0]);
const SIGMA = [1, 2, 0.5, 3];
const MU = [0, 1, -1, 2];

function trainingData(t: number, seed: number): Tensor {
  const rng = createRng(seed);
  const d = new Float32Array(t * F);
  for (let r = 0; r < t; r++) for (let j = 0; j < F; j++) d[r * F + j] = MU[j]! + SIGMA[j]! * rng.normal();
  return tensor(d, [t, F]);
}
const train = trainingData(500, 1);
const x = tensor([0.5, 0, 1, -1, -1, 2, 0, 3], [2, F]);

function trainStd(j: number): number {
  let mu = 0;
  for (let r = 0; r < 500; r++) mu += train.data[r * F + j]!;
  mu /= 500;
  let v = 0;
  for (let r = 0; r < 500; r++) v += (train.data[r * F + j]! - mu) ** 2;
  return Math.sqrt(v / 500);
}

describe('LIME tabular', () => {
  it('continuous mode recovers a linear model: coefficient = w · σ_train, R² = 1, local prediction = f(x)', async () => {
    const res = await new LimeTabular(lin).attribute(x, { trainingData: train, discretize: 'none', nSamples: 2000, alpha: 0, target: 0 });
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < F; j++) expect(res.attributions.data[i * F + j]!).toBeCloseTo(W[j]! * trainStd(j), 4);
      expect(res.score[i]).toBeCloseTo(1, 6);
      expect(res.localPrediction[i]).toBeCloseTo(res.outputs.data[i * 2]!, 4);
    }
  });

  it('ridge α = 1 (default) shrinks only slightly; sampling around the instance works too', async () => {
    const res = await new LimeTabular(lin).attribute(x, { trainingData: train, discretize: 'none', nSamples: 2000, target: 1, sampleAroundInstance: true });
    for (let j = 0; j < F; j++) {
      const want = -W[j]! * trainStd(j);
      expect(Math.abs(res.attributions.data[j]! - want)).toBeLessThan(0.02 * Math.abs(want));
    }
  });

  it('quartile mode: the heaviest feature dominates; coefficients have the weights’ signs; R² in (0, 1]', async () => {
    const res = await new LimeTabular(lin).attribute(tensor([2, 5, 0, 8], [1, F]), { trainingData: train, nSamples: 3000, target: 0 });
    const a = Array.from(res.attributions.data);
    // x lies in the top quartile of every feature; "being in the instance's bin" raises f by w·(bin mean − mean).
    expect(a.map(Math.sign)).toEqual(W.map(Math.sign));
    expect(Math.abs(a[3]!)).toBe(Math.max(...a.map(Math.abs)));
    expect(res.score[0]).toBeGreaterThan(0.5);
    expect(res.score[0]).toBeLessThanOrEqual(1);
  });

  it('numFeatures keeps that many features (highest-weights and lasso-path)', async () => {
    for (const featureSelection of ['highest-weights', 'lasso-path'] as const) {
      const res = await new LimeTabular(lin).attribute(x, { trainingData: train, discretize: 'none', nSamples: 500, target: 0, numFeatures: 2, featureSelection });
      const a = Array.from(res.attributions.data.slice(0, F));
      expect(a.map((v) => v !== 0)).toEqual([false, true, false, true]);
    }
  });

  it('bit-identical on repeat and for any batching; an example alone equals it in a batch', async () => {
    const o = { trainingData: train, nSamples: 300, seed: 4, target: 0 } as const;
    const a = await new LimeTabular(lin).attribute(x, o);
    const b = await new LimeTabular(lin).attribute(x, o);
    const spy = spyModel(lin);
    const c = await new LimeTabular(spy.model).attribute(x, { ...o, maxRowsPerCall: 7 });
    const d = await new LimeTabular(lin).attribute(tensor(x.data.slice(F), [1, F]), o);
    expect(Array.from(b.attributions.data)).toEqual(Array.from(a.attributions.data));
    expect(Array.from(c.attributions.data)).toEqual(Array.from(a.attributions.data));
    expect(Array.from(c.score)).toEqual(Array.from(a.score));
    expect(Array.from(d.attributions.data)).toEqual(Array.from(a.attributions.data.slice(F)));
    expect(Math.max(...spy.calls.map((k) => k.rows))).toBeLessThanOrEqual(7);
    expect(spy.calls.reduce((s, k) => s + k.rows, 0)).toBe(2 + 2 * 299);
    const e = await new LimeTabular(lin).attribute(x, { ...o, seed: 5 });
    expect(Array.from(e.attributions.data)).not.toEqual(Array.from(a.attributions.data));
  });

  it('typed errors and abort', async () => {
    const lt = new LimeTabular(lin);
    await expect(lt.attribute(x, {} as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(lt.attribute(x, { trainingData: tensor([1, 2], [1, 2]) })).rejects.toBeInstanceOf(ShapeError);
    await expect(lt.attribute(x, { trainingData: train, nSamples: 1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(lt.attribute(x, { trainingData: train, kernelWidth: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(lt.attribute(x, { trainingData: train, alpha: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(lt.attribute(x, { trainingData: train, discretize: 'decile' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(lt.attribute(x, { trainingData: train, featureSelection: 'auto' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    const ac = new AbortController();
    await expect(lt.attribute(x, { trainingData: train, signal: ac.signal, maxRowsPerCall: 10, onProgress: () => ac.abort() })).rejects.toBeInstanceOf(AbortError);
  });
});

describe('LIME image', () => {
  const H = 24, Wd = 24, C = 3;
  // Four flat quadrants; the model sums the top-left quadrant's pixels only.
  const img = new Float32Array(H * Wd * C);
  for (let y = 0; y < H; y++) for (let x0 = 0; x0 < Wd; x0++) for (let c = 0; c < C; c++) img[(y * Wd + x0) * C + c] = 0.3 + 0.2 * ((y < H / 2 ? 0 : 2) + (x0 < Wd / 2 ? 0 : 1)) + 0.1 * c;
  const topLeft = (e: number) => {
    const p = Math.floor(e / C);
    return Math.floor(p / Wd) < H / 2 && p % Wd < Wd / 2;
  };
  const model = fromFunction(
    async (t) => {
      const n = t.shape[0]!;
      const per = H * Wd * C;
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) for (let e = 0; e < per; e++) if (topLeft(e)) out[i] += t.data[i * per + e]!;
      return tensor(out, [n, 1]);
    },
    { inputShape: [H, Wd, C], outputShape: [1] },
  );

  it('ranks the superpixels of the region the model looks at first', async () => {
    const res = await new LimeImage(model).attribute(tensor(img, [1, H, Wd, C]), { nSamples: 400, slic: { nSegments: 16 } });
    const count = res.segmentCounts[0]!;
    expect(count).toBeGreaterThanOrEqual(8);
    const coef = new Float64Array(count);
    const inTL = new Array<boolean>(count).fill(true);
    for (let p = 0; p < H * Wd; p++) {
      const s = res.segments[p]!;
      coef[s] = res.attributions.data[p * C]!;
      if (!topLeft(p * C)) inTL[s] = false;
    }
    const order = Array.from({ length: count }, (_, s) => s).sort((a, b) => coef[b]! - coef[a]!);
    const k = inTL.filter(Boolean).length;
    expect(k).toBeGreaterThan(0);
    expect(order.slice(0, k).every((s) => inTL[s])).toBe(true);
    for (let s = 0; s < count; s++) if (!inTL[s]) expect(Math.abs(coef[s]!)).toBeLessThan(0.05 * coef[order[0]!]!);
  });

  it('given segments, hide colours, NCHW layout; typed errors', async () => {
    const seg = Int32Array.from({ length: H * Wd }, (_, p) => (Math.floor(p / Wd) < H / 2 ? 0 : 2) + (p % Wd < Wd / 2 ? 0 : 1));
    const x1 = tensor(img, [1, H, Wd, C]);
    for (const hideColor of [0, 'mean', 'segment-mean'] as const) {
      const res = await new LimeImage(model).attribute(x1, { segments: seg, nSamples: 200, hideColor, alpha: 0 });
      // f = Σ_TL pixels: switching the TL segment off changes f by Σ_TL (x − hide).
      let sumTL = 0;
      let hidden = 0;
      for (let e = 0; e < H * Wd * C; e++) if (topLeft(e)) sumTL += img[e]!;
      if (hideColor === 0) hidden = 0;
      else if (hideColor === 'segment-mean') hidden = sumTL;
      else for (let c = 0; c < C; c++) {
        let s = 0;
        for (let p = 0; p < H * Wd; p++) s += img[p * C + c]!;
        hidden += (s / (H * Wd)) * (H * Wd) / 4;
      }
      expect(res.attributions.data[0]!).toBeCloseTo(sumTL - hidden, 2);
      expect(Math.abs(res.attributions.data[(H * Wd - 1) * C]!)).toBeLessThan(1e-3);
    }
    const nchw = fromFunction(async (t) => tensor(new Float32Array(t.shape[0]!), [t.shape[0]!, 1]), { inputShape: [C, H, Wd], outputShape: [1] });
    const r = await new LimeImage(nchw).attribute(tensor(new Float32Array(C * H * Wd).fill(1), [1, C, H, Wd]), { nSamples: 20 });
    expect(r.segmentCounts[0]).toBeGreaterThan(1);
    await expect(new LimeImage(model).attribute(x1, { segments: [0, 1] })).rejects.toBeInstanceOf(ShapeError);
    await expect(new LimeImage(model).attribute(x1, { hideColor: 'blue' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(new LimeImage(model).attribute(x1, { slic: { nSegments: 0 } })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(new LimeImage(lin).attribute(x)).rejects.toBeInstanceOf(ShapeError);
  });
});

describe('LIME text', () => {
  const T = 6;
  const weights = [0, 1.5, -2, 0.25, 3, -0.5, 0.75]; // per token id; id 0 = the mask token
  const bag = fromFunction(
    async (t) => {
      const n = t.shape[0]!;
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) for (let k = 0; k < T; k++) out[i] += weights[t.data[i * T + k]!]!;
      return tensor(out, [n, 1]);
    },
    { inputShape: [T], outputShape: [1] },
  );
  const ids = tensor([1, 2, 3, 4, 2, 6], [1, T]);

  it('token masking on a bag-of-tokens linear model recovers the token weights', async () => {
    const res = await new LimeText(bag).attribute(ids, { nSamples: 300, alpha: 0 });
    const want = [1, 2, 3, 4, 2, 6].map((id) => weights[id]!);
    Array.from(res.attributions.data).forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 4));
    expect(res.score[0]).toBeCloseTo(1, 6);
  });

  it('bag-of-words groups: repeated words share one feature; −1 tokens are never masked', async () => {
    const res = await new LimeText(bag).attribute(ids, { nSamples: 300, alpha: 0, tokenMask: [0, 1, 2, 3, 1, -1] });
    const a = Array.from(res.attributions.data);
    expect(a[1]).toBeCloseTo(2 * weights[2]!, 4);
    expect(a[4]).toBeCloseTo(2 * weights[2]!, 4);
    expect(a[5]).toBe(0);
    expect(a[3]).toBeCloseTo(weights[4]!, 4);
  });

  it('vectors per token with a mask vector; registry-style dispatch; errors', async () => {
    const emb = fromFunction(
      async (t) => {
        const n = t.shape[0]!;
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) out[i] += (k + 1) * (t.data[i * 6 + k * 2]! - t.data[i * 6 + k * 2 + 1]!);
        return tensor(out, [n, 1]);
      },
      { inputShape: [3, 2], outputShape: [1] },
    );
    const res = await new LimeText(emb).attribute(tensor([1, 0, 1, 0, 1, 0], [1, 3, 2]), { nSamples: 200, alpha: 0, maskValue: [0.5, 0.5] });
    expect(Array.from(res.attributions.data).map((v) => Number(v.toFixed(3)))).toEqual([1, 1, 2, 2, 3, 3]);
    await expect(new LimeText(emb).attribute(tensor([1, 0, 1, 0, 1, 0], [1, 3, 2]), { maskValue: [1, 2, 3] })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(new LimeText(bag).attribute(ids, { tokenMask: [0, 1] })).rejects.toBeInstanceOf(ShapeError);
    await expect(new LimeText(bag).attribute(ids, { tokenMask: [0, 1, 2, 3, 4, -2] })).rejects.toBeInstanceOf(InvalidArgumentError);
    const viaRegistry = await limeForModel(bag, ids, undefined, { nSamples: 300, alpha: 0 });
    expect(viaRegistry.attributions.data[0]).toBeCloseTo(weights[1]!, 4);
    const tab = await limeForModel(lin, x, train, { nSamples: 100, target: 0 });
    expect(tab.attributions.shape).toEqual([2, F]);
  });
});

describe('METHODS entries kernel-shap and lime', () => {
  it('run forward-only, map samples / seed / baselines / featureMask, report their ids', async () => {
    const { METHODS } = await import('../../registry.js');
    const { KernelShap } = await import('../kernel-shap.js');
    const fm = fromFunction(async (t) => lin.forward(t), { inputShape: [F], outputShape: [2] });
    for (const id of ['kernel-shap', 'lime']) {
      expect(METHODS[id]!.requires).toEqual({});
      await expect(METHODS[id]!.run(fm, x, { layer: 'fc1' })).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    const ks = await METHODS['kernel-shap']!.run(fm, x, { target: 0, samples: 10, seed: 3, baselines: train, featureMask: [0, 0, 1, 2] });
    const direct = await new KernelShap(fm).attribute(x, { target: 0, nSamples: 10, seed: 3, baselines: train, featureMask: [0, 0, 1, 2] });
    expect(ks.method).toBe('kernel-shap');
    expect(Array.from(ks.attributions.data)).toEqual(Array.from(direct.attributions.data));
    const lt = await METHODS['lime']!.run(fm, x, { target: 1, samples: 50, seed: 2, baselines: train });
    const ld = await new LimeTabular(fm).attribute(x, { target: 1, nSamples: 50, seed: 2, trainingData: train });
    expect(lt.method).toBe('lime');
    expect(Array.from(lt.attributions.data)).toEqual(Array.from(ld.attributions.data));
  });
});
