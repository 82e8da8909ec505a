export { initTfjsBackend, type TfjsBackendName } from './backend.js';
export { createTfjsKernels, tfjsKernels, type TfjsKernels } from './kernels/index.js';
export { registerMissingGradients } from './gradients/index.js';
export { tfjsBinding, type TfjsBinding } from './binding.js';
export { createTfjsModel, DEFAULT_MAX_BATCH, DEFAULT_CHUNK_BYTES, defaultMaxBatch, type TfjsModelOptions } from './tfjs-model.js';
export { ChunkedModel } from './chunked-model.js';
export { importLayersModel } from './import-layers.js';
export { loadLayersArtifacts, fromTfjsLayers, type FromTfjsLayersOptions, type LayersArtifacts, type WeightSpec } from './load.js';
export { fromTfjsFunction, type TfjsFunctionOptions } from './function-model.js';
export {
  importGraphModel,
  loadGraphModelArtifacts,
  fromTfjsGraphModel,
  ControlFlowError,
  UnsupportedGraphOpsError,
  CONTROL_FLOW_OPS,
  type GraphModelArtifacts,
  type GraphModelImportOptions,
  type FromTfjsGraphModelOptions,
  type GraphOpIssue,
} from './graph-model/index.js';
export * from './distill/index.js';
