/** AveragePool (ONNX, 2-D): kernel_shape, strides, pads, ceil_mode, count_include_pad, layout. */
import type { OpDef } from '../op.js';
import { poolInferShapes } from './pool.js';
import { poolParams } from './util.js';

export const AveragePool: OpDef = {
  type: 'AveragePool',
  kind: 'pool',
  dataInputs: [0],
  inferShapes: poolInferShapes,
  forward(k, inputs, node) {
    const x = inputs[0]!;
    return [k.avgPool(x, poolParams(node, k.shape(x)))];
  },
  vjp(k, inputs, _outputs, dys, node) {
    const shape = k.shape(inputs[0]!);
    return [k.avgPoolBackprop(dys[0]!, shape, poolParams(node, shape))];
  },
};
