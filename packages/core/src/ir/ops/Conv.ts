/**
 * Conv (ONNX, 2-D): cross-correlation with strides, pads [t,l,b,r], dilations, group and an
 * optional per-channel bias. Layout NCHW (weights OIHW) or NHWC (weights HWIO).
 */
import { attrInts, attrLayout } from '../graph.js';
import type { GraphNode } from '../graph.js';
import type { Conv2DParams } from '../kernels.js';
import type { OpDef } from '../op.js';
import {
  channelShape,
  expectInputs,
  expectRank,
  fmt,
  makeActivationShape,
  outSize,
  shapeError,
  spatialOf,
  convParams,
} from './util.js';
import type { Shape } from './util.js';

interface WeightInfo {
  readonly cout: number;
  readonly cinPerGroup: number;
  readonly kernel: [number, number];
}

function weightInfo(node: GraphNode, w: Shape): WeightInfo {
  const layout = attrLayout(node);
  const info: WeightInfo =
    layout === 'NCHW'
      ? { cout: w[0]!, cinPerGroup: w[1]!, kernel: [w[2]!, w[3]!] }
      : { cout: w[3]!, cinPerGroup: w[2]!, kernel: [w[0]!, w[1]!] };
  const ks = attrInts(node, 'kernel_shape', info.kernel);
  if (ks.length !== 2 || ks[0] !== info.kernel[0] || ks[1] !== info.kernel[1]) {
    throw shapeError(node, `kernel_shape ${fmt(ks)} does not match the weight shape ${fmt(w)}`);
  }
  return info;
}

function params(node: GraphNode, x: Shape, w: Shape): Conv2DParams {
  return convParams(node, x, weightInfo(node, w).kernel);
}

export const Conv: OpDef = {
  type: 'Conv',
  kind: 'linear',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 2, 3);
    const [x, w, b] = shapes as [Shape, Shape, Shape | undefined];
    expectRank(node, x, 4, 'input X');
    expectRank(node, w, 4, 'weight W');
    const layout = attrLayout(node);
    const info = weightInfo(node, w);
    const p = params(node, x, w);
    const { h, w: wd, c } = spatialOf(x, layout);
    if (info.cout % p.group !== 0) throw shapeError(node, `output channels ${info.cout} not divisible by group ${p.group}`);
    if (c >= 0 && c !== info.cinPerGroup * p.group) {
      throw shapeError(node, `input has ${c} channels but weight ${fmt(w)} with group ${p.group} expects ${info.cinPerGroup * p.group}`);
    }
    if (b !== undefined && (b.length !== 1 || b[0] !== info.cout)) {
      throw shapeError(node, `bias must have shape [${info.cout}], got ${fmt(b)}`);
    }
    const oh = outSize(node, h, info.kernel[0], p.strides[0], p.pads[0], p.pads[2], p.dilations[0], false);
    const ow = outSize(node, wd, info.kernel[1], p.strides[1], p.pads[1], p.pads[3], p.dilations[1], false);
    return [makeActivationShape(x[0]!, info.cout, oh, ow, layout)];
  },
  forward(k, inputs, node) {
    const x = inputs[0]!;
    const w = inputs[1]!;
    const b = inputs[2];
    const p = params(node, k.shape(x), k.shape(w));
    let y = k.conv2d(x, w, p);
    if (b !== undefined) y = k.add(y, k.reshape(b, channelShape(k.shape(b)[0]!, 4, p.layout)));
    return [y];
  },
  vjp(k, inputs, _outputs, dys, node, needed) {
    const x = inputs[0]!;
    const w = inputs[1]!;
    if (needed?.[0] === false) return [undefined];
    // Weights and bias are parameters: never differentiated.
    return [k.conv2dBackpropInput(dys[0]!, w, k.shape(x), params(node, k.shape(x), k.shape(w)))];
  },
};
