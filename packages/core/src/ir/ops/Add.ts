/** Add (ONNX): broadcasting a + b. */
import { binaryOp } from './binary.js';

export const Add = binaryOp(
  'Add',
  (k, a, b) => k.add(a, b),
  (_k, _a, _b, _y, dy, need) => [need[0] ? dy : undefined, need[1] ? dy : undefined],
);
