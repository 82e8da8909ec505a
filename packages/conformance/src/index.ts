/**
 * @glasswing/conformance — the shared adapter conformance suite.
 *
 *   describeAdapterConformance({ name: 'tfjs-cpu', createModel: (g) => createTfjsModel(g, { backend: 'cpu' }) });
 */
export { describeAdapterConformance } from './describe.js';
export { runConformanceChecks, conformanceTestIds } from './runner.js';
export type { ConformanceReport, ConformanceStatus } from './runner.js';
export type { ConformanceOptions, ExpectedFailure } from './options.js';
export { conformanceGraphs, mlpGraph, cnnNchwGraph, cnnNhwcGraph, dagGraph, attentionGraph } from './graphs/index.js';
export type { ConformanceGraph } from './graphs/index.js';
export { CONFORMANCE_CHECKS, resolveTolerance } from './checks/index.js';
export type { CheckContext, CheckOutcome, ConformanceCheck, ConformanceTolerance, ResolvedTolerance } from './checks/index.js';
export { methodCheck, methodChecks, derivedOptions } from './checks/methods.js';
export { ConformanceError, expectClose } from './numeric.js';
export type { Tolerance } from './numeric.js';
export { INTERNALS_CHECKS, fvRuns, FV_STEPS } from './checks/internals.js';
export { ATTENTION_CHECKS } from './checks/attention.js';
export { INTERNALS_MODEL_CHECKS, knownFilter, knownFilterGraph } from './checks/internals-model.js';
export type { ModelLevelCheck } from './checks/internals-model.js';
export { METRICS_MODEL_CHECKS, linearMetricGraph } from './checks/metrics.js';
