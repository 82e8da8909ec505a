/**
 * HardSwish (ONNX): x · max(0, min(1, x/6 + 1/2)) (Keras 3's hard_silu / hard_swish).
 * Derivative hs(x) + x/6 for −3 < x < 3 (0 below, 1 above).
 */
import { clamp01, inside01 } from './activation-util.js';
import { unaryOp } from './unary.js';
import { scalarLike, scale } from './util.js';

export const HardSwish = unaryOp(
  'HardSwish',
  'activation',
  (k, x) => k.mul(x, clamp01(k, k.add(scale(k, x, 1 / 6), scalarLike(k, x, 0.5)))),
  (k, x, _y, dy) => {
    const z = k.add(scale(k, x, 1 / 6), scalarLike(k, x, 0.5));
    return k.mul(dy, k.add(clamp01(k, z), k.mul(scale(k, x, 1 / 6), inside01(k, z))));
  },
);
