/** MaxPool (ONNX, 2-D): kernel_shape, strides, pads, ceil_mode, layout. Gradient to the first maximum. */
import type { OpDef } from '../op.js';
import { poolInferShapes } from './pool.js';
import { poolParams } from './util.js';

export const MaxPool: OpDef = {
  type: 'MaxPool',
  kind: 'pool',
  dataInputs: [0],
  inferShapes: poolInferShapes,
  forward(k, inputs, node) {
    const x = inputs[0]!;
    return [k.maxPool(x, poolParams(node, k.shape(x)))];
  },
  vjp(k, inputs, _outputs, dys, node) {
    const x = inputs[0]!;
    return [k.maxPoolBackprop(dys[0]!, x, poolParams(node, k.shape(x)))];
  },
};
