/** Abs: |x|; derivative sign(x) (0 at x = 0, as PyTorch). */
import { unaryOp } from './unary.js';

export const Abs = unaryOp(
  'Abs',
  'elementwise',
  (k, x) => k.abs(x),
  (k, x, _y, dy) => k.mul(dy, k.sub(k.step(x), k.step(k.neg(x)))),
);
