/**
 * Squeeze with attribute `axes` (each must have size 1). Absent `axes` removes every size-1 dimension
 * of the actual input (ONNX); shape inference then treats unknown (−1) dimensions as not 1.
 */
import { attrInts } from '../graph.js';
import type { GraphNode } from '../graph.js';
import type { OpDef } from '../op.js';
import { expectInputs, fmt, normAxis, shapeError } from './util.js';
import type { Shape } from './util.js';

function squeezed(node: GraphNode, x: Shape): number[] {
  if (node.attrs['axes'] === undefined) return x.filter((d) => d !== 1);
  const axes = attrInts(node, 'axes', []).map((a) => normAxis(node, a, x.length));
  if (new Set(axes).size !== axes.length) throw shapeError(node, `axes repeat an axis`);
  for (const a of axes) {
    if (x[a] !== 1 && x[a]! >= 0) throw shapeError(node, `cannot squeeze axis ${a} of size ${x[a]} in ${fmt(x)}`);
  }
  return x.filter((_, i) => !axes.includes(i));
}

export const Squeeze: OpDef = {
  type: 'Squeeze',
  kind: 'shape',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    return [squeezed(node, shapes[0]!)];
  },
  forward(k, inputs, node) {
    const x = inputs[0]!;
    return [k.reshape(x, squeezed(node, k.shape(x)))];
  },
  vjp(k, inputs, _outputs, dys) {
    return [k.reshape(dys[0]!, k.shape(inputs[0]!))];
  },
};
