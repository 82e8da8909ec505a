/** Mul (ONNX): broadcasting a ⊙ b. */
import { binaryOp } from './binary.js';

export const Mul = binaryOp(
  'Mul',
  (k, a, b) => k.mul(a, b),
  (k, a, b, _y, dy, need) => [need[0] ? k.mul(dy, b) : undefined, need[1] ? k.mul(dy, a) : undefined],
);
