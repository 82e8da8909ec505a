/**
 * Swish / SiLU, attribute `alpha` (default 1): x · σ(αx) (Keras swish / silu: α = 1).
 * Derivative σ(αx) + αx · σ(αx)(1 − σ(αx)).
 */
import type { OpDef } from '../op.js';
import { finiteAttr } from './activation-util.js';
import { unaryOp } from './unary.js';
import { expectInputs, scalarLike, scale } from './util.js';

const base = unaryOp(
  'Swish',
  'activation',
  (k, x, node) => {
    const a = finiteAttr(node, 'alpha', 1);
    return k.mul(x, k.sigmoid(a === 1 ? x : scale(k, x, a)));
  },
  (k, x, _y, dy, node) => {
    const a = finiteAttr(node, 'alpha', 1);
    const ax = a === 1 ? x : scale(k, x, a);
    const s = k.sigmoid(ax);
    return k.mul(dy, k.add(s, k.mul(k.mul(ax, s), k.sub(scalarLike(k, s, 1), s))));
  },
);

export const Swish: OpDef = {
  ...base,
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    finiteAttr(node, 'alpha', 1);
    return [[...shapes[0]!]];
  },
};
