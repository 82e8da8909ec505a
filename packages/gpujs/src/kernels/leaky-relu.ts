/** leakyRelu(x) = x for x > 0, alpha·x otherwise (alpha passed as data, so one kernel serves every alpha). */
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { mapUnary } from './unary.js';

export const leakyRelu = (rt: GpujsRuntime, x: GpuTensor, alpha: number) =>
  mapUnary(rt, x, '(v > 0 ? v : p0[0] * v)', [new Float32Array([alpha])]);
