/** Sub (ONNX): broadcasting a − b. */
import { binaryOp } from './binary.js';

export const Sub = binaryOp(
  'Sub',
  (k, a, b) => k.sub(a, b),
  (k, _a, _b, _y, dy, need) => [need[0] ? dy : undefined, need[1] ? k.neg(dy) : undefined],
);
