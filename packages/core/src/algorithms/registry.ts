/**
 * The method registry: one entry per user-facing method id, with a uniform option set
 * (`MethodOptions`) mapped onto each algorithm class. Used by the CLI, demo and benchmarks.
 *
 * Defaults (documented per method in `defaults`):
 * - integrated-gradients: steps 50, quadrature 'gausslegendre', baselines 0 (Captum's).
 * - smoothgrad / smoothgrad-sq / vargrad: NoiseTunnel over Saliency, samples 25, stdev 0.1
 *   (absolute noise std in input units; Captum: 5 and 1.0), abs true (Captum's Saliency
 *   default, applied per sample), seed 0.
 * - gradient-shap: samples 50 (Captum: 5), stdev 0 (Captum's), baselines 0, seed 0.
 * - occlusion / feature-ablation / feature-permutation / shapley-values / shapley-value-sampling:
 *   forward-only (no capability needed); baselines 0, strides 1, featureMask one group per
 *   element, samples 25 permutations (antithetic), seed 0; `window` is required for occlusion.
 * - kernel-shap: forward-only; baselines 0 (a tensor [B, ...] is a background dataset), samples
 *   2F + 2048 coalitions (all 2^F − 2 when that is fewer: exact), seed 0.
 * - lime: forward-only; the variant follows the input (lime.ts `limeForModel`): images → LimeImage
 *   (SLIC, hide colour = numeric baseline, 1000 samples), 1-D with a baseline tensor [T, F] →
 *   LimeTabular (training data; 5000 samples), else feature masking (1000 samples); seed 0.
 */
import type { Model } from '../model.js';
import type { Tensor } from '../tensor.js';
import type { AttributionResult } from './_utils/types.js';
import { Saliency } from './gradient/saliency.js';
import { InputXGradient } from './gradient/input-x-gradient.js';
import { IntegratedGradients } from './gradient/integrated-gradients.js';
import { NoiseTunnel, NOISE_TUNNEL_DEFAULTS, type NoiseTunnelType } from './gradient/noise-tunnel.js';
import { GradientShap, GRADIENT_SHAP_DEFAULTS } from './gradient/gradient-shap.js';
import { FeatureAblation } from './perturbation/feature-ablation.js';
import { Occlusion } from './perturbation/occlusion.js';
import { FeaturePermutation } from './perturbation/feature-permutation.js';
import { ShapleyValues } from './perturbation/shapley-values.js';
import { ShapleyValueSampling, SHAPLEY_SAMPLING_DEFAULTS } from './perturbation/shapley-value-sampling.js';
import { KernelShap } from './perturbation/kernel-shap.js';
import { limeForModel } from './perturbation/lime.js';
import { RULE_METHODS } from './registry-rules.js';
import { common, spec, type MethodOptionName, type MethodOptions, type MethodSpec } from './_utils/method-spec.js';

export type { MethodOptionName, MethodOptions, MethodSpec } from './_utils/method-spec.js';


type Entry = (id: string, title: string, options: readonly MethodOptionName[], defaults: MethodSpec['defaults'], attribute: Attribute) => MethodSpec;
type Attribute = (model: Model, x: Tensor, o: MethodOptions) => Promise<AttributionResult>;

/** A method that attributes to the model input (so takes no `layer`) and needs gradients. */
const inputMethod: Entry = (id, title, options, defaults, attribute) => spec(id, title, { gradients: true }, options, defaults, attribute);

/** A forward-only perturbation method (needs no model capability; takes no layer). */
const forwardMethod: Entry = (id, title, options, defaults, attribute) => spec(id, title, {}, options, defaults, attribute);

function noiseTunnel(id: string, title: string, ntType: NoiseTunnelType): MethodSpec {
  return inputMethod(
    id,
    title,
    ['target', 'samples', 'stdev', 'seed', 'abs', 'internalBatchSize'],
    { samples: NOISE_TUNNEL_DEFAULTS.nSamples, stdev: NOISE_TUNNEL_DEFAULTS.stdevs, seed: NOISE_TUNNEL_DEFAULTS.seed, abs: true },
    (model, x, o) =>
      new NoiseTunnel(new Saliency(model)).attribute(x, {
        ...common(o),
        ntType,
        nSamples: o.samples,
        stdevs: o.stdev,
        seed: o.seed,
        abs: o.abs,
      }),
  );
}

const perturbationCommon = (o: MethodOptions) => ({ ...common(o), perturbationsPerEval: o.perturbationsPerEval });

/** A forward-only method over feature groups with replacement values (baselines 0). */
function groupMethod(id: string, title: string, Method: typeof FeatureAblation | typeof ShapleyValues): MethodSpec {
  return forwardMethod(id, title, ['target', 'baselines', 'featureMask', 'perturbationsPerEval', 'internalBatchSize'], { baselines: 0 }, (model, x, o) =>
    new Method(model).attribute(x, { ...perturbationCommon(o), baselines: o.baselines, featureMask: o.featureMask }),
  );
}

/** A forward-only sampling method over feature groups (baselines, mask, samples, seed). */
function sampledGroupMethod(
  id: string,
  title: string,
  defaults: MethodSpec['defaults'],
  Method: typeof ShapleyValueSampling | typeof KernelShap,
): MethodSpec {
  return forwardMethod(
    id,
    title,
    ['target', 'baselines', 'featureMask', 'samples', 'seed', 'perturbationsPerEval', 'internalBatchSize'],
    defaults,
    (model, x, o) =>
      new Method(model).attribute(x, {
        ...perturbationCommon(o),
        baselines: o.baselines,
        featureMask: o.featureMask,
        nSamples: o.samples,
        seed: o.seed,
      }),
  );
}

export const METHODS: Readonly<Record<string, MethodSpec>> = Object.freeze({
  saliency: inputMethod('saliency', 'Saliency (|gradient|)', ['target', 'abs', 'internalBatchSize'], { abs: true }, (model, x, o) =>
    new Saliency(model).attribute(x, { ...common(o), abs: o.abs }),
  ),
  'input-x-gradient': inputMethod('input-x-gradient', 'Input × Gradient', ['target', 'internalBatchSize'], {}, (model, x, o) =>
    new InputXGradient(model).attribute(x, common(o)),
  ),
  'integrated-gradients': inputMethod(
    'integrated-gradients',
    'Integrated Gradients',
    ['target', 'baselines', 'steps', 'quadrature', 'internalBatchSize'],
    { steps: 50, quadrature: 'gausslegendre', baselines: 0 },
    (model, x, o) =>
      new IntegratedGradients(model).attribute(x, { ...common(o), baselines: o.baselines, steps: o.steps, quadrature: o.quadrature }),
  ),
  smoothgrad: noiseTunnel('smoothgrad', 'SmoothGrad (NoiseTunnel over Saliency)', 'smoothgrad'),
  'smoothgrad-sq': noiseTunnel('smoothgrad-sq', 'SmoothGrad² (NoiseTunnel over Saliency)', 'smoothgrad_sq'),
  vargrad: noiseTunnel('vargrad', 'VarGrad (NoiseTunnel over Saliency)', 'vargrad'),
  'gradient-shap': inputMethod(
    'gradient-shap',
    'GradientSHAP',
    ['target', 'baselines', 'samples', 'stdev', 'seed', 'internalBatchSize'],
    {
      samples: GRADIENT_SHAP_DEFAULTS.nSamples,
      stdev: GRADIENT_SHAP_DEFAULTS.stdevs,
      seed: GRADIENT_SHAP_DEFAULTS.seed,
      baselines: 0,
    },
    (model, x, o) =>
      new GradientShap(model).attribute(x, { ...common(o), baselines: o.baselines, nSamples: o.samples, stdevs: o.stdev, seed: o.seed }),
  ),
  occlusion: forwardMethod(
    'occlusion',
    'Occlusion (sliding window)',
    ['target', 'baselines', 'window', 'strides', 'perturbationsPerEval', 'internalBatchSize'],
    { baselines: 0, strides: 1 },
    (model, x, o) =>
      new Occlusion(model).attribute(x, {
        ...perturbationCommon(o),
        baselines: o.baselines,
        slidingWindowShapes: o.window as readonly number[],
        strides: o.strides,
      }),
  ),
  'feature-ablation': groupMethod('feature-ablation', 'Feature ablation', FeatureAblation),
  'feature-permutation': forwardMethod(
    'feature-permutation',
    'Feature permutation (in-batch)',
    ['target', 'featureMask', 'seed', 'perturbationsPerEval', 'internalBatchSize'],
    { seed: 0 },
    (model, x, o) => new FeaturePermutation(model).attribute(x, { ...perturbationCommon(o), featureMask: o.featureMask, seed: o.seed }),
  ),
  'shapley-values': groupMethod('shapley-values', 'Shapley values (exact, ≤ 20 features/groups)', ShapleyValues),
  'shapley-value-sampling': sampledGroupMethod(
    'shapley-value-sampling',
    'Shapley value sampling (antithetic permutations)',
    { baselines: 0, samples: SHAPLEY_SAMPLING_DEFAULTS.nSamples, seed: SHAPLEY_SAMPLING_DEFAULTS.seed },
    ShapleyValueSampling,
  ),
  'kernel-shap': sampledGroupMethod(
    'kernel-shap',
    'KernelSHAP (Shapley-kernel regression, background data)',
    { baselines: 0, samples: '2F + 2048', seed: 0 },
    KernelShap,
  ),
  lime: forwardMethod(
    'lime',
    'LIME (tabular / image superpixels / feature masking)',
    ['target', 'baselines', 'samples', 'seed', 'perturbationsPerEval', 'internalBatchSize'],
    { baselines: 0, samples: 'image 1000, tabular 5000, masking 1000', seed: 0 },
    (model, x, o) => limeForModel(model, x, o.baselines, { ...perturbationCommon(o), nSamples: o.samples, seed: o.seed }),
  ),
  ...RULE_METHODS,
} satisfies Record<string, MethodSpec>);
