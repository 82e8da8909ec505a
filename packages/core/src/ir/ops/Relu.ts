/** Relu: max(x, 0); derivative step(x) (0 at x = 0). */
import { unaryOp } from './unary.js';

export const Relu = unaryOp(
  'Relu',
  'activation',
  (k, x) => k.relu(x),
  (k, x, _y, dy) => k.mul(dy, k.step(x)),
);
