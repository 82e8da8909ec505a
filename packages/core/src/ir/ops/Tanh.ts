/** Tanh; derivative 1 − y². */
import { unaryOp } from './unary.js';
import { scalarLike } from './util.js';

export const Tanh = unaryOp(
  'Tanh',
  'activation',
  (k, x) => k.tanh(x),
  (k, _x, y, dy) => k.mul(dy, k.sub(scalarLike(k, y, 1), k.mul(y, y))),
);
