/** Erf: the error function; derivative 2/√π · e^(−x²). */
import { unaryOp } from './unary.js';
import { scale } from './util.js';

export const Erf = unaryOp(
  'Erf',
  'elementwise',
  (k, x) => k.erf(x),
  (k, x, _y, dy) => k.mul(dy, scale(k, k.exp(k.neg(k.mul(x, x))), 2 / Math.sqrt(Math.PI))),
);
