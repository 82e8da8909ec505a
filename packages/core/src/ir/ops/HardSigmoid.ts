/**
 * HardSigmoid (ONNX), attributes `alpha` (default 0.2) and `beta` (default 0.5): max(0, min(1, αx + β)).
 * Derivative α strictly inside (0 < αx + β < 1), else 0 (PyTorch's choice at the corners).
 * Keras 2 / tfjs-layers' hard_sigmoid is (0.2, 0.5); Keras 3's is relu6(x + 3)/6 = (1/6, 0.5).
 */
import type { GraphNode } from '../graph.js';
import type { Kernels } from '../kernels.js';
import type { OpDef } from '../op.js';
import { clamp01, finiteAttr, inside01 } from './activation-util.js';
import { unaryOp } from './unary.js';
import { expectInputs, scalarLike, scale } from './util.js';

function affine<T>(k: Kernels<T>, x: T, node: GraphNode): T {
  return k.add(scale(k, x, finiteAttr(node, 'alpha', 0.2)), scalarLike(k, x, finiteAttr(node, 'beta', 0.5)));
}

const base = unaryOp(
  'HardSigmoid',
  'activation',
  (k, x, node) => clamp01(k, affine(k, x, node)),
  (k, x, _y, dy, node) => k.mul(dy, scale(k, inside01(k, affine(k, x, node)), finiteAttr(node, 'alpha', 0.2))),
);

export const HardSigmoid: OpDef = {
  ...base,
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    finiteAttr(node, 'alpha', 0.2);
    finiteAttr(node, 'beta', 0.5);
    return [[...shapes[0]!]];
  },
};
