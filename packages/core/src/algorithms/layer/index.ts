/**
 * The layer family (attributions of a layer's shape, or Grad-CAM maps). One line per algorithm
 * file: what @glasswing/core exports from it, its METHODS entry included (registry.ts collects
 * every entry the family indexes export).
 */
export type { LayerOptions } from './layer-common.js';
export { GradCam, layerLayout, type GradCamOptions, gradCamMethod } from './grad-cam.js';
export { LayerActivation, type LayerActivationOptions, layerActivationMethod } from './layer-activation.js';
export { LayerGradient, type LayerGradientOptions, layerGradientMethod } from './layer-gradient.js';
export { LayerGradientXActivation, type LayerGradientXActivationOptions, layerGradientXActivationMethod } from './layer-gradient-x-activation.js';
export { LayerIntegratedGradients, type LayerIntegratedGradientsOptions, layerIntegratedGradientsMethod } from './layer-integrated-gradients.js';
export { LayerConductance, type LayerConductanceOptions, layerConductanceMethod } from './layer-conductance.js';
