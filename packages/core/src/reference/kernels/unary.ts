/** Element-wise unary kernels: neg, abs, exp, log, sqrt, relu, leakyRelu, sigmoid, tanh, step. */
import type { Tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkTensor } from './util.js';

export type UnaryOp = 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'relu' | 'leakyRelu' | 'sigmoid' | 'tanh' | 'step';

/** Apply one unary op; the switch sits outside the element loops. */
export function unary(op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  checkTensor(x, op);
  const a = x.data;
  const n = a.length;
  const o = new Float32Array(n);
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) o[i] = -a[i]!;
      break;
    case 'abs':
      for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]!);
      break;
    case 'exp':
      for (let i = 0; i < n; i++) o[i] = Math.exp(a[i]!);
      break;
    case 'log':
      for (let i = 0; i < n; i++) o[i] = Math.log(a[i]!);
      break;
    case 'sqrt':
      for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]!);
      break;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = a[i]!;
        o[i] = v > 0 ? v : 0;
      }
      break;
    case 'leakyRelu':
      if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
        throw new InvalidArgumentError(`leakyRelu: alpha must be a finite number, got ${String(alpha)}`);
      }
      for (let i = 0; i < n; i++) {
        const v = a[i]!;
        o[i] = v > 0 ? v : alpha * v;
      }
      break;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = a[i]!;
        // Stable in both tails.
        if (v >= 0) o[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          o[i] = e / (1 + e);
        }
      }
      break;
    case 'tanh':
      for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]!);
      break;
    case 'step':
      for (let i = 0; i < n; i++) o[i] = a[i]! > 0 ? 1 : 0;
      break;
  }
  return { shape: [...x.shape], data: o };
}

/** Factory: a single-argument kernel for `op`. */
export function makeUnary(op: Exclude<UnaryOp, 'leakyRelu'>): (x: Tensor) => Tensor {
  return (x) => unary(op, x);
}
