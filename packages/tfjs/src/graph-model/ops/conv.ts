/**
 * Convolutions and pooling (NHWC): Conv2D, DepthwiseConv2dNative, the grappler-fused _FusedConv2D /
 * FusedDepthwiseConv2dNative (BiasAdd or FusedBatchNorm, then an activation), MaxPool, AvgPool.
 * TF filters are HWIO, the IR's NHWC Conv weights; a depthwise filter [kh, kw, C, m] is the grouped
 * filter [kh, kw, 1, C·m] with group C (same memory order).
 */
import type { NodeContext } from '../context.js';
import { ImportIssue, fmt, type Value } from '../values.js';
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

export const CONV_CONVERTERS: Readonly<Record<string, Converter>> = {
  Conv2D: plain(false),
  DepthwiseConv2dNative: plain(true),
  DepthwiseConv2d: plain(true),
  _FusedConv2D: fused(false),
  FusedDepthwiseConv2dNative: fused(true),
  MaxPool: pool('MaxPool'),
  MaxPoolV2: pool('MaxPool'),
  AvgPool: pool('AveragePool'),
};
