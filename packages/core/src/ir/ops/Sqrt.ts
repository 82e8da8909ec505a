/** Sqrt: √x; derivative 1/(2y). */
import { unaryOp } from './unary.js';
import { scale } from './util.js';

export const Sqrt = unaryOp(
  'Sqrt',
  'elementwise',
  (k, x) => k.sqrt(x),
  (k, _x, y, dy) => k.div(dy, scale(k, y, 2)),
);
