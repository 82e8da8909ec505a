/**
 * METHODS entries of the propagation-rule, Grad-CAM, layer and neuron family (merged into
 * `METHODS` by registry.ts). Defaults:
 * - deeplift / deeplift-shap: baselines 0 (deeplift-shap: a tensor [B, ...] is the baseline
 *   distribution), rule 'rescale'.
 * - lrp: composite 'captum' (ε = 1e-9 on Gemm/MatMul/Conv/pools, ReLU pass-through).
 * - grad-cam / guided-grad-cam: `layer` required; relu false, interpolation 'nearest' (resized
 *   to the input), attributeToLayer false (grad-cam only).
 * - layer-*: `layer` required; attributions have the layer's shape [N, ...layerShape].
 *   layer-integrated-gradients / layer-conductance: steps 50, Gauss–Legendre, baselines 0.
 * - neuron-*: `layer` and `neuron` (flat index or multi-index into the layer's per-example
 *   output) required; neuron-integrated-gradients / neuron-conductance: steps 50, baselines 0.
 */
import { common, spec, type MethodOptions, type MethodSpec } from './_utils/method-spec.js';
import { DeepLift } from './rules/deep-lift.js';
import { DeepLiftShap } from './rules/deep-lift-shap.js';
import { Lrp } from './rules/lrp.js';
import { GuidedBackprop } from './rules/guided-backprop.js';
import { Deconvolution } from './rules/deconvolution.js';
import { GradCam } from './layer/grad-cam.js';
import { GuidedGradCam } from './rules/guided-grad-cam.js';
import { LayerActivation } from './layer/layer-activation.js';
import { LayerGradient } from './layer/layer-gradient.js';
import { LayerGradientXActivation } from './layer/layer-gradient-x-activation.js';
import { LayerIntegratedGradients } from './layer/layer-integrated-gradients.js';
import { LayerConductance } from './layer/layer-conductance.js';
import { NeuronGradient } from './neuron/neuron-gradient.js';
import { NeuronIntegratedGradients } from './neuron/neuron-integrated-gradients.js';
import { NeuronConductance } from './neuron/neuron-conductance.js';

const RULES = { gradients: true, rules: true } as const;
const LAYERS = { gradients: true, layers: true } as const;
const NEURON = { gradients: true, layers: true, rules: true } as const;
const path = (o: MethodOptions) => ({ baselines: o.baselines, steps: o.steps, quadrature: o.quadrature });

/** A layer method integrating along the baseline → input path (steps 50, Gauss–Legendre, baselines 0). */
function layerPath(id: string, title: string, Method: typeof LayerIntegratedGradients | typeof LayerConductance): MethodSpec {
  return spec(
    id,
    title,
    LAYERS,
    ['target', 'layer', 'baselines', 'steps', 'quadrature', 'internalBatchSize'],
    { steps: 50, quadrature: 'gausslegendre', baselines: 0 },
    (m, x, o) => new Method(m).attribute(x, { ...common(o), ...path(o), layer: o.layer! }),
  );
}

export const RULE_METHODS: Readonly<Record<string, MethodSpec>> = {
  deeplift: spec('deeplift', 'DeepLIFT (rescale / reveal-cancel)', RULES, ['target', 'baselines', 'rule', 'internalBatchSize'], { baselines: 0, rule: 'rescale' }, (m, x, o) =>
    new DeepLift(m).attribute(x, { ...common(o), baselines: o.baselines, rule: o.rule }),
  ),
  'deeplift-shap': spec(
    'deeplift-shap',
    'DeepLIFT-SHAP (DeepLIFT averaged over a baseline distribution)',
    RULES,
    ['target', 'baselines', 'rule', 'internalBatchSize'],
    { baselines: 0, rule: 'rescale' },
    (m, x, o) => new DeepLiftShap(m).attribute(x, { ...common(o), baselines: o.baselines, rule: o.rule }),
  ),
  lrp: spec('lrp', 'Layer-wise relevance propagation', RULES, ['target', 'composite', 'epsilon', 'gamma', 'alpha', 'internalBatchSize'], { composite: 'captum' }, (m, x, o) =>
    new Lrp(m).attribute(x, { ...common(o), composite: o.composite, epsilon: o.epsilon, gamma: o.gamma, alpha: o.alpha }),
  ),
  'guided-backprop': spec('guided-backprop', 'Guided backpropagation', RULES, ['target', 'internalBatchSize'], {}, (m, x, o) =>
    new GuidedBackprop(m).attribute(x, common(o)),
  ),
  deconvolution: spec('deconvolution', 'Deconvolution', RULES, ['target', 'internalBatchSize'], {}, (m, x, o) => new Deconvolution(m).attribute(x, common(o))),
  'grad-cam': spec(
    'grad-cam',
    'Grad-CAM (layer map, resized to the input)',
    LAYERS,
    ['target', 'layer', 'relu', 'interpolation', 'attributeToLayer', 'internalBatchSize'],
    { relu: false, interpolation: 'nearest', attributeToLayer: false },
    (m, x, o) =>
      new GradCam(m).attribute(x, { ...common(o), layer: o.layer!, relu: o.relu, interpolation: o.interpolation, attributeToLayer: o.attributeToLayer }),
  ),
  'guided-grad-cam': spec(
    'guided-grad-cam',
    'Guided Grad-CAM',
    { gradients: true, layers: true, rules: true },
    ['target', 'layer', 'relu', 'interpolation', 'internalBatchSize'],
    { relu: false, interpolation: 'nearest' },
    (m, x, o) => new GuidedGradCam(m).attribute(x, { ...common(o), layer: o.layer!, relu: o.relu, interpolation: o.interpolation }),
  ),
  'layer-activation': spec('layer-activation', 'Layer activation', { layers: true }, ['layer', 'internalBatchSize'], {}, (m, x, o) =>
    new LayerActivation(m).attribute(x, { signal: o.signal, onProgress: o.onProgress, internalBatchSize: o.internalBatchSize, layer: o.layer! }),
  ),
  'layer-gradient': spec('layer-gradient', 'Layer gradient', LAYERS, ['target', 'layer', 'internalBatchSize'], {}, (m, x, o) =>
    new LayerGradient(m).attribute(x, { ...common(o), layer: o.layer! }),
  ),
  'layer-gradient-x-activation': spec('layer-gradient-x-activation', 'Layer gradient × activation', LAYERS, ['target', 'layer', 'internalBatchSize'], {}, (m, x, o) =>
    new LayerGradientXActivation(m).attribute(x, { ...common(o), layer: o.layer! }),
  ),
  'layer-integrated-gradients': layerPath('layer-integrated-gradients', 'Layer integrated gradients', LayerIntegratedGradients),
  'layer-conductance': layerPath('layer-conductance', 'Layer conductance', LayerConductance),
  'neuron-gradient': spec('neuron-gradient', 'Neuron gradient', NEURON, ['layer', 'neuron', 'internalBatchSize'], {}, (m, x, o) =>
    new NeuronGradient(m).attribute(x, { signal: o.signal, onProgress: o.onProgress, internalBatchSize: o.internalBatchSize, layer: o.layer!, neuron: o.neuron! }),
  ),
  'neuron-integrated-gradients': spec(
    'neuron-integrated-gradients',
    'Neuron integrated gradients',
    NEURON,
    ['layer', 'neuron', 'baselines', 'steps', 'quadrature', 'internalBatchSize'],
    { steps: 50, quadrature: 'gausslegendre', baselines: 0 },
    (m, x, o) =>
      new NeuronIntegratedGradients(m).attribute(x, {
        signal: o.signal,
        onProgress: o.onProgress,
        internalBatchSize: o.internalBatchSize,
        ...path(o),
        layer: o.layer!,
        neuron: o.neuron!,
      }),
  ),
  'neuron-conductance': spec(
    'neuron-conductance',
    'Neuron conductance',
    NEURON,
    ['target', 'layer', 'neuron', 'baselines', 'steps', 'quadrature', 'internalBatchSize'],
    { steps: 50, quadrature: 'gausslegendre', baselines: 0 },
    (m, x, o) => new NeuronConductance(m).attribute(x, { ...common(o), ...path(o), layer: o.layer!, neuron: o.neuron! }),
  ),
};
