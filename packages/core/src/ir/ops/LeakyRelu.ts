/** LeakyRelu: x for x > 0, alpha·x otherwise (alpha default 0.01). Derivative alpha + (1 − alpha)·step(x). */
import { attrNumber } from '../graph.js';
import { unaryOp } from './unary.js';
import { scalarLike, scale } from './util.js';

export const LeakyRelu = unaryOp(
  'LeakyRelu',
  'activation',
  (k, x, node) => k.leakyRelu(x, attrNumber(node, 'alpha', 0.01)),
  (k, x, _y, dy, node) => {
    const alpha = attrNumber(node, 'alpha', 0.01);
    const slope = k.add(scale(k, k.step(x), 1 - alpha), scalarLike(k, x, alpha));
    return k.mul(dy, slope);
  },
);
