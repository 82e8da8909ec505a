/** step(x) = 1 where x > 0, else 0. */
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { mapUnary } from './unary.js';

export const step = (rt: GpujsRuntime, x: GpuTensor) => mapUnary(rt, x, '(v > 0 ? 1 : 0)');
