export { importOnnxModel } from './import-onnx.js';
export type { OnnxImportOptions, OnnxImportResult, BlockingOp } from './import-onnx.js';
export { describeLayerName, modulesByLayer, normalizeModulePath, resolveLayerName } from './layer-names.js';
export type { LayerNameSource, LayerResolution } from './layer-names.js';
export { buildModuleIndex, scopeOf } from './module-paths.js';
export type { OnnxModule, OnnxModuleIndex, ScopedNode } from './module-paths.js';
