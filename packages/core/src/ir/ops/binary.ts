/** Factory for the broadcasting element-wise binary ops (Add, Sub, Mul, Div). */
import type { OpType } from '../graph.js';
import type { Kernels } from '../kernels.js';
import type { OpDef } from '../op.js';
import { broadcastShapes, expectInputs, sumToShape } from './util.js';

export function binaryOp(
  type: OpType,
  apply: <T>(k: Kernels<T>, a: T, b: T) => T,
  /** Unreduced gradients w.r.t. a and b (broadcast shape); only the needed ones are computed. */
  grads: <T>(k: Kernels<T>, a: T, b: T, y: T, dy: T, need: readonly [boolean, boolean]) => [T | undefined, T | undefined],
): OpDef {
  return {
    type,
    kind: 'elementwise',
    dataInputs: [0, 1],
    inferShapes(shapes, node) {
      expectInputs(node, shapes, 2);
      return [broadcastShapes(node, shapes[0]!, shapes[1]!)];
    },
    forward(k, inputs) {
      return [apply(k, inputs[0]!, inputs[1]!)];
    },
    vjp(k, inputs, outputs, dys, _node, needed) {
      const need: [boolean, boolean] = [needed?.[0] !== false, needed?.[1] !== false];
      const [ga, gb] = grads(k, inputs[0]!, inputs[1]!, outputs[0]!, dys[0]!, need);
      return [
        ga === undefined ? undefined : sumToShape(k, ga, k.shape(inputs[0]!)),
        gb === undefined ? undefined : sumToShape(k, gb, k.shape(inputs[1]!)),
      ];
    },
  };
}
