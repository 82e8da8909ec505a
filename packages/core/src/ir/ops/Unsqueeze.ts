/** Unsqueeze with attribute `axes` (required; normalised against the output rank): inserts size-1 dims. */
import { attrInts } from '../graph.js';
import type { GraphNode } from '../graph.js';
import type { OpDef } from '../op.js';
import { expectInputs, normAxis, shapeError } from './util.js';
import type { Shape } from './util.js';

function unsqueezed(node: GraphNode, x: Shape): number[] {
  if (!Array.isArray(node.attrs['axes'])) throw shapeError(node, 'attribute axes (a list of integers) is required');
  const rank = x.length + attrInts(node, 'axes', []).length;
  const axes = attrInts(node, 'axes', []).map((a) => normAxis(node, a, rank));
  if (new Set(axes).size !== axes.length) throw shapeError(node, 'axes repeat an axis');
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : x[j++]!);
  return out;
}

export const Unsqueeze: OpDef = {
  type: 'Unsqueeze',
  kind: 'shape',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    return [unsqueezed(node, shapes[0]!)];
  },
  forward(k, inputs, node) {
    const x = inputs[0]!;
    return [k.reshape(x, unsqueezed(node, k.shape(x)))];
  },
  vjp(k, inputs, _outputs, dys) {
    return [k.reshape(dys[0]!, k.shape(inputs[0]!))];
  },
};
