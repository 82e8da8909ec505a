/** Factory for single-input, shape-preserving element-wise ops. */
import type { GraphNode, OpType } from '../graph.js';
import type { Kernels } from '../kernels.js';
import type { OpDef, OpKind } from '../op.js';
import { expectInputs } from './util.js';

export function unaryOp(
  type: OpType,
  kind: OpKind,
  apply: <T>(k: Kernels<T>, x: T, node: GraphNode) => T,
  /** dL/dx from x, y = f(x) and dy. */
  grad: <T>(k: Kernels<T>, x: T, y: T, dy: T, node: GraphNode) => T,
): OpDef {
  return {
    type,
    kind,
    dataInputs: [0],
    inferShapes(shapes, node) {
      expectInputs(node, shapes, 1);
      return [[...shapes[0]!]];
    },
    forward(k, inputs, node) {
      return [apply(k, inputs[0]!, node)];
    },
    vjp(k, inputs, outputs, dys, node) {
      return [grad(k, inputs[0]!, outputs[0]!, dys[0]!, node)];
    },
  };
}
