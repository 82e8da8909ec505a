/** Div (ONNX): broadcasting a / b. d/da = 1/b, d/db = −a/b² = −y/b. */
import { binaryOp } from './binary.js';

export const Div = binaryOp(
  'Div',
  (k, a, b) => k.div(a, b),
  (k, _a, b, y, dy, need) => [
    need[0] ? k.div(dy, b) : undefined,
    need[1] ? k.neg(k.div(k.mul(dy, y), b)) : undefined,
  ],
);
