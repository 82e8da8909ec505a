/** Dropout: the identity at inference (the optional ratio / training_mode inputs are ignored). */
import type { OpDef } from '../op.js';
import { unaryOp } from './unary.js';
import { expectInputs } from './util.js';

export const Dropout: OpDef = {
  ...unaryOp(
    'Dropout',
    'identity',
    (_k, x) => x,
    (_k, _x, _y, dy) => dy,
  ),
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1, 3);
    return [[...shapes[0]!]];
  },
};
