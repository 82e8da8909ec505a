export * from '../random/prng.js';
export {
  type Target,
  type Progress,
  type CommonOptions,
  type AttributionResult,
  type ResolvedTarget,
  ModelCaller,
  resolveBaselines,
  validateTarget,
  argmaxRows,
} from './_utils/common.js';
export type { GradientAttribution, CoreResult } from './_utils/gradient-method.js';
export { type Quadrature, type QuadratureRule, QUADRATURES, quadratureRule, gaussLegendre, linspaceF32 } from './_utils/approximation.js';
export { Saliency, type SaliencyOptions } from './gradient/saliency.js';
export { InputXGradient, type InputXGradientOptions } from './gradient/input-x-gradient.js';
export { IntegratedGradients, type IntegratedGradientsOptions } from './gradient/integrated-gradients.js';
export { NoiseTunnel, NOISE_TUNNEL_DEFAULTS, type NoiseTunnelOptions, type NoiseTunnelType } from './gradient/noise-tunnel.js';
export { GradientShap, GRADIENT_SHAP_DEFAULTS, type GradientShapOptions } from './gradient/gradient-shap.js';
export { METHODS, type MethodSpec, type MethodOptions, type MethodOptionName } from './registry.js';
export { fromFunction, type FromFunctionOptions } from '../function-model.js';
export * from './_utils/perturbation/index.js';
export { FeatureAblation, type FeatureAblationOptions } from './perturbation/feature-ablation.js';
export { Occlusion, type OcclusionOptions, type OcclusionGrid, occlusionGrid } from './perturbation/occlusion.js';
export { FeaturePermutation, type FeaturePermutationOptions } from './perturbation/feature-permutation.js';
export { ShapleyValues, type ShapleyValuesOptions, MAX_EXACT_SHAPLEY_FEATURES } from './perturbation/shapley-values.js';
export {
  ShapleyValueSampling,
  type ShapleyValueSamplingOptions,
  SHAPLEY_SAMPLING_DEFAULTS,
} from './perturbation/shapley-value-sampling.js';
export {
  permutationImportance,
  type PermutationImportanceOptions,
  type PermutationImportanceResult,
  type ScoreFunction,
} from './global/permutation-importance.js';
export { correlation, averageRanks, type CorrelationOptions, type CorrelationResult } from './global/correlation.js';
export { KernelShap, KERNEL_SHAP_DEFAULTS, resolveBackground, type KernelShapOptions, type KernelShapResult } from './perturbation/kernel-shap.js';
export { coalitionDesign, MAX_COALITIONS, type CoalitionDesign } from './perturbation/kernel-shap-coalitions.js';
export * from './perturbation/lime.js';
export * from './_utils/linalg/index.js';
export * from './_utils/segmentation/index.js';
// propagation-rule, Grad-CAM, layer and neuron family (issue 4)
export { DeepLift, DEEP_LIFT_RULES, deepLiftRules, type DeepLiftOptions, type DeepLiftRule } from './rules/deep-lift.js';
export { DeepLiftShap, type DeepLiftShapOptions } from './rules/deep-lift-shap.js';
export { Lrp, LRP_COMPOSITES, lrpRules, lrpComposite, type LrpOptions } from './rules/lrp.js';
export { GuidedBackprop, type GuidedBackpropOptions } from './rules/guided-backprop.js';
export { Deconvolution, deconvReluRule, type DeconvolutionOptions } from './rules/deconvolution.js';
export { GradCam, layerLayout, type GradCamOptions } from './layer/grad-cam.js';
export { GuidedGradCam, type GuidedGradCamOptions } from './rules/guided-grad-cam.js';
export { resize2d, INTERPOLATIONS, type Interpolation } from './_utils/interpolate.js';
export { LayerActivation, type LayerActivationOptions } from './layer/layer-activation.js';
export { LayerGradient, type LayerGradientOptions } from './layer/layer-gradient.js';
export { LayerGradientXActivation, type LayerGradientXActivationOptions } from './layer/layer-gradient-x-activation.js';
export { LayerIntegratedGradients, type LayerIntegratedGradientsOptions } from './layer/layer-integrated-gradients.js';
export { LayerConductance, type LayerConductanceOptions } from './layer/layer-conductance.js';
export type { LayerOptions } from './layer/layer-common.js';
export { NeuronGradient, type NeuronGradientOptions } from './neuron/neuron-gradient.js';
export { NeuronIntegratedGradients, type NeuronIntegratedGradientsOptions } from './neuron/neuron-integrated-gradients.js';
export { NeuronConductance, type NeuronConductanceOptions } from './neuron/neuron-conductance.js';
export { neuronCanonizer, flatNeuron, type NeuronOptions, type NeuronSelector } from './neuron/neuron-common.js';
