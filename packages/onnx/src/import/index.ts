export { importOnnxModel } from './import-onnx.js';
export type { OnnxImportOptions, OnnxImportResult, BlockingOp } from './import-onnx.js';
export { resolveLayerName } from './layer-names.js';
