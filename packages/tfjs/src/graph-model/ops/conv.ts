/**
 * Convolutions and pooling (NHWC): Conv2D, DepthwiseConv2dNative, the grappler-fused _FusedConv2D /
 * FusedDepthwiseConv2dNative (BiasAdd or FusedBatchNorm, then an activation), Conv2DBackpropInput
 * (transposed convolution, IR ConvTranspose), MaxPool, AvgPool, and Max over both spatial axes
 * (global max pooling) as a MaxPool over the whole image.
 * TF filters are HWIO, the IR's NHWC Conv weights; a depthwise filter [kh, kw, C, m] is the grouped
 * filter [kh, kw, 1, C·m] with group C (same memory order).
 */
import type { NodeContext } from '../context.js';
import { ImportIssue, fmt, listsOf, shapesOf, type Value } from '../values.js';
import { activation, hw, requireNhwc, spatial, tfPads, type Converter } from './common.js';

interface ConvOptions {
  readonly depthwise: boolean;
  readonly bias?: Value;
  /** Role of the Conv node (absent: it is the TF node's main node). */
  readonly role?: string;
}

function conv(n: NodeContext, o: ConvOptions): Value {
  requireNhwc(n);
  const x = n.input(0, 'input');
  const size = spatial(x);
  const filter = n.constArr(1, 'filter');
  if (filter.shape.length !== 4) throw new ImportIssue(`filter must be [kh, kw, in, out], got ${fmt(filter.shape)}`);
  const [kh, kw, fin, fout] = filter.shape as [number, number, number, number];
  const cin = (x.kind === 'runtime' ? x.shapes[0] : [])[3] ?? -1;
  if (cin < 0) throw new ImportIssue('the number of input channels must be known');
  let weight: Value;
  let group: number;
  if (o.depthwise) {
    if (fin !== cin) throw new ImportIssue(`depthwise filter ${fmt(filter.shape)} does not match ${cin} input channels`);
    weight = n.constant('filter', { kind: 'float', shape: [kh, kw, 1, fin * fout], data: filter.data });
    group = cin;
  } else {
    if (cin % fin !== 0) throw new ImportIssue(`filter ${fmt(filter.shape)} does not divide ${cin} input channels`);
    weight = n.input(1);
    group = cin / fin;
  }
  const strides = hw(n, 'strides', 1);
  const dilations = hw(n, 'dilations', 1);
  const pads = tfPads(n, size, [kh, kw], strides, dilations);
  const attrs = { layout: 'NHWC', kernel_shape: [kh, kw], strides, dilations, pads, group };
  const inputs = o.bias ? [x, weight, o.bias] : [x, weight];
  return n.emit('Conv', inputs, attrs, o.role === undefined ? {} : { role: o.role });
}

function biasVector(n: NodeContext, i: number): Value {
  const b = n.constArr(i, 'bias');
  if (b.shape.length !== 1) throw new ImportIssue(`bias must be a vector, got ${fmt(b.shape)}`);
  return n.input(i);
}

const plain =
  (depthwise: boolean): Converter =>
  (n) =>
    n.bind(0, conv(n, { depthwise }));

/** fused_ops = [BiasAdd | FusedBatchNorm, activation?] or [activation]. */
const fused =
  (depthwise: boolean): Converter =>
  (n) => {
    const ops = n.attrs.strings('fused_ops', []).map((s) => s.toLowerCase());
    const numArgs = n.attrs.int('num_args', n.inputs.length - 2);
    if (n.inputs.length !== 2 + numArgs) throw new ImportIssue(`has ${n.inputs.length} inputs but num_args ${numArgs}`);
    let rest = ops;
    let y: Value;
    let args = 2;
    const actAfter = (r: string[]) => r.length > 0;
    if (ops[0] === 'biasadd') {
      rest = ops.slice(1);
      y = conv(n, { depthwise, bias: biasVector(n, 2), ...(actAfter(rest) ? { role: 'linear' } : {}) });
      args = 3;
    } else if (ops[0] === 'fusedbatchnorm') {
      rest = ops.slice(1);
      if (numArgs !== 4) throw new ImportIssue(`FusedBatchNorm fusion needs 4 arguments (scale, offset, mean, variance), got ${numArgs}`);
      const c = conv(n, { depthwise, role: 'conv' });
      const bn = [2, 3, 4, 5].map((i) => n.input(i));
      const attrs = { layout: 'NHWC', epsilon: n.attrs.float('epsilon', 1e-4) };
      y = n.emit('BatchNormalization', [c, ...bn], attrs, actAfter(rest) ? { role: 'batchnorm' } : {});
      args = 6;
    } else {
      y = conv(n, { depthwise, ...(actAfter(rest) ? { role: 'linear' } : {}) });
    }
    if (rest.length > 1) throw new ImportIssue(`fused_ops ${JSON.stringify(ops)} has more than one activation`);
    if (rest.length === 1) {
      const kind = rest[0]!;
      const leakyAlpha = n.attrs.float('leakyrelu_alpha', 0.2);
      const preluAlpha = kind === 'prelu' ? n.input(args, 'prelu alpha') : undefined;
      y = activation(n, y, { kind, leakyAlpha, ...(preluAlpha ? { preluAlpha } : {}) }, true);
    }
    n.bind(0, y);
  };

const pool =
  (op: 'MaxPool' | 'AveragePool'): Converter =>
  (n) => {
    requireNhwc(n);
    const x = n.input(0, 'input');
    const kernel = n.op === 'MaxPoolV2' ? twoOf(n.constInts(1, 'ksize'), 'ksize') : hw(n, 'ksize', 1);
    const strides = n.op === 'MaxPoolV2' ? twoOf(n.constInts(2, 'strides'), 'strides') : hw(n, 'strides', 1);
    const pads = tfPads(n, spatial(x), kernel, strides);
    const attrs = { layout: 'NHWC', kernel_shape: kernel, strides, pads, ...(op === 'AveragePool' ? { count_include_pad: 0 } : {}) };
    n.bind(0, n.emit(op, [x], attrs));
  };

function twoOf(v: number[], what: string): [number, number] {
  if (v.length !== 4 || v[0] !== 1 || v[3] !== 1) throw new ImportIssue(`${what} ${fmt(v)} must be [1, h, w, 1]`);
  return [v[1]!, v[2]!];
}

/**
 * Conv2DBackpropInput(input_sizes, filter [kh, kw, out, in], x): the IR ConvTranspose (NHWC weights
 * are TF's filter as is) with the forward convolution's pads for the requested output size, and
 * output_padding for what the stride leaves over.
 */
const conv2dTranspose: Converter = (n) => {
  requireNhwc(n);
  const x = n.input(2, 'out_backprop');
  const [inH, inW] = spatial(x);
  const filter = n.constArr(1, 'filter');
  if (filter.shape.length !== 4) throw new ImportIssue(`filter must be [kh, kw, out, in], got ${fmt(filter.shape)}`);
  const [kh, kw, cout, cin] = filter.shape as [number, number, number, number];
  if (shapesOf(x)[0][3] !== cin) throw new ImportIssue(`filter ${fmt(filter.shape)} does not match ${shapesOf(x)[0][3]} input channels`);
  const [s0, s1] = listsOf(n.input(0, 'input_sizes'), 'input_sizes');
  if (s0.length !== 4 || s0[1] !== s1[1] || s0[2] !== s1[2] || s0[3] !== s1[3]) {
    throw new ImportIssue(`input_sizes ${fmt(s0)} must be [N, H, W, C] with a constant H, W and C`);
  }
  if (s0[3] !== cout) throw new ImportIssue(`input_sizes ${fmt(s0)} does not match the filter's ${cout} output channels`);
  const strides = hw(n, 'strides', 1);
  const dilations = hw(n, 'dilations', 1);
  if (dilations[0] !== 1 || dilations[1] !== 1) throw new ImportIssue('dilated transposed convolutions are not supported');
  const out: [number, number] = [s0[1]!, s0[2]!];
  // The pads of the forward convolution out -> in.
  const pads = tfPads(n, out, [kh, kw], strides);
  const outputPadding = [0, 1].map((i) => out[i]! - ((i === 0 ? inH : inW) - 1) * strides[i]! + pads[i]! + pads[i + 2]! - (i === 0 ? kh : kw));
  if (outputPadding.some((p, i) => p < 0 || p >= strides[i]!)) {
    throw new ImportIssue(`output size ${fmt(out)} is not reachable from input ${fmt([inH, inW])} with strides ${fmt(strides)}`);
  }
  const attrs = { layout: 'NHWC', kernel_shape: [kh, kw], strides, pads, output_padding: outputPadding };
  n.bind(0, n.emit('ConvTranspose', [x, n.input(1)], attrs));
};

/** Max over axes [1, 2] of an NHWC activation: a MaxPool with the image as window (+ Squeeze). */
const globalMax: Converter = (n) => {
  const x = n.input(0, 'input');
  const rank = shapesOf(x)[0].length;
  const axes = n.constInts(1, 'axis').map((a) => (a < 0 ? a + rank : a)).sort();
  if (rank !== 4 || axes.join() !== '1,2') {
    throw new ImportIssue(`Max over axes ${fmt(axes)} of a rank-${rank} activation has no IR op (only over [1, 2] of NHWC: global max pooling)`);
  }
  const [h, w] = spatial(x);
  const keep = n.attrs.bool('keep_dims', false);
  const attrs = { layout: 'NHWC', kernel_shape: [h, w], strides: [1, 1], pads: [0, 0, 0, 0] };
  const pooled = n.emit('MaxPool', [x], attrs, keep ? {} : { role: 'pool' });
  n.bind(0, keep ? pooled : n.emit('Squeeze', [pooled], { axes: [1, 2] }));
};

export const CONV_CONVERTERS: Readonly<Record<string, Converter>> = {
  Conv2D: plain(false),
  DepthwiseConv2dNative: plain(true),
  DepthwiseConv2d: plain(true),
  _FusedConv2D: fused(false),
  FusedDepthwiseConv2dNative: fused(true),
  Conv2DBackpropInput: conv2dTranspose,
  MaxPool: pool('MaxPool'),
  MaxPoolV2: pool('MaxPool'),
  AvgPool: pool('AveragePool'),
  Max: globalMax,
};
