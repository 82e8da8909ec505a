/**
 * Algorithm axioms through core's METHODS registry, run on the model under test. They check the
 * algorithms' plumbing over the adapter (batching, seeds, targets), against the model's own gradient.
 */
import { METHODS, type AttributionResult, type MethodOptions, type Model, type Tensor } from '@glasswing/core';
import { ConformanceError, expectClose, mapTensor } from '../numeric.js';
import { BATCH, indexSeed, makeInput, makeTargets, type ConformanceCheck, type CheckContext } from './context.js';

async function runMethod(id: string, model: Model, x: Tensor, options: MethodOptions): Promise<AttributionResult> {
  const spec = METHODS[id];
  if (!spec) throw new ConformanceError(`core's METHODS registry has no method ${id}`);
  const result = await spec.run(model, x, options);
  if (result.modelCalls < 1) throw new ConformanceError(`${id}: modelCalls is ${result.modelCalls}`);
  return result;
}

async function plainGradient(ctx: CheckContext, x: Tensor, targets: number[]): Promise<Tensor> {
  return (await ctx.model.gradient(x, { seed: indexSeed(targets) })).inputGradient;
}

function perExampleSums(t: Tensor): Float64Array {
  const n = t.shape[0]!;
  const per = t.data.length / n;
  const out = new Float64Array(n);
  for (let e = 0; e < n; e++) for (let j = 0; j < per; j++) out[e]! += t.data[e * per + j]!;
  return out;
}

export const integratedGradientsCheck: ConformanceCheck = {
  id: 'algorithm-ig-completeness',
  title: 'IntegratedGradients (256 Gauss–Legendre steps, zero baseline): Σ attributions ≈ f(x) − f(0)',
  requires: { gradients: true },
  async run(ctx) {
    const { model, spec, tolerance } = ctx;
    const x = makeInput(ctx.spec, BATCH, 51);
    const targets = makeTargets(spec, BATCH);
    const result = await runMethod('integrated-gradients', model, x, {
      target: targets,
      baselines: 0,
      steps: 256,
      quadrature: 'gausslegendre',
    });
    if (result.targets.join() !== targets.join()) {
      throw new ConformanceError(`result.targets [${result.targets.join()}] differ from the requested [${targets.join()}]`);
    }
    const fx = await model.forward(x);
    const f0 = await model.forward({ shape: x.shape, data: new Float32Array(x.data.length) });
    const sums = perExampleSums(result.attributions);
    const l1 = perExampleSums(mapTensor(result.attributions, Math.abs));
    const out = spec.outputSize;
    for (let e = 0; e < BATCH; e++) {
      const diff = fx.data[e * out + targets[e]!]! - f0.data[e * out + targets[e]!]!;
      const delta = sums[e]! - diff;
      // Quadrature error scales with the integrand (ReLU kinks make it O(1/steps)), so |δ| is
      // measured against the larger of |f(x) − f(0)| and Σ|attributions|.
      const scale = Math.max(Math.abs(diff), l1[e]!);
      if (Math.abs(delta) > tolerance.completeness * scale + 1e-4) {
        throw new ConformanceError(
          `example ${e}: Σ attributions ${sums[e]} vs f(x) − f(0) = ${diff} (δ = ${delta.toExponential(3)}, ` +
            `Σ|attributions| ${l1[e]}, allowed ${tolerance.completeness} × ${scale.toExponential(3)})`,
        );
      }
      const reported = result.delta?.[e];
      if (reported !== undefined && Math.abs(reported - delta) > 1e-3 + 1e-3 * Math.abs(diff)) {
        throw new ConformanceError(`example ${e}: reported δ ${reported} but Σ attributions − (f(x) − f(0)) = ${delta}`);
      }
    }
  },
};

/**
 * A gradient-family method that must equal a fixed element-wise function of the model's own
 * input gradient: `expected(gradient, input)`.
 */
function gradientIdentityCheck(
  id: string,
  title: string,
  method: string,
  options: MethodOptions,
  seed: number,
  expected: (g: number, x: number) => number,
  label: string,
): ConformanceCheck {
  return {
    id,
    title,
    requires: { gradients: true },
    async run(ctx) {
      const x = makeInput(ctx.spec, BATCH, seed);
      const targets = makeTargets(ctx.spec, BATCH);
      const result = await runMethod(method, ctx.model, x, { ...options, target: targets });
      const g = await plainGradient(ctx, x, targets);
      expectClose(result.attributions, mapTensor(g, (v, i) => expected(v, x.data[i]!)), ctx.tolerance.forward, label);
    },
  };
}

export const saliencyCheck = gradientIdentityCheck(
  'algorithm-saliency',
  'Saliency (Captum default abs = true) equals |∇|',
  'saliency',
  {},
  52,
  Math.abs,
  'saliency vs |gradient|',
);

export const smoothGradCheck = gradientIdentityCheck(
  'algorithm-smoothgrad-zero-noise',
  'SmoothGrad with stdev 0 equals Saliency (|∇|)',
  'smoothgrad',
  { samples: 4, stdev: 0, seed: 5 },
  53,
  Math.abs,
  'smoothgrad(stdev 0) vs |gradient|',
);

export const inputXGradientCheck = gradientIdentityCheck(
  'algorithm-input-x-gradient',
  'InputXGradient equals x ⊙ ∇',
  'input-x-gradient',
  {},
  54,
  (g, x) => g * x,
  'x ⊙ gradient',
);
