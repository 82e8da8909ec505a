export { referenceKernels } from './referenceKernels.js';
