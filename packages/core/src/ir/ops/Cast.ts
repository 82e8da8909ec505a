/**
 * Cast: only to float32 (ONNX `to` = 1, the default when absent) is supported, where it is the
 * identity; any other target type is an UnsupportedOpError.
 */
import type { GraphNode } from '../graph.js';
import type { OpDef } from '../op.js';
import { unaryOp } from './unary.js';
import { expectInputs, unsupported } from './util.js';

const FLOAT = 1;

function checkTo(node: GraphNode): void {
  const to = node.attrs['to'];
  if (to !== undefined && to !== FLOAT) {
    throw unsupported(node, `only Cast to float32 (to = 1) is supported, got to = ${String(to)}`);
  }
}

const base = unaryOp(
  'Cast',
  'identity',
  (_k, x, node) => {
    checkTo(node);
    return x;
  },
  (_k, _x, _y, dy) => dy,
);

export const Cast: OpDef = {
  ...base,
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    checkTo(node);
    return [[...shapes[0]!]];
  },
};
