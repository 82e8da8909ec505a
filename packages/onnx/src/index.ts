/**
 * @glasswing/onnx — ONNX Runtime adapter: ONNX import into the IR, and gradients by emitting
 * forward + backward ONNX graphs (symbolic kernels over core's GraphExecutor).
 */
export { OnnxModel } from './onnx-model.js';
export type { OnnxCapabilityReport, OnnxModelConfig, OriginalOnnx } from './onnx-model.js';
export { createOnnxModel, defaultMaxBatch, fromOnnx, ONNX_ROW_BUDGET_BYTES, ONNX_ROW_FACTOR } from './factories.js';
export type { FromOnnxOptions, OnnxModelOptions } from './factories.js';
export { loadRuntime } from './runtime.js';
export type { CreateSessionOptions, OnnxRuntime, OnnxRuntimeName, OrtModule, RuntimeOptions, RuntimeSpec } from './runtime.js';
export { defaultCacheDir, DISK_CACHE_FORMAT, resolveCacheDir } from './model/disk-cache.js';
export { createSymbolicKernels, OnnxGraphBuilder, OPSET } from './symbolic/index.js';
export type { Sym, SymbolicKernels } from './symbolic/index.js';
export { emitForwardModel, emitGradientModel } from './emit/index.js';
export type { EmittedModel, ForwardSignature, GradientSignature } from './emit/index.js';
export { buildModuleIndex, describeLayerName, importOnnxModel, modulesByLayer, normalizeModulePath, resolveLayerName, scopeOf } from './import/index.js';
export type {
  BlockingOp,
  LayerNameSource,
  LayerResolution,
  OnnxImportOptions,
  OnnxImportResult,
  OnnxModule,
  OnnxModuleIndex,
  ScopedNode,
} from './import/index.js';
export { loadOnnxBytes, describeOnnxSource } from './load.js';
export type { LoadOnnxOptions, OnnxSource } from './load.js';
export { externalLocations, inlineExternalData } from './external-data.js';
export type { ExternalDataFiles, ExternalDataReader } from './external-data.js';
export {
  decodeModel,
  encodeModel,
  opsetOf,
  makeModel,
  makeNode,
  makeValueInfo,
  makeAttribute,
  decodeTensorProto,
  tensorFromProto,
  tensorToProto,
  intsFromProto,
  intsToProto,
  DataType,
} from './proto/index.js';
export type { DecodedTensor, MakeModelSpec, ModelProto, IModelProto, TensorProto, NodeProto } from './proto/index.js';
