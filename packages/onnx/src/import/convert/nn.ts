/** Converters: Gemm, MatMul, Conv, ConvTranspose, pools, BatchNormalization, LayerNormalization. */
import type { NodeContext } from '../context.js';
import { BlockedError, fmt, type Value } from '../values.js';
import type { Converter } from './types.js';

const NCHW = 'NCHW';

export function shapesOf(v: Value): readonly [readonly number[], readonly number[]] {
  if (v.kind === 'runtime') return v.shapes;
  if (v.kind === 'const') return [v.w[0].shape, v.w[1].shape];
  throw new BlockedError('input shape is unknown');
}

/** Known (batch-independent) spatial size [H, W] of a rank-4 NCHW tensor. */
function spatial(n: NodeContext, v: Value): [number, number] {
  const [s0, s1] = shapesOf(v);
  if (s0.length !== 4) throw new BlockedError(`only 2-D ${n.op} (rank-4 NCHW input) is supported, got input shape ${fmt(s0)}`);
  const h = s0[2]!;
  const w = s0[3]!;
  if (h < 0 || w < 0 || h !== s1[2] || w !== s1[3]) throw new BlockedError(`${n.op} needs a known spatial size, got ${fmt(s0)}`);
  return [h, w];
}

function pair(n: NodeContext, name: string, fallback: number): [number, number] {
  const v = n.attrs.ints(name);
  if (v === undefined) return [fallback, fallback];
  if (v.length !== 2) throw new BlockedError(`attribute ${name} ${fmt(v)} must have 2 entries (2-D only)`);
  return [v[0]!, v[1]!];
}

/** Explicit pads [t, l, b, r] from pads / auto_pad (SAME_* resolved from the known input size). */
function explicitPads(n: NodeContext, hw: [number, number], kernel: [number, number], strides: [number, number], dilations: [number, number]): number[] {
  const autoPad = n.attrs.string('auto_pad', 'NOTSET');
  if (autoPad === 'NOTSET') {
    const pads = n.attrs.ints('pads') ?? [0, 0, 0, 0];
    if (pads.length !== 4) throw new BlockedError(`attribute pads ${fmt(pads)} must have 4 entries (2-D only)`);
    return pads;
  }
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') throw new BlockedError(`auto_pad ${autoPad} is not supported`);
  const begin: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < 2; i++) {
    const eff = (kernel[i]! - 1) * dilations[i]! + 1;
    const out = Math.ceil(hw[i]! / strides[i]!);
    const total = Math.max((out - 1) * strides[i]! + eff - hw[i]!, 0);
    const small = Math.floor(total / 2);
    begin.push(autoPad === 'SAME_UPPER' ? small : total - small);
    end.push(autoPad === 'SAME_UPPER' ? total - small : small);
  }
  return [begin[0]!, begin[1]!, end[0]!, end[1]!];
}

function weightKernel(n: NodeContext, w: Value): [number, number] {
  const [s] = shapesOf(w);
  if (s.length !== 4) throw new BlockedError(`only 2-D ${n.op} is supported (weight shape ${fmt(s)})`);
  return [s[2]!, s[3]!];
}

const conv: Converter = (n) => {
  const x = n.required(0, 'X');
  const w = n.required(1, 'W');
  const hw = spatial(n, x);
  const kernel = weightKernel(n, w);
  const strides = pair(n, 'strides', 1);
  const dilations = pair(n, 'dilations', 1);
  const pads = explicitPads(n, hw, kernel, strides, dilations);
  const operands = n.has(2) ? [x, w, n.required(2)] : [x, w];
  n.emitOutput('Conv', operands, { strides, pads, dilations, group: n.attrs.int('group', 1), layout: NCHW });
};

const convTranspose: Converter = (n) => {
  const x = n.required(0, 'X');
  const w = n.required(1, 'W');
  const hw = spatial(n, x);
  const kernel = weightKernel(n, w);
  const strides = pair(n, 'strides', 1);
  const dilations = pair(n, 'dilations', 1);
  const outputPadding = pair(n, 'output_padding', 0);
  const autoPad = n.attrs.string('auto_pad', 'NOTSET');
  let outputShape = n.attrs.ints('output_shape');
  if (outputShape !== undefined && outputShape.length > 2) outputShape = outputShape.slice(-2);
  if (outputShape === undefined && (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER')) outputShape = [hw[0] * strides[0], hw[1] * strides[1]];
  let pads: number[];
  if (outputShape !== undefined) {
    const begin: number[] = [];
    const end: number[] = [];
    for (let i = 0; i < 2; i++) {
      const full = strides[i]! * (hw[i]! - 1) + outputPadding[i]! + (kernel[i]! - 1) * dilations[i]! + 1;
      const total = full - outputShape[i]!;
      if (total < 0) throw new BlockedError(`output_shape ${fmt(outputShape)} is larger than the full transposed convolution`);
      const half = Math.floor(total / 2);
      // As ONNX Runtime: SAME_UPPER puts the odd padding at the end, otherwise at the beginning.
      begin.push(autoPad === 'SAME_UPPER' ? half : total - half);
      end.push(autoPad === 'SAME_UPPER' ? total - half : half);
    }
    pads = [begin[0]!, begin[1]!, end[0]!, end[1]!];
  } else if (autoPad === 'VALID' || autoPad === 'NOTSET') {
    pads = autoPad === 'VALID' ? [0, 0, 0, 0] : (n.attrs.ints('pads') ?? [0, 0, 0, 0]);
    if (pads.length !== 4) throw new BlockedError(`attribute pads ${fmt(pads)} must have 4 entries (2-D only)`);
  } else throw new BlockedError(`auto_pad ${autoPad} is not supported`);
  const operands = n.has(2) ? [x, w, n.required(2)] : [x, w];
  n.emitOutput('ConvTranspose', operands, {
    strides,
    pads,
    dilations,
    group: n.attrs.int('group', 1),
    output_padding: outputPadding,
    layout: NCHW,
  });
};

function pool(op: 'MaxPool' | 'AveragePool'): Converter {
  return (n) => {
    const x = n.required(0, 'X');
    if (op === 'MaxPool') n.requireUnused(1, 'MaxPool Indices are not supported');
    const hw = spatial(n, x);
    if (!n.attrs.has('kernel_shape')) throw new BlockedError('kernel_shape is required');
    const kernel = pair(n, 'kernel_shape', 0);
    const strides = pair(n, 'strides', 1);
    const dilations = pair(n, 'dilations', 1);
    if (dilations[0] !== 1 || dilations[1] !== 1) throw new BlockedError(`pooling with dilations ${fmt(dilations)} is not supported`);
    const pads = explicitPads(n, hw, kernel, strides, dilations);
    const attrs: Record<string, number | string | number[]> = {
      kernel_shape: kernel,
      strides,
      pads,
      ceil_mode: n.attrs.int('ceil_mode', 0),
      layout: NCHW,
    };
    if (op === 'AveragePool') attrs['count_include_pad'] = n.attrs.int('count_include_pad', 0);
    n.emitOutput(op, [x], attrs);
  };
}

const globalMaxPool: Converter = (n) => {
  const x = n.required(0, 'X');
  const hw = spatial(n, x);
  n.emitOutput('MaxPool', [x], { kernel_shape: hw, strides: [1, 1], pads: [0, 0, 0, 0], layout: NCHW });
};

const batchNorm: Converter = (n) => {
  if (n.attrs.int('training_mode', 0) !== 0) throw new BlockedError('training_mode = 1 is not supported');
  n.requireUnused(1, 'running statistics outputs (training mode) are not supported');
  const ins = [0, 1, 2, 3, 4].map((i) => n.required(i, ['X', 'scale', 'B', 'mean', 'var'][i]));
  n.emitOutput('BatchNormalization', ins, { epsilon: n.attrs.float('epsilon', 1e-5), layout: NCHW });
};

const layerNorm: Converter = (n) => {
  n.requireUnused(1, 'Mean / InvStdDev outputs are not supported');
  const operands = n.has(2) ? [n.required(0), n.required(1), n.required(2)] : [n.required(0), n.required(1)];
  n.emitOutput('LayerNormalization', operands, { axis: n.attrs.int('axis', -1), epsilon: n.attrs.float('epsilon', 1e-5) });
};

export const NN_CONVERTERS: Readonly<Record<string, Converter>> = {
  Gemm: (n) => {
    const operands = n.has(2) ? [n.required(0), n.required(1), n.required(2)] : [n.required(0), n.required(1)];
    n.emitOutput('Gemm', operands, {
      alpha: n.attrs.float('alpha', 1),
      beta: n.attrs.float('beta', 1),
      transA: n.attrs.int('transA', 0),
      transB: n.attrs.int('transB', 0),
    });
  },
  MatMul: (n) => n.emitOutput('MatMul', [n.required(0), n.required(1)], {}),
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool('MaxPool'),
  AveragePool: pool('AveragePool'),
  GlobalAveragePool: (n) => n.emitOutput('GlobalAveragePool', [n.required(0)], { layout: NCHW }),
  GlobalMaxPool: globalMaxPool,
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
};
