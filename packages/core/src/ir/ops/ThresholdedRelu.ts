/** ThresholdedRelu (ONNX), attribute `alpha` (default 1): x for x > α, else 0. Derivative [x > α]. */
import type { GraphNode } from '../graph.js';
import type { Kernels } from '../kernels.js';
import type { OpDef } from '../op.js';
import { finiteAttr } from './activation-util.js';
import { unaryOp } from './unary.js';
import { expectInputs, scalarLike } from './util.js';

function mask<T>(k: Kernels<T>, x: T, node: GraphNode): T {
  return k.step(k.sub(x, scalarLike(k, x, finiteAttr(node, 'alpha', 1))));
}

const base = unaryOp(
  'ThresholdedRelu',
  'activation',
  (k, x, node) => k.mul(x, mask(k, x, node)),
  (k, x, _y, dy, node) => k.mul(dy, mask(k, x, node)),
);

export const ThresholdedRelu: OpDef = {
  ...base,
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    finiteAttr(node, 'alpha', 1);
    return [[...shapes[0]!]];
  },
};
