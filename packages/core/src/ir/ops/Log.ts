/** Log: natural logarithm; derivative 1/x. */
import { unaryOp } from './unary.js';

export const Log = unaryOp(
  'Log',
  'elementwise',
  (k, x) => k.log(x),
  (k, x, _y, dy) => k.div(dy, x),
);
