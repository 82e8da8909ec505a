/**
 * Pow (ONNX): a^b with numpy broadcasting; B is usually an initializer (then a parameter, not
 * differentiated). d/da = b·a^(b−1); d/db = y·ln a (only when B carries data; NaN for a <= 0, as the math).
 */
import { binaryOp } from './binary.js';
import { scalarLike } from './util.js';

export const Pow = binaryOp(
  'Pow',
  (k, a, b) => k.pow(a, b),
  (k, a, b, y, dy, need) => [
    need[0] ? k.mul(dy, k.mul(b, k.pow(a, k.sub(b, scalarLike(k, b, 1))))) : undefined,
    need[1] ? k.mul(dy, k.mul(y, k.log(a))) : undefined,
  ],
);
