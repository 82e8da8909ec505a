/** Softsign (ONNX): x / (1 + |x|). Derivative 1 / (1 + |x|)². */
import { unaryOp } from './unary.js';
import { scalarLike } from './util.js';

export const Softsign = unaryOp(
  'Softsign',
  'activation',
  (k, x) => k.div(x, k.add(scalarLike(k, x, 1), k.abs(x))),
  (k, x, _y, dy) => {
    const d = k.add(scalarLike(k, x, 1), k.abs(x));
    return k.div(dy, k.mul(d, d));
  },
);
