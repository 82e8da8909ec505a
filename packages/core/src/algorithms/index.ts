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
export { type Quadrature, type QuadratureRule, type LazyQuadratureRule, QUADRATURES, quadratureRule, lazyQuadratureRule, gaussLegendre, linspaceF32 } from './_utils/approximation.js';
export { pathBatchSize, PATH_CHUNK_ROWS, PATH_CHUNK_VALUES } from './_utils/path.js';
export { resize2d, INTERPOLATIONS, type Interpolation } from './_utils/interpolate.js';
export * from './_utils/perturbation/index.js';
export * from './_utils/linalg/index.js';
export * from './_utils/segmentation/index.js';
export { METHODS, METHOD_FAMILIES, isMethodSpec, type MethodFamily, type MethodSpec, type MethodOptions, type MethodOptionName } from './registry.js';
export { fromFunction, type FromFunctionOptions } from '../function-model.js';
// The algorithm families: each index.ts has one line per algorithm file.
export * from './gradient/index.js';
export * from './perturbation/index.js';
export * from './rules/index.js';
export * from './layer/index.js';
export * from './neuron/index.js';
export * from './global/index.js';
export * from './internals/index.js';
export * from './counterfactual/index.js';
export * from './surrogate/index.js';
export * from './influence/index.js';
export * from './metrics/index.js';
