/**
 * Algorithm behaviour on analytic models: hand-derived values (IG paper model, linear model),
 * batching (one expanded batch per call, chunking by internalBatchSize), targets, abort,
 * progress, typed errors, the METHODS registry.
 */
import { describe, expect, it } from 'vitest';
import { Saliency } from '../gradient/saliency.js';
import { InputXGradient } from '../gradient/input-x-gradient.js';
import { IntegratedGradients } from '../gradient/integrated-gradients.js';
import { NoiseTunnel } from '../gradient/noise-tunnel.js';
import { GradientShap } from '../gradient/gradient-shap.js';
import { METHODS } from '../registry.js';
import type { Progress } from '../_utils/common.js';
import { denseReluModel, functionModel, igPaperModel, linearModel, spyModel } from '../../testing/index.js';
import { tensor, type Tensor } from '../../tensor.js';
import type { Model } from '../../model.js';
import { AbortError, CapabilityError, InvalidArgumentError, NumericError, ShapeError, TargetError } from '../../errors.js';

const W = [
  [1, -2, 0.5],
  [0.25, 3, -1],
];
const B = [0.1, -0.2];
const X = tensor([1, 2, 3, -1, 0.5, 2], [2, 3]);

describe('integrated gradients on the IG paper model ReLU(ReLU(x1) − 1 − ReLU(x2))', () => {
  const model = igPaperModel();
  const x = tensor([3, 1], [1, 2]);

  it('Gauss–Legendre (even n) is exact: (1.5, −0.5), delta 0 (completeness)', async () => {
    // f(t·x) = ReLU(2t − 1): ∂f/∂x = (1, −1) for t > 1/2, and the upper half of a symmetric
    // even-n Gauss–Legendre rule weighs exactly 1/2.
    const res = await new IntegratedGradients(model).attribute(x, { target: 0 });
    expect(res.attributions.data[0]).toBeCloseTo(1.5, 6);
    expect(res.attributions.data[1]).toBeCloseTo(-0.5, 6);
    expect(Math.abs(res.delta![0]!)).toBeLessThan(1e-6);
    expect(Array.from(res.outputs.data)).toEqual([1]);
  });

  it('riemann_trapezoid with 50 steps: α = i/49 > 1/2 for i ≥ 25, weight 24/50 + 1/100', async () => {
    const res = await new IntegratedGradients(model).attribute(x, { target: 0, quadrature: 'riemann_trapezoid' });
    expect(res.attributions.data[0]).toBeCloseTo(3 * 0.49, 6);
    expect(res.attributions.data[1]).toBeCloseTo(-0.49, 6);
    expect(res.delta![0]).toBeCloseTo(0.98 - 1, 6);
  });

  it('riemann_left/right/middle with 4 steps', async () => {
    // left α = 0, .25, .5, .75 → one point (.75) above 1/2; right .25…1 → two; middle .125….875 → two
    const ig = new IntegratedGradients(model);
    const l = await ig.attribute(x, { target: 0, quadrature: 'riemann_left', steps: 4 });
    const r = await ig.attribute(x, { target: 0, quadrature: 'riemann_right', steps: 4 });
    const m = await ig.attribute(x, { target: 0, quadrature: 'riemann_middle', steps: 4 });
    expect(Array.from(l.attributions.data)).toEqual([0.75, -0.25]);
    expect(Array.from(r.attributions.data)).toEqual([1.5, -0.5]);
    expect(Array.from(m.attributions.data)).toEqual([1.5, -0.5]);
  });
});

describe('linear model: closed forms', () => {
  const model = linearModel(W, B);

  it('Saliency = |W[t]|, abs=false gives W[t]; InputXGradient = x ⊙ W[t]', async () => {
    const s = await new Saliency(model).attribute(X, { target: [0, 1] });
    expect(Array.from(s.attributions.data)).toEqual([1, 2, 0.5, 0.25, 3, 1]);
    const g = await new Saliency(model).attribute(X, { target: [0, 1], abs: false });
    expect(Array.from(g.attributions.data)).toEqual([1, -2, 0.5, 0.25, 3, -1]);
    const ixg = await new InputXGradient(model).attribute(X, { target: [0, 1] });
    expect(Array.from(ixg.attributions.data)).toEqual([1, -4, 1.5, -0.25, 1.5, -2]);
  });

  it('IG = (x − b) ⊙ W[t] and delta ≈ 0 (the weights sum to 1)', async () => {
    const res = await new IntegratedGradients(model).attribute(X, { target: 1, baselines: 1, steps: 7 });
    const want = Array.from(X.data, (v, k) => (v - 1) * W[1]![k % 3]!);
    res.attributions.data.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 6));
    res.delta!.forEach((d) => expect(Math.abs(d)).toBeLessThan(1e-6));
  });

  it('undefined target = predicted class (argmax), and an OutputSeed gives the same as indices', async () => {
    const outs = await model.forward(X);
    const pred = [0, 1].map((i) => (outs.data[2 * i]! >= outs.data[2 * i + 1]! ? 0 : 1));
    const res = await new Saliency(model).attribute(X);
    expect(res.targets).toEqual(pred);
    expect(res.modelCalls).toBe(2); // forward for the argmax, then the gradient
    const seeded = await new Saliency(model).attribute(X, { target: { kind: 'index', indices: pred } });
    expect(seeded.attributions.data).toEqual(res.attributions.data);
    const oneHot = tensor(pred.flatMap((p) => (p === 0 ? [1, 0] : [0, 1])), [2, 2]);
    const viaTensor = await new IntegratedGradients(model).attribute(X, { target: { kind: 'tensor', seed: oneHot } });
    const viaIndex = await new IntegratedGradients(model).attribute(X, { target: pred });
    expect(viaTensor.attributions.data).toEqual(viaIndex.attributions.data);
    expect(viaTensor.delta).toEqual(viaIndex.delta);
    expect(viaTensor.targets).toEqual([-1, -1]);
  });
});

describe('batching', () => {
  const net = denseReluModel([
    { weight: [[0.5, -1, 0.3], [1, 0.2, -0.7], [-0.4, 0.9, 0.1], [0.3, 0.3, 0.3]], bias: [0.1, 0, -0.1, 0.2] },
    { weight: [[1, -1, 0.5, 0.2], [-0.3, 0.8, 1, -1]], bias: [0, 0.05] },
  ]);

  it('IG sends [x; x′] in one forward and all steps × N rows in one gradient call', async () => {
    const { model, calls } = spyModel(net);
    const res = await new IntegratedGradients(model).attribute(X, { target: 0, steps: 10 });
    expect(calls).toEqual([
      { kind: 'forward', rows: 4 },
      { kind: 'gradient', rows: 20 },
    ]);
    expect(res.modelCalls).toBe(2);
  });

  it('internalBatchSize splits rows into chunks without changing results (bit-identical)', async () => {
    const { model, calls } = spyModel(net);
    const ig = new IntegratedGradients(model);
    const whole = await ig.attribute(X, { target: [0, 1], steps: 10, baselines: 0.3 });
    calls.length = 0;
    const chunked = await ig.attribute(X, { target: [0, 1], steps: 10, baselines: 0.3, internalBatchSize: 3 });
    expect(chunked.attributions.data).toEqual(whole.attributions.data);
    expect(chunked.delta).toEqual(whole.delta);
    expect(calls.map((c) => c.rows)).toEqual([3, 1, 3, 3, 3, 3, 3, 3, 2]);
    expect(calls.every((c) => c.rows <= 3)).toBe(true);
  });

  it('per-example baselines [N, …] equal separate runs with shared baselines', async () => {
    const ig = new IntegratedGradients(net);
    const b = tensor([0.1, 0.2, 0.3, -0.5, 0, 0.5], [2, 3]);
    const both = await ig.attribute(X, { target: 1, baselines: b });
    for (let i = 0; i < 2; i++) {
      const xi = tensor(X.data.slice(3 * i, 3 * i + 3), [1, 3]);
      const one = await ig.attribute(xi, { target: 1, baselines: tensor(b.data.slice(3 * i, 3 * i + 3), [3]) });
      expect(Array.from(one.attributions.data)).toEqual(Array.from(both.attributions.data.slice(3 * i, 3 * i + 3)));
    }
  });

  it('progress is reported after every call and ends at done = total', async () => {
    const seen: Progress[] = [];
    const res = await new GradientShap(net).attribute(X, { nSamples: 5, internalBatchSize: 4, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBe(res.modelCalls);
    seen.forEach((p, k) => {
      expect(p.done).toBe(k + 1);
      expect(p.total).toBe(seen[seen.length - 1]!.total);
    });
    expect(seen[seen.length - 1]!.done).toBe(seen[seen.length - 1]!.total);
  });
});

describe('abort', () => {
  const model = linearModel(W, B);

  it('a pre-aborted signal throws AbortError before any model call', async () => {
    const { model: spy, calls } = spyModel(model);
    const ac = new AbortController();
    ac.abort();
    for (const run of [
      () => new Saliency(spy).attribute(X, { target: 0, signal: ac.signal }),
      () => new IntegratedGradients(spy).attribute(X, { signal: ac.signal }),
      () => new NoiseTunnel(new Saliency(spy)).attribute(X, { signal: ac.signal }),
      () => new GradientShap(spy).attribute(X, { signal: ac.signal }),
    ]) {
      await expect(run()).rejects.toBeInstanceOf(AbortError);
    }
    expect(calls).toEqual([]);
  });

  it('aborting mid-run stops before the next model call', async () => {
    const { model: spy, calls } = spyModel(model);
    const ac = new AbortController();
    const p = new IntegratedGradients(spy).attribute(X, {
      target: 0,
      internalBatchSize: 4,
      signal: ac.signal,
      onProgress: (pr) => {
        if (pr.done === 2) ac.abort();
      },
    });
    await expect(p).rejects.toBeInstanceOf(AbortError);
    expect(calls.length).toBe(2);
  });
});

describe('typed errors', () => {
  const model = linearModel(W, B);
  const sal = new Saliency(model);
  const ig = new IntegratedGradients(model);

  it('bad targets → TargetError', async () => {
    await expect(sal.attribute(X, { target: 2 })).rejects.toBeInstanceOf(TargetError);
    await expect(sal.attribute(X, { target: -1 })).rejects.toBeInstanceOf(TargetError);
    await expect(sal.attribute(X, { target: 0.5 })).rejects.toBeInstanceOf(TargetError);
    await expect(sal.attribute(X, { target: [0] })).rejects.toThrow(/1 entries for 2 examples/);
    await expect(sal.attribute(X, { target: [0, 5] })).rejects.toBeInstanceOf(TargetError);
    await expect(sal.attribute(X, { target: { kind: 'index', indices: [0, 0, 0] } })).rejects.toBeInstanceOf(TargetError);
    await expect(ig.attribute(X, { target: { kind: 'tensor', seed: tensor([1, 0], [1, 2]) } })).rejects.toBeInstanceOf(TargetError);
    await expect(sal.attribute(X, { target: 'cat' as never })).rejects.toBeInstanceOf(TargetError);
  });

  it('bad input / baseline shapes → ShapeError; non-finite input → InvalidArgumentError', async () => {
    await expect(sal.attribute(tensor([1, 2, 3], [3]))).rejects.toBeInstanceOf(ShapeError);
    await expect(sal.attribute(tensor([1, 2, 3, 4], [1, 4]))).rejects.toBeInstanceOf(ShapeError);
    await expect(sal.attribute(tensor([], [0, 3]))).rejects.toBeInstanceOf(ShapeError);
    await expect(ig.attribute(X, { baselines: tensor([0, 0], [2]) })).rejects.toBeInstanceOf(ShapeError);
    await expect(ig.attribute(X, { baselines: tensor(new Float32Array(9), [3, 3]) })).rejects.toBeInstanceOf(ShapeError);
    await expect(new GradientShap(model).attribute(X, { baselines: tensor([0, 0], [1, 2]) })).rejects.toBeInstanceOf(ShapeError);
    await expect(sal.attribute(tensor([1, Number.NaN, 3], [1, 3]))).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(ig.attribute(X, { baselines: Number.POSITIVE_INFINITY })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('bad options → InvalidArgumentError', async () => {
    const nt = new NoiseTunnel(sal);
    const gs = new GradientShap(model);
    const cases: Array<() => Promise<unknown>> = [
      () => ig.attribute(X, { steps: 0 }),
      () => ig.attribute(X, { steps: 2.5 }),
      () => ig.attribute(X, { quadrature: 'simpson' as never }),
      () => ig.attribute(X, { quadrature: 'riemann_trapezoid', steps: 1 }),
      () => ig.attribute(X, { internalBatchSize: 0 }),
      () => sal.attribute(X, { abs: 'yes' as never }),
      () => nt.attribute(X, { nSamples: 0 }),
      () => nt.attribute(X, { stdevs: -0.1 }),
      () => nt.attribute(X, { ntType: 'mean' as never }),
      () => nt.attribute(X, { seed: 1.5 }),
      () => nt.attribute(X, { nSamplesBatchSize: 0 }),
      () => gs.attribute(X, { nSamples: -1 }),
      () => gs.attribute(X, { stdevs: Number.NaN }),
      () => METHODS['saliency']!.run(model, X, { layer: 'fc1' }),
    ];
    for (const c of cases) await expect(c()).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('forward-only model → CapabilityError', async () => {
    const fm = functionModel((x) => ({ shape: [x.shape[0]!, 1], data: new Float32Array(x.shape[0]!) }), { inputShape: [3], outputShape: [1] });
    await expect(new Saliency(fm).attribute(X, { target: 0 })).rejects.toBeInstanceOf(CapabilityError);
    await expect(new GradientShap(fm).attribute(X)).rejects.toBeInstanceOf(CapabilityError);
    await expect(new NoiseTunnel(new IntegratedGradients(fm)).attribute(X)).rejects.toBeInstanceOf(CapabilityError);
  });

  it('a model returning NaN / Infinity → NumericError', async () => {
    const broken = (which: 'forward' | 'gradient'): Model => ({
      ...model,
      capabilities: model.capabilities,
      inputShape: model.inputShape,
      outputShape: model.outputShape,
      forward: async (x) => {
        const y = await model.forward(x);
        if (which === 'forward') y.data[0] = Number.NaN;
        return y;
      },
      gradient: async (x, req) => {
        const g = await model.gradient(x, req);
        if (which === 'gradient') (g.inputGradient as Tensor).data[1] = Number.POSITIVE_INFINITY;
        return g;
      },
    });
    await expect(new Saliency(broken('gradient')).attribute(X, { target: 0 })).rejects.toBeInstanceOf(NumericError);
    await expect(new IntegratedGradients(broken('forward')).attribute(X, { target: 0 })).rejects.toBeInstanceOf(NumericError);
    await expect(new Saliency(broken('forward')).attribute(X)).rejects.toThrow(/non-finite output/);
  });
});

describe('METHODS registry', () => {
  const model = linearModel(W, B);
  const ids = ['saliency', 'input-x-gradient', 'integrated-gradients', 'smoothgrad', 'smoothgrad-sq', 'vargrad', 'gradient-shap'];

  it('has the agreed ids, each runs and reports its id', async () => {
    // the gradient methods (the perturbation family adds forward-only ids: perturbation/registry.test.ts)
    expect(Object.keys(METHODS)).toEqual(expect.arrayContaining(ids));
    for (const id of ids) {
      const spec = METHODS[id]!;
      expect(spec.id).toBe(id);
      expect(spec.requires.gradients).toBe(true);
      const res = await spec.run(model, X, { target: 1, samples: 4, steps: 8 });
      expect(res.method).toBe(id);
      expect(res.attributions.shape).toEqual([2, 3]);
      expect(res.targets).toEqual([1, 1]);
    }
  });

  it('maps options: abs, samples, stdev, seed, baselines, quadrature', async () => {
    const sg = await METHODS['smoothgrad']!.run(model, X, { target: 0, stdev: 0, samples: 3, abs: false });
    expect(Array.from(sg.attributions.data)).toEqual([1, -2, 0.5, 1, -2, 0.5]);
    const a = await METHODS['gradient-shap']!.run(model, X, { target: 0, seed: 4, samples: 6, stdev: 0.2 });
    const b = await new GradientShap(model).attribute(X, { target: 0, seed: 4, nSamples: 6, stdevs: 0.2 });
    expect(a.attributions.data).toEqual(b.attributions.data);
    expect(a.delta!.length).toBe(12);
    const ig = await METHODS['integrated-gradients']!.run(model, X, { target: 0, baselines: 1, quadrature: 'riemann_middle', steps: 5 });
    const ig2 = await new IntegratedGradients(model).attribute(X, { target: 0, baselines: 1, quadrature: 'riemann_middle', steps: 5 });
    expect(ig.attributions.data).toEqual(ig2.attributions.data);
    expect(METHODS['gradient-shap']!.defaults).toMatchObject({ samples: 50, stdev: 0, seed: 0 });
    expect(METHODS['smoothgrad']!.defaults).toMatchObject({ samples: 25, stdev: 0.1, seed: 0, abs: true });
  });
});
