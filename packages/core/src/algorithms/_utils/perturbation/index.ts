/** Shared machinery of the perturbation (forward-only) methods. */
export {
  type PerturbationOptions,
  type Batching,
  type PerturbationSource,
  type PerturbationConsumer,
  DEFAULT_MAX_ROWS_PER_CALL,
  DEFAULT_MAX_VALUES_PER_CALL,
  resolveBatching,
  rowsPerCall,
  perturbationCalls,
  evaluatePerturbations,
} from './batching.js';
export {
  type FeatureMask,
  type FeatureMaskInput,
  elementMask,
  resolveFeatureMask,
  spreadGroups,
} from './feature-mask.js';
export { TargetReader, type InputEvaluation, evaluateInputs, inputCalls } from './target.js';
export { PerturbationMethod } from './method.js';
