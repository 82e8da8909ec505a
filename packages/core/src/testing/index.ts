/** `@glasswing/core/testing`: analytic models and helpers for tests. */
export { denseReluModel, linearModel, igPaperModel, type DenseLayer } from './dense-relu-model.js';
export { functionModel, spyModel, type FunctionModelShapes, type ModelCall } from './function-model.js';
export { deepMlpGraph, abortInsideCall, sameGradientBits, type DeepMlpOptions, type AbortInsideCallReport } from './abort-inside-call.js';
