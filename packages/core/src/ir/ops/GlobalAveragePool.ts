/** GlobalAveragePool (ONNX): mean over the spatial dimensions, kept as 1×1. */
import { attrLayout } from '../graph.js';
import type { GraphNode } from '../graph.js';
import type { OpDef } from '../op.js';
import { expectInputs, expectRank, makeActivationShape, scale, spatialOf } from './util.js';

function spatialAxes(node: GraphNode): number[] {
  return attrLayout(node) === 'NCHW' ? [2, 3] : [1, 2];
}

export const GlobalAveragePool: OpDef = {
  type: 'GlobalAveragePool',
  kind: 'pool',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 1);
    const x = shapes[0]!;
    expectRank(node, x, 4, 'input X');
    const layout = attrLayout(node);
    return [makeActivationShape(x[0]!, spatialOf(x, layout).c, 1, 1, layout)];
  },
  forward(k, inputs, node) {
    const x = inputs[0]!;
    const { h, w } = spatialOf(k.shape(x), attrLayout(node));
    return [scale(k, k.sum(x, spatialAxes(node), true), 1 / (h * w))];
  },
  vjp(k, inputs, _outputs, dys, node) {
    const shape = k.shape(inputs[0]!);
    const { h, w } = spatialOf(shape, attrLayout(node));
    return [k.broadcastTo(scale(k, dys[0]!, 1 / (h * w)), shape)];
  },
};
