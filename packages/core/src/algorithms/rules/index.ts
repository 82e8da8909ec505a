/**
 * The propagation-rule family. One line per algorithm file: what @glasswing/core exports from it,
 * its METHODS entry included (registry.ts collects every entry the family indexes export).
 */
export { DeepLift, DEEP_LIFT_RULES, deepLiftRules, type DeepLiftOptions, type DeepLiftRule, deepliftMethod } from './deep-lift.js';
export { DeepLiftShap, type DeepLiftShapOptions, deepliftShapMethod } from './deep-lift-shap.js';
export { Lrp, LRP_COMPOSITES, lrpRules, lrpComposite, type LrpOptions, lrpMethod } from './lrp.js';
export { GuidedBackprop, type GuidedBackpropOptions, guidedBackpropMethod } from './guided-backprop.js';
export { Deconvolution, deconvReluRule, type DeconvolutionOptions, deconvolutionMethod } from './deconvolution.js';
export { GuidedGradCam, type GuidedGradCamOptions, guidedGradCamMethod } from './guided-grad-cam.js';
