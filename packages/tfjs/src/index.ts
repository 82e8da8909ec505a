export { initTfjsBackend, type TfjsBackendName } from './backend.js';
export { createTfjsKernels, tfjsKernels, type TfjsKernels } from './kernels/index.js';
export { registerMissingGradients } from './gradients/index.js';
