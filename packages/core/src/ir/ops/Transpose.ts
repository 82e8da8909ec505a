/** Transpose (ONNX): permute axes by `perm` (default: reverse). */
import { attrInts } from '../graph.js';
import type { GraphNode } from '../graph.js';
import type { OpDef } from '../op.js';
import { expectInputs, fmt, shapeError } from './util.js';

function permOf(node: GraphNode, rank: number): number[] {
  const fallback = Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const perm = attrInts(node, 'perm', fallback);
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((v, i) => v !== i)) {
    throw shapeError(node, `perm ${fmt(perm)} is not a permutation of ${rank} axes`);
  }
  return perm;
}

export const Transpose: OpDef = {
  type: 'Transpose',
  kind: 'shape',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    const x = shapes[0]!;
    return [permOf(node, x.length).map((p) => x[p]!)];
  },
  forward(k, inputs, node) {
    const x = inputs[0]!;
    return [k.transpose(x, permOf(node, k.shape(x).length))];
  },
  vjp(k, inputs, _outputs, dys, node) {
    const perm = permOf(node, k.shape(inputs[0]!).length);
    const inverse: number[] = [];
    perm.forEach((p, i) => (inverse[p] = i));
    return [k.transpose(dys[0]!, inverse)];
  },
};
