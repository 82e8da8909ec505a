/**
 * The perturbation family (forward-only). One line per algorithm file: what @glasswing/core
 * exports from it, its METHODS entry included (registry.ts collects every entry the family
 * indexes export).
 */
export { FeatureAblation, type FeatureAblationOptions, featureAblationMethod } from './feature-ablation.js';
export { Occlusion, type OcclusionOptions, type OcclusionGrid, occlusionGrid, occlusionMethod } from './occlusion.js';
export { FeaturePermutation, type FeaturePermutationOptions, featurePermutationMethod } from './feature-permutation.js';
export { ShapleyValues, type ShapleyValuesOptions, MAX_EXACT_SHAPLEY_FEATURES, shapleyValuesMethod } from './shapley-values.js';
export { ShapleyValueSampling, type ShapleyValueSamplingOptions, SHAPLEY_SAMPLING_DEFAULTS, shapleyValueSamplingMethod } from './shapley-value-sampling.js';
export { KernelShap, KERNEL_SHAP_DEFAULTS, resolveBackground, type KernelShapOptions, type KernelShapResult, kernelShapMethod } from './kernel-shap.js';
export { coalitionDesign, MAX_COALITIONS, type CoalitionDesign } from './kernel-shap-coalitions.js';
export * from './lime.js';
