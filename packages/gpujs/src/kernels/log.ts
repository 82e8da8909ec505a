/** Natural logarithm (−∞ at 0, NaN below, as IEEE). */
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { mapUnary } from './unary.js';

export const log = (rt: GpujsRuntime, x: GpuTensor) => mapUnary(rt, x, 'Math.log(v)');
