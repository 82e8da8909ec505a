/** The full shape of a device tensor. */
import type { GpuTensor } from '../tensor.js';

export const shape = (t: GpuTensor): readonly number[] => t.shape;
