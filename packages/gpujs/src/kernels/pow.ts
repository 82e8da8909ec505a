/**
 * a^b with broadcasting, IEEE semantics: GLSL's pow is undefined for a < 0, so a negative base is
 * raised as |a|^b with the sign of an odd integer exponent, and NaN for a non-integer one.
 */
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { mapBinary } from './binary.js';

const GL_POW =
  '(a >= 0 ? (b === 0 ? 1 : Math.pow(a, b)) : (Math.floor(b) === b ? (Math.floor(b / 2) * 2 === b ? Math.pow(-a, b) : -Math.pow(-a, b)) : Math.sqrt(-1)))';

export const pow = (rt: GpujsRuntime, a: GpuTensor, b: GpuTensor) => mapBinary(rt, a, b, rt.onDevice ? GL_POW : 'Math.pow(a, b)', 'pow');
