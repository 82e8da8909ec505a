export { GpuTensor, type GpuData } from './tensor.js';
export { GpujsRuntime, DEFAULT_KERNEL_CACHE, type GpujsRuntimeOptions } from './runtime.js';
export { availableGpujsModes, createGpu, GpujsModeError, GPUJS_MODES, isGlMode, type GpujsMode, type GpujsModeRequest } from './modes.js';
export { createGpujsKernels, type GpujsKernels } from './kernels/index.js';
export { gpujsBinding, type GpujsBinding } from './binding.js';
export { createGpujsModel, GpujsGraphModel, GpujsModel, GPUJS_ROW_FACTOR, gpujsRowsPerCall, type GpujsModelOptions } from './gpujs-model.js';
export { fromGpujs, fromGpujsGraph, fromGpujsLayers, fromGpujsOnnx, type FromGpujsOnnxOptions } from './load.js';
