/**
 * The gradient family. One line per algorithm file: what @glasswing/core exports from it, its
 * METHODS entries included (registry.ts collects every entry the family indexes export).
 */
export { Saliency, type SaliencyOptions, saliencyMethod } from './saliency.js';
export { InputXGradient, type InputXGradientOptions, inputXGradientMethod } from './input-x-gradient.js';
export { IntegratedGradients, type IntegratedGradientsOptions, integratedGradientsMethod } from './integrated-gradients.js';
export { NoiseTunnel, NOISE_TUNNEL_DEFAULTS, type NoiseTunnelOptions, type NoiseTunnelType, smoothgradMethod, smoothgradSqMethod, vargradMethod } from './noise-tunnel.js';
export { GradientShap, GRADIENT_SHAP_DEFAULTS, type GradientShapOptions, gradientShapMethod } from './gradient-shap.js';
