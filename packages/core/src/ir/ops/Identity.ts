/** Identity. */
import { unaryOp } from './unary.js';

export const Identity = unaryOp(
  'Identity',
  'identity',
  (_k, x) => x,
  (_k, _x, _y, dy) => dy,
);
