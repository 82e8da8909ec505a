/**
 * LogSoftmax (opset 13): y = x − logsumexp(x) along `axis` (default −1). Stable without a max kernel:
 * with s = softmax(x), every x_j − ln s_j equals logsumexp(x), so their s-weighted mean
 * Σ_j s_j (x_j − ln(s_j + 1e-30)) is logsumexp(x) (underflowed s_j contribute 0 instead of NaN).
 * VJP: dy − e^y · Σ_axis dy.
 */
import { attrNumber } from '../graph.js';
import type { OpDef } from '../op.js';
import { expectInputs, normAxis, scalarLike } from './util.js';

export const LogSoftmax: OpDef = {
  type: 'LogSoftmax',
  kind: 'activation',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    normAxis(node, attrNumber(node, 'axis', -1), shapes[0]!.length);
    return [[...shapes[0]!]];
  },
  forward(k, inputs, node) {
    const x = inputs[0]!;
    const axis = normAxis(node, attrNumber(node, 'axis', -1), k.shape(x).length);
    const s = k.softmax(x, axis);
    const logS = k.log(k.add(s, scalarLike(k, s, 1e-30)));
    const lse = k.sum(k.mul(s, k.sub(x, logS)), [axis], true);
    return [k.sub(x, lse)];
  },
  vjp(k, _inputs, outputs, dys, node) {
    const y = outputs[0]!;
    const dy = dys[0]!;
    const axis = normAxis(node, attrNumber(node, 'axis', -1), k.shape(y).length);
    return [k.sub(dy, k.mul(k.exp(y), k.sum(dy, [axis], true)))];
  },
};
