/**
 * BatchNormalization (ONNX, inference): y = scale·(x − mean)/√(var + ε) + B, per channel
 * (axis 1 for NCHW, last for NHWC). Folded into y = x·s + t with s = scale/√(var + ε),
 * t = B − mean·s, computed with kernels (no host read-back).
 */
import { attrLayout, attrNumber } from '../graph.js';
import type { GraphNode } from '../graph.js';
import type { Kernels } from '../kernels.js';
import type { OpDef } from '../op.js';
import { channelAxis, channelShape, expectInputs, fmt, shapeError, unsupported } from './util.js';

function folded<T>(k: Kernels<T>, inputs: readonly T[], node: GraphNode): { s: T; t: T } {
  const eps = attrNumber(node, 'epsilon', 1e-5);
  const rank = k.shape(inputs[0]!).length;
  const c = k.shape(inputs[1]!)[0]!;
  const shape = channelShape(c, rank, attrLayout(node));
  const std = k.sqrt(k.add(inputs[4]!, k.fill([], eps)));
  const s = k.div(inputs[1]!, std);
  const t = k.sub(inputs[2]!, k.mul(inputs[3]!, s));
  return { s: k.reshape(s, shape), t: k.reshape(t, shape) };
}

export const BatchNormalization: OpDef = {
  type: 'BatchNormalization',
  kind: 'normalization',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 5);
    if (node.outputs.length > 1 || attrNumber(node, 'training_mode', 0) !== 0) {
      throw unsupported(node, 'only inference mode (one output, training_mode 0) is supported');
    }
    const eps = attrNumber(node, 'epsilon', 1e-5);
    if (!(eps >= 0)) throw shapeError(node, `epsilon must be >= 0, got ${eps}`);
    const x = shapes[0]!;
    if (x.length < 2) throw shapeError(node, `input must have rank >= 2, got ${fmt(x)}`);
    const c = x[channelAxis(x.length, attrLayout(node))]!;
    for (const [i, name] of ['scale', 'B', 'mean', 'var'].entries()) {
      const s = shapes[i + 1]!;
      if (s.length !== 1 || (c >= 0 && s[0] !== c)) throw shapeError(node, `${name} must have shape [${c}], got ${fmt(s)}`);
    }
    return [[...x]];
  },
  forward(k, inputs, node) {
    const { s, t } = folded(k, inputs, node);
    return [k.add(k.mul(inputs[0]!, s), t)];
  },
  vjp(k, inputs, _outputs, dys, node) {
    const { s } = folded(k, inputs, node);
    return [k.mul(dys[0]!, s)];
  },
};
