import { integratedGradientsCheck, inputXGradientCheck, saliencyCheck, smoothGradCheck } from './algorithms.js';
import { inputShapeErrorCheck, targetErrorCheck, unknownLayerErrorCheck } from './errors.js';
import {
  batchInvarianceCheck,
  forwardCheck,
  gradientFiniteDifferenceCheck,
  gradientIndexCheck,
  gradientTensorCheck,
} from './gradients.js';
import { activationsCheck, layerFiniteDifferenceCheck, layerGradientCheck, overridesCheck } from './layers.js';
import { guidedReluCheck } from './rules.js';
import { methodChecks } from './methods.js';
import type { ConformanceCheck } from './context.js';

export * from './context.js';

/** Every per-graph check, in run order: the fixed checks, then one per METHODS entry (`method-<id>`). */
export const CONFORMANCE_CHECKS: readonly ConformanceCheck[] = [
  forwardCheck,
  gradientIndexCheck,
  gradientTensorCheck,
  gradientFiniteDifferenceCheck,
  batchInvarianceCheck,
  activationsCheck,
  layerGradientCheck,
  layerFiniteDifferenceCheck,
  overridesCheck,
  guidedReluCheck,
  inputShapeErrorCheck,
  targetErrorCheck,
  unknownLayerErrorCheck,
  integratedGradientsCheck,
  saliencyCheck,
  smoothGradCheck,
  inputXGradientCheck,
  ...methodChecks(),
];
