/**
 * Property-based tests (fast-check), continued from properties.test.ts: seeded methods are
 * bit-identical across runs and across internalBatchSize / perturbationsPerEval (documented as
 * "never changes the results"), for the named stochastic methods and for every METHODS entry
 * (layer methods on the conv layer) on generated graphs (property-graphs.ts). Truth: the
 * first run's bits. Seed policy: fixed seed, FC_SEED / FC_RUNS to explore.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Tensor } from '../../tensor.js';
import { IntegratedGradients } from '../gradient/integrated-gradients.js';
import { GradientShap } from '../gradient/gradient-shap.js';
import { NoiseTunnel } from '../gradient/noise-tunnel.js';
import { DeepLift } from '../rules/deep-lift.js';
import { ShapleyValueSampling } from '../perturbation/shapley-value-sampling.js';
import { KernelShap } from '../perturbation/kernel-shap.js';
import { FeaturePermutation } from '../perturbation/feature-permutation.js';
import { FeatureAblation } from '../perturbation/feature-ablation.js';
import { METHODS } from '../registry.js';
import type { MethodOptions } from '../_utils/method-spec.js';
import { convArb, fcParams, graphArb, inputSize, mlpArb, model, targetsFor, uniformBatch } from './property-graphs.js';

const seedArb = fc.integer({ min: 0, max: 0x7fffffff });
const nArb = fc.integer({ min: 1, max: 3 });

describe('property: seeded methods are bit-identical across runs and batching', () => {
  const same = (a: Tensor, b: Tensor) => expect(Array.from(b.data)).toEqual(Array.from(a.data));
  const batchArb = fc.integer({ min: 1, max: 40 });

  it('GradientShap and NoiseTunnel(IG): same seed, any internalBatchSize → same bits', async () => {
    await fc.assert(
      fc.asyncProperty(graphArb(), nArb, seedArb, batchArb, async (spec, n, s, ibs) => {
        const m = model(spec);
        const x = uniformBatch(spec, n, s);
        const b = uniformBatch(spec, 3, s + 1, -0.5, 0.5);
        const gs = (o: { internalBatchSize?: number }) => new GradientShap(m).attribute(x, { baselines: b, nSamples: 7, stdevs: 0.1, seed: s, ...o });
        const r0 = await gs({});
        same(r0.attributions, (await gs({})).attributions);
        same(r0.attributions, (await gs({ internalBatchSize: ibs })).attributions);
        const nt = (o: { internalBatchSize?: number }) =>
          new NoiseTunnel(new IntegratedGradients(m)).attribute(x, { ntType: 'smoothgrad', nSamples: 4, stdevs: 0.2, seed: s, steps: 8, ...o });
        const t0 = await nt({});
        same(t0.attributions, (await nt({})).attributions);
        same(t0.attributions, (await nt({ internalBatchSize: ibs })).attributions);
      }),
      fcParams(10),
    );
  });

  it('IG and DeepLIFT: any internalBatchSize → same bits', async () => {
    await fc.assert(
      fc.asyncProperty(graphArb(), nArb, seedArb, batchArb, async (spec, n, s, ibs) => {
        const m = model(spec);
        const x = uniformBatch(spec, n, s);
        const ig = (o: { internalBatchSize?: number }) => new IntegratedGradients(m).attribute(x, { steps: 12, ...o });
        same((await ig({})).attributions, (await ig({ internalBatchSize: ibs })).attributions);
        const dl = (o: { internalBatchSize?: number }) => new DeepLift(m).attribute(x, { baselines: 0.1, ...o });
        same((await dl({})).attributions, (await dl({ internalBatchSize: ibs })).attributions);
      }),
      fcParams(10),
    );
  });

  it('Shapley sampling, KernelSHAP, feature permutation, ablation: same seed, any perturbationsPerEval → same bits', async () => {
    await fc.assert(
      fc.asyncProperty(mlpArb(), fc.integer({ min: 2, max: 3 }), seedArb, batchArb, async (spec, n, s, ppe) => {
        const m = model(spec);
        const x = uniformBatch(spec, n, s);
        const svs = (o: { perturbationsPerEval?: number }) => new ShapleyValueSampling(m).attribute(x, { nSamples: 5, seed: s, baselines: 0.2, ...o });
        const a0 = await svs({});
        same(a0.attributions, (await svs({})).attributions);
        same(a0.attributions, (await svs({ perturbationsPerEval: ppe })).attributions);
        const ks = (o: { perturbationsPerEval?: number }) => new KernelShap(m).attribute(x, { nSamples: 20, seed: s, baselines: 0.2, ...o });
        const k0 = await ks({});
        same(k0.attributions, (await ks({})).attributions);
        same(k0.attributions, (await ks({ perturbationsPerEval: ppe })).attributions);
        const fp = (o: { perturbationsPerEval?: number }) => new FeaturePermutation(m).attribute(x, { seed: s, ...o });
        const p0 = await fp({});
        same(p0.attributions, (await fp({})).attributions);
        same(p0.attributions, (await fp({ perturbationsPerEval: ppe })).attributions);
        const fa = (o: { perturbationsPerEval?: number }) => new FeatureAblation(m).attribute(x, { baselines: 0.3, ...o });
        same((await fa({})).attributions, (await fa({ perturbationsPerEval: ppe })).attributions);
      }),
      fcParams(10),
    );
  });
});

describe('property: every METHODS entry is reproducible and batching-independent', () => {
  it('same options (seed included) ⇒ same bits; any internalBatchSize / perturbationsPerEval ⇒ same bits', async () => {
    expect(Object.values(METHODS).length).toBeGreaterThanOrEqual(29); // the loop below is not vacuous
    await fc.assert(
      fc.asyncProperty(convArb(), seedArb, fc.integer({ min: 1, max: 7 }), async (spec, s, chunk) => {
        const m = model(spec);
        const per = inputSize(spec);
        const x = uniformBatch(spec, 2, s);
        const all: MethodOptions = {
          target: targetsFor(spec, 2, s),
          steps: 4,
          samples: 3,
          stdev: 0.1,
          seed: s,
          layer: 'conv',
          neuron: 0,
          window: [1, 2, 2],
          strides: [1, 1, 1],
          featureMask: Float32Array.from({ length: per }, (_, q) => (q + s) % 4),
          baselines: 0.1,
        };
        for (const method of Object.values(METHODS)) {
          const o: Record<string, unknown> = {};
          for (const k of method.options) if (k in all) o[k] = all[k as keyof MethodOptions];
          const a = await method.run(m, x, o as MethodOptions);
          const bits = (r: { attributions: Tensor }) => Array.from(r.attributions.data);
          expect(bits(await method.run(m, x, o as MethodOptions)), `${method.id}: rerun`).toEqual(bits(a));
          if (method.options.includes('internalBatchSize')) {
            expect(bits(await method.run(m, x, { ...o, internalBatchSize: chunk } as MethodOptions)), `${method.id}: internalBatchSize ${chunk}`).toEqual(bits(a));
          }
          if (method.options.includes('perturbationsPerEval')) {
            expect(bits(await method.run(m, x, { ...o, perturbationsPerEval: chunk } as MethodOptions)), `${method.id}: perturbationsPerEval ${chunk}`).toEqual(bits(a));
          }
        }
      }),
      fcParams(6),
    );
  });
});
