/** Elu (ONNX), attribute `alpha` (default 1): x for x > 0, α(eˣ − 1) otherwise. Derivative 1 / α·eˣ (α at 0). */
import type { OpDef } from '../op.js';
import { elu, eluSlope, finiteAttr } from './activation-util.js';
import { unaryOp } from './unary.js';
import { expectInputs } from './util.js';

const base = unaryOp(
  'Elu',
  'activation',
  (k, x, node) => elu(k, x, finiteAttr(node, 'alpha', 1)),
  (k, x, _y, dy, node) => k.mul(dy, eluSlope(k, x, finiteAttr(node, 'alpha', 1))),
);

export const Elu: OpDef = {
  ...base,
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    finiteAttr(node, 'alpha', 1);
    return [[...shapes[0]!]];
  },
};
