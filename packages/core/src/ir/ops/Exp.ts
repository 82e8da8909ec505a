/** Exp: e^x; derivative y. */
import { unaryOp } from './unary.js';

export const Exp = unaryOp(
  'Exp',
  'elementwise',
  (k, x) => k.exp(x),
  (k, _x, y, dy) => k.mul(dy, y),
);
