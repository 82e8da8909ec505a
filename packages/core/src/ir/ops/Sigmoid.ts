/** Sigmoid: 1 / (1 + e^−x); derivative y(1 − y). */
import { unaryOp } from './unary.js';
import { scalarLike } from './util.js';

export const Sigmoid = unaryOp(
  'Sigmoid',
  'activation',
  (k, x) => k.sigmoid(x),
  (k, _x, y, dy) => k.mul(dy, k.mul(y, k.sub(scalarLike(k, y, 1), y))),
);
