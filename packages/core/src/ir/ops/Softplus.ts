/** Softplus (ONNX): log(1 + eˣ), evaluated as relu(x) + log(1 + e^−|x|) (no overflow). Derivative σ(x). */
import { softplus } from './activation-util.js';
import { unaryOp } from './unary.js';

export const Softplus = unaryOp(
  'Softplus',
  'activation',
  (k, x) => softplus(k, x),
  (k, x, _y, dy) => k.mul(dy, k.sigmoid(x)),
);
