/** Softmax (opset 13): along one axis (default −1). VJP: y ⊙ (dy − Σ_axis dy ⊙ y). */
import { attrNumber } from '../graph.js';
import type { OpDef } from '../op.js';
import { expectInputs, normAxis } from './util.js';

export const Softmax: OpDef = {
  type: 'Softmax',
  kind: 'activation',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    normAxis(node, attrNumber(node, 'axis', -1), shapes[0]!.length);
    return [[...shapes[0]!]];
  },
  forward(k, inputs, node) {
    const x = inputs[0]!;
    return [k.softmax(x, normAxis(node, attrNumber(node, 'axis', -1), k.shape(x).length))];
  },
  vjp(k, _inputs, outputs, dys, node) {
    const y = outputs[0]!;
    const dy = dys[0]!;
    const axis = normAxis(node, attrNumber(node, 'axis', -1), k.shape(y).length);
    const dot = k.sum(k.mul(dy, y), [axis], true);
    return [k.mul(y, k.sub(dy, dot))];
  },
};
