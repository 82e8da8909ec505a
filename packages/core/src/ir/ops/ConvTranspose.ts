/**
 * ConvTranspose (ONNX, 2-D): the input-gradient of a Conv whose weight is W read as a conv weight.
 * Inputs X, W, B?; attributes strides, pads [t,l,b,r], dilations, group, output_padding [h,w] (each
 * < stride or dilation), layout. NCHW: X [N,C_in,H,W], W [C_in, C_out/group, kh, kw] (ONNX);
 * NHWC: X [N,H,W,C_in], W [kh, kw, C_out/group, C_in] (TF conv2d_transpose). Output size per axis:
 * (in − 1)·s − p_begin − p_end + d·(k − 1) + output_padding + 1. auto_pad other than NOTSET/VALID and
 * output_shape are not supported (importers resolve them into pads).
 * VJP wrt X: the forward conv2d of dy with the same W and parameters (see `covered`).
 */
import { attrInts, attrLayout, attrNumber } from '../graph.js';
import type { GraphNode } from '../graph.js';
import type { Conv2DParams } from '../kernels.js';
import type { OpDef } from '../op.js';
import { channelShape, expectInputs, expectRank, fmt, makeActivationShape, shapeError, spatialOf, unsupported } from './util.js';
import type { Shape } from './util.js';

interface Geometry {
  readonly p: Conv2DParams;
  readonly cin: number;
  readonly cout: number;
  readonly kernel: [number, number];
  readonly outputPadding: [number, number];
}

function ints(node: GraphNode, key: string, fallback: number[], min: number): [number, number] {
  const v = attrInts(node, key, fallback);
  if (v.length !== 2 || v.some((e) => !Number.isInteger(e) || e < min)) {
    throw shapeError(node, `attribute ${key} must be 2 integers >= ${min}, got ${fmt(v)}`);
  }
  return v as [number, number];
}

function geometry(node: GraphNode, w: Shape): Geometry {
  const layout = attrLayout(node);
  const autoPad = node.attrs['auto_pad'];
  if (autoPad !== undefined && autoPad !== 'NOTSET' && autoPad !== 'VALID') {
    throw unsupported(node, `auto_pad ${String(autoPad)} is not supported (give explicit pads)`);
  }
  if (node.attrs['output_shape'] !== undefined) throw unsupported(node, 'output_shape is not supported (give explicit pads)');
  const group = attrNumber(node, 'group', 1);
  if (!Number.isInteger(group) || group < 1) throw shapeError(node, `attribute group must be a positive integer, got ${group}`);
  const [cin, coutPerGroup, kh, kw] = layout === 'NCHW' ? [w[0]!, w[1]!, w[2]!, w[3]!] : [w[3]!, w[2]!, w[0]!, w[1]!];
  const kernel: [number, number] = [kh, kw];
  const ks = attrInts(node, 'kernel_shape', kernel);
  if (ks.length !== 2 || ks[0] !== kh || ks[1] !== kw) {
    throw shapeError(node, `kernel_shape ${fmt(ks)} does not match the weight shape ${fmt(w)}`);
  }
  const strides = ints(node, 'strides', [1, 1], 1);
  const dilations = ints(node, 'dilations', [1, 1], 1);
  const padList = autoPad === 'VALID' ? [0, 0, 0, 0] : attrInts(node, 'pads', [0, 0, 0, 0]);
  if (padList.length !== 4 || padList.some((e) => !Number.isInteger(e) || e < 0)) {
    throw shapeError(node, `attribute pads must be 4 integers >= 0, got ${fmt(padList)}`);
  }
  const outputPadding = ints(node, 'output_padding', [0, 0], 0);
  for (let i = 0; i < 2; i++) {
    if (outputPadding[i]! >= Math.max(strides[i]!, dilations[i]!)) {
      throw shapeError(node, `output_padding ${fmt(outputPadding)} must be smaller than stride or dilation`);
    }
  }
  if (cin % group !== 0) throw shapeError(node, `input channels ${cin} of weight ${fmt(w)} not divisible by group ${group}`);
  const p: Conv2DParams = { strides, dilations, group, layout, pads: padList as [number, number, number, number] };
  return { p, cin, cout: coutPerGroup * group, kernel, outputPadding };
}

function outDim(g: Geometry, size: number, i: 0 | 1): number {
  if (size < 0) return -1;
  const { strides: s, dilations: d, pads } = g.p;
  return (size - 1) * s[i] - pads[i]! - pads[i + 2]! + d[i] * (g.kernel[i] - 1) + g.outputPadding[i] + 1;
}

function outputShape(node: GraphNode, x: Shape, g: Geometry): number[] {
  const { h, w, c } = spatialOf(x, g.p.layout);
  if (c >= 0 && c !== g.cin) throw shapeError(node, `input has ${c} channels but the weight expects ${g.cin}`);
  const oh = outDim(g, h, 0);
  const ow = outDim(g, w, 1);
  if ((h >= 0 && oh < 1) || (w >= 0 && ow < 1)) throw shapeError(node, `output size ${oh}×${ow} is empty (pads too large)`);
  return makeActivationShape(x[0]!, g.cout, oh, ow, g.p.layout);
}

/**
 * output_padding lengthens the end: it is the end pad reduced by output_padding, so that the conv of
 * the output exactly reproduces the input size. Where output_padding exceeds the end pad, the rows
 * beyond every window are zeros: the kernel computes the covered part and the op pads `extra` zeros.
 */
function covered(out: Shape, g: Geometry): { p: Conv2DParams; shape: number[]; extra: [number, number] } {
  const [t, l, b, r] = g.p.pads;
  const extra: [number, number] = [Math.max(0, g.outputPadding[0] - b), Math.max(0, g.outputPadding[1] - r)];
  const pads: [number, number, number, number] = [t, l, Math.max(0, b - g.outputPadding[0]), Math.max(0, r - g.outputPadding[1])];
  const { h, w, c } = spatialOf(out, g.p.layout);
  return { p: { ...g.p, pads }, shape: makeActivationShape(out[0]!, c, h - extra[0], w - extra[1], g.p.layout), extra };
}

/** ONNX-order pads adding `extra` rows/columns at the bottom/right of a rank-4 activation. */
function padsAtEnd(extra: [number, number], layout: Conv2DParams['layout']): number[] {
  return layout === 'NCHW' ? [0, 0, 0, 0, 0, 0, extra[0], extra[1]] : [0, 0, 0, 0, 0, extra[0], extra[1], 0];
}

export const ConvTranspose: OpDef = {
  type: 'ConvTranspose',
  kind: 'linear',
  dataInputs: [0],
  inferShapes(shapes, node) {
    expectInputs(node, shapes, 2, 3);
    const [x, w, b] = shapes as [Shape, Shape, Shape | undefined];
    expectRank(node, x, 4, 'input X');
    expectRank(node, w, 4, 'weight W');
    const g = geometry(node, w);
    if (b !== undefined && (b.length !== 1 || b[0] !== g.cout)) throw shapeError(node, `bias must have shape [${g.cout}], got ${fmt(b)}`);
    return [outputShape(node, x, g)];
  },
  forward(k, inputs, node) {
    const x = inputs[0]!;
    const w = inputs[1]!;
    const b = inputs[2];
    const g = geometry(node, k.shape(w));
    const { p, shape, extra } = covered(outputShape(node, k.shape(x), g), g);
    let y = k.conv2dBackpropInput(x, w, shape, p);
    if (extra.some((e) => e > 0)) y = k.pad(y, padsAtEnd(extra, g.p.layout), 0);
    if (b !== undefined) y = k.add(y, k.reshape(b, channelShape(g.cout, 4, g.p.layout)));
    return [y];
  },
  vjp(k, inputs, _outputs, dys, node, needed) {
    if (needed?.[0] === false) return [undefined];
    const x = inputs[0]!;
    const g = geometry(node, k.shape(inputs[1]!));
    const { p, extra } = covered(outputShape(node, k.shape(x), g), g);
    const dy = extra.some((e) => e > 0) ? k.pad(dys[0]!, padsAtEnd(extra, g.p.layout).map((v) => -v), 0) : dys[0]!;
    return [k.conv2d(dy, inputs[1]!, p)];
  },
};
