/** Neg: −x. */
import { unaryOp } from './unary.js';

export const Neg = unaryOp(
  'Neg',
  'elementwise',
  (k, x) => k.neg(x),
  (k, _x, _y, dy) => k.neg(dy),
);
