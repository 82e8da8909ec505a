/**
 * Selu (ONNX), attributes `alpha` (default 1.67326319…) and `gamma` (default 1.05070102…):
 * γ·x for x > 0, γ·α(eˣ − 1) otherwise. Derivative γ / γ·α·eˣ (γα at 0).
 */
import type { OpDef } from '../op.js';
import { elu, eluSlope, finiteAttr } from './activation-util.js';
import { unaryOp } from './unary.js';
import { expectInputs, scale } from './util.js';

const ALPHA = 1.6732632423543772;
const GAMMA = 1.0507009873554805;

const base = unaryOp(
  'Selu',
  'activation',
  (k, x, node) => scale(k, elu(k, x, finiteAttr(node, 'alpha', ALPHA)), finiteAttr(node, 'gamma', GAMMA)),
  (k, x, _y, dy, node) => k.mul(dy, scale(k, eluSlope(k, x, finiteAttr(node, 'alpha', ALPHA)), finiteAttr(node, 'gamma', GAMMA))),
);

export const Selu: OpDef = {
  ...base,
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    finiteAttr(node, 'alpha', ALPHA);
    finiteAttr(node, 'gamma', GAMMA);
    return [[...shapes[0]!]];
  },
};
