/** Flatten (ONNX): [d0..d(axis−1)] and [d(axis)..] collapsed into a 2-D tensor (axis default 1). */
import { attrNumber } from '../graph.js';
import type { OpDef } from '../op.js';
import { expectInputs, prod, shapeError } from './util.js';
import type { Shape } from './util.js';
import type { GraphNode } from '../graph.js';

function flatShape(node: GraphNode, x: Shape): number[] {
  let axis = attrNumber(node, 'axis', 1);
  if (!Number.isInteger(axis) || axis < -x.length || axis > x.length) {
    throw shapeError(node, `axis ${axis} is out of range for rank ${x.length}`);
  }
  if (axis < 0) axis += x.length;
  return [prod(x.slice(0, axis)), prod(x.slice(axis))];
}

export const Flatten: OpDef = {
  type: 'Flatten',
  kind: 'shape',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    return [flatShape(node, shapes[0]!)];
  },
  forward(k, inputs, node) {
    const x = inputs[0]!;
    return [k.reshape(x, flatShape(node, k.shape(x)))];
  },
  vjp(k, inputs, _outputs, dys) {
    return [k.reshape(dys[0]!, k.shape(inputs[0]!))];
  },
};
