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
import { INTERNALS_CHECKS } from './internals.js';
import { ATTENTION_CHECKS } from './attention.js';
import type { ConformanceCheck } from './context.js';

export * from './context.js';

/** Every per-graph check, in run order: the fixed checks, then one per METHODS entry (`method-<id>`),
 * then the model-internals checks (`internals-<name>`). */
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
  ...INTERNALS_CHECKS,
  ...ATTENTION_CHECKS,
];
