/** Shared shape inference for MaxPool / AveragePool. */
import type { GraphNode } from '../graph.js';
import { expectInputs, expectRank, makeActivationShape, outSize, poolParams, spatialOf, unsupported } from './util.js';
import type { Shape } from './util.js';

export function poolInferShapes(shapes: readonly Shape[], node: GraphNode): number[][] {
  expectInputs(node, shapes, 1);
  if (node.outputs.length > 1) throw unsupported(node, 'the optional Indices output is not supported');
  const x = shapes[0]!;
  expectRank(node, x, 4, 'input X');
  const p = poolParams(node, x);
  const { h, w, c } = spatialOf(x, p.layout);
  const oh = outSize(node, h, p.kernel[0], p.strides[0], p.pads[0], p.pads[2], 1, p.ceilMode);
  const ow = outSize(node, w, p.kernel[1], p.strides[1], p.pads[1], p.pads[3], 1, p.ceilMode);
  return [makeActivationShape(x[0]!, c, oh, ow, p.layout)];
}
