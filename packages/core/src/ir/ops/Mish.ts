/** Mish (ONNX): x · tanh(softplus(x)). Derivative tanh(sp) + x · (1 − tanh²(sp)) · σ(x). */
import { softplus } from './activation-util.js';
import { unaryOp } from './unary.js';
import { scalarLike } from './util.js';

export const Mish = unaryOp(
  'Mish',
  'activation',
  (k, x) => k.mul(x, k.tanh(softplus(k, x))),
  (k, x, _y, dy) => {
    const t = k.tanh(softplus(k, x));
    const sech2 = k.sub(scalarLike(k, t, 1), k.mul(t, t));
    return k.mul(dy, k.add(t, k.mul(k.mul(x, sech2), k.sigmoid(x))));
  },
);
