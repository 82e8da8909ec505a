/**
 * Issue 3's op list end to end on generated ONNX models (ONNX-native form: constant operands as
 * initializers at opsets 13–20), through fromOnnx on BOTH runtimes (onnx-node, onnx-web):
 *  1. forward (the original bytes in ONNX Runtime) equals core's reference executor on the imported
 *     graph (1e-5 relative + 1e-6 absolute);
 *  2. the emitted input gradient of <seed, f(x)> equals central finite differences through the SAME
 *     runtime's forward (step 1e-2; 5e-3 relative + 5e-4 absolute, observed worst ≈ 1.5e-3 relative
 *     and 9e-5 absolute; inputs kept away from kinks and, for MaxPool, all distinct) — and a 5%
 *     error in the gradient must fail that check (a seed scaled by 1.03 fails every case);
 *  3. the emitted input gradient equals the reference executor's (1e-4 relative + 1e-5 absolute).
 */
import { createReferenceModel, createRng, type Model, type Tensor } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { importOnnxModel } from '../src/import/index.js';
import { decodeModel, fromOnnx, type OnnxRuntimeName } from '../src/index.js';
import { OnnxBuilder, float, randomTensor } from './helpers/onnx-builder.js';
import { expectAllClose, finiteDifferenceGradient, worstViolation } from './support/finite-difference.js';

interface InputSpec {
  readonly scale?: number;
  /** Values within `margin` of these points are moved 2·margin away (kinks of Relu, Clip...). */
  readonly kinks?: readonly number[];
  readonly positive?: boolean;
  /** Every value of an example distinct, spaced 0.05 apart (max-pool ties). */
  readonly distinct?: boolean;
}

interface Case {
  readonly label: string;
  readonly bytes: () => Uint8Array;
  /** Full input shape, batch first. */
  readonly x: readonly number[];
  readonly input?: InputSpec;
}

const FD_STEP = 1e-2;
const FD_TOL = { rel: 5e-3, abs: 5e-4 };
const FWD_TOL = { rel: 1e-5, abs: 1e-6 };
const REF_TOL = { rel: 1e-4, abs: 1e-5 };

function makeInput(shape: readonly number[], spec: InputSpec = {}, seed = 11): Tensor {
  const x = randomTensor(shape, seed, spec.scale ?? 1);
  if (spec.distinct) {
    const n = shape[0]!;
    const d = x.data.length / n;
    const rng = createRng(seed);
    for (let b = 0; b < n; b++) {
      const v = Array.from({ length: d }, (_, i) => (i - d / 2) * 0.05);
      for (let i = d - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [v[i], v[j]] = [v[j]!, v[i]!];
      }
      x.data.set(v, b * d);
    }
  }
  if (spec.positive) x.data.forEach((v, i) => (x.data[i] = 0.3 + Math.abs(v) * 1.7));
  const margin = 0.05;
  for (const k of spec.kinks ?? []) {
    x.data.forEach((v, i) => {
      if (Math.abs(v - k) < margin) x.data[i] = k + (v >= k ? 2 : -2) * margin;
    });
  }
  return x;
}

/** A model with input x [N, ...shape] and output y; `body` adds nodes reading 'x' and writing 'y'. */
function model(opset: number, shape: readonly number[], body: (b: OnnxBuilder) => void): Uint8Array {
  const b = new OnnxBuilder(opset).input('x', ['N', ...shape]).output('y');
  body(b);
  return b.build();
}

/** x → op(x, ...extra) → post (e.g. Tanh) → y. */
function single(opset: number, shape: readonly number[], op: string, attrs: Parameters<OnnxBuilder['node']>[3] = {}, extra: (b: OnnxBuilder) => string[] = () => [], post?: string): Uint8Array {
  return model(opset, shape, (b) => {
    const ins = extra(b);
    b.node(op, ['x', ...ins], [post ? 'h' : 'y'], attrs, `${op.toLowerCase()}_node`);
    if (post) b.node(post, ['h'], ['y'], {}, 'post');
  });
}

/** x → Tanh → op → y (for ops that are the identity at inference). */
function afterTanh(opset: number, shape: readonly number[], op: string, attrs: Parameters<OnnxBuilder['node']>[3] = {}, extra: (b: OnnxBuilder) => string[] = () => []): Uint8Array {
  return model(opset, shape, (b) => {
    const ins = extra(b);
    b.node('Tanh', ['x'], ['t'], {}, 'pre').node(op, ['t', ...ins], ['y'], attrs, `${op.toLowerCase()}_node`);
  });
}

const ints = (b: OnnxBuilder, name: string, values: number[], dims?: number[]): string => (b.ints(name, values, dims), name);
const w = (b: OnnxBuilder, name: string, shape: number[], values?: number[]): string => (b.init(name, shape, values), name);

const CASES: Case[] = [
  { label: 'Gemm (transB, alpha, beta, bias)', x: [3, 4], bytes: () => single(13, [4], 'Gemm', { transB: 1, alpha: float(0.5), beta: float(2) }, (b) => [w(b, 'W', [3, 4]), w(b, 'B', [3])], 'Tanh') },
  { label: 'MatMul (3-D x 2-D)', x: [2, 2, 4], bytes: () => single(13, [2, 4], 'MatMul', {}, (b) => [w(b, 'W', [4, 3])], 'Tanh') },
  {
    label: 'Conv (groups, pads, strides, bias)',
    x: [2, 4, 5, 5],
    bytes: () => single(13, [4, 5, 5], 'Conv', { group: 2, pads: [1, 1, 1, 1], strides: [2, 2] }, (b) => [w(b, 'W', [6, 2, 3, 3]), w(b, 'B', [6])], 'Tanh'),
  },
  {
    label: 'ConvTranspose (groups, strides, pads, output_padding)',
    x: [2, 4, 3, 3],
    bytes: () => single(13, [4, 3, 3], 'ConvTranspose', { group: 2, strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, (b) => [w(b, 'W', [4, 2, 3, 3]), w(b, 'B', [4])], 'Tanh'),
  },
  { label: 'MaxPool (overlapping, pads)', x: [2, 2, 5, 5], input: { distinct: true }, bytes: () => single(13, [2, 5, 5], 'MaxPool', { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, () => [], 'Tanh') },
  { label: 'AveragePool (pads, count_include_pad 0)', x: [2, 2, 5, 5], bytes: () => single(13, [2, 5, 5], 'AveragePool', { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, () => [], 'Tanh') },
  { label: 'GlobalAveragePool', x: [2, 3, 4, 5], bytes: () => single(13, [3, 4, 5], 'GlobalAveragePool', {}, () => [], 'Tanh') },
  { label: 'Relu', x: [3, 6], input: { kinks: [0] }, bytes: () => single(13, [6], 'Relu') },
  { label: 'LeakyRelu (alpha 0.2)', x: [3, 6], input: { kinks: [0] }, bytes: () => single(13, [6], 'LeakyRelu', { alpha: float(0.2) }) },
  {
    label: 'Clip (ReLU6, min/max initializers)',
    x: [3, 6],
    input: { scale: 8, kinks: [0, 6] },
    bytes: () => single(13, [6], 'Clip', {}, (b) => [w(b, 'lo', [], [0]), w(b, 'hi', [], [6])]),
  },
  { label: 'Sigmoid', x: [3, 6], input: { scale: 3 }, bytes: () => single(13, [6], 'Sigmoid') },
  { label: 'Tanh', x: [3, 6], input: { scale: 2 }, bytes: () => single(13, [6], 'Tanh') },
  { label: 'Softmax (axis 1 of rank 3)', x: [2, 3, 4], input: { scale: 2 }, bytes: () => single(13, [3, 4], 'Softmax', { axis: 1 }) },
  { label: 'LogSoftmax (last axis)', x: [2, 3, 4], input: { scale: 2 }, bytes: () => single(13, [3, 4], 'LogSoftmax') },
  { label: 'Erf', x: [3, 6], input: { scale: 1.5 }, bytes: () => single(13, [6], 'Erf') },
  { label: 'Gelu (opset 20)', x: [3, 6], input: { scale: 2 }, bytes: () => single(20, [6], 'Gelu') },
  { label: 'Gelu tanh approximation (opset 20)', x: [3, 6], input: { scale: 2 }, bytes: () => single(20, [6], 'Gelu', { approximate: 'tanh' }) },
  {
    label: 'Add (activation + broadcast activation, + broadcast initializer)',
    x: [2, 3, 4],
    bytes: () =>
      model(13, [3, 4], (b) => {
        b.init('c', [4]);
        b.node('ReduceMean', ['x'], ['m'], { axes: [2], keepdims: 1 }, 'mean').node('Add', ['x', 'm'], ['a'], {}, 'add1').node('Add', ['a', 'c'], ['s'], {}, 'add2');
        b.node('Tanh', ['s'], ['y'], {}, 'post');
      }),
  },
  {
    label: 'Sub (initializer − x − Sigmoid(x))',
    x: [2, 3, 4],
    input: { scale: 2 },
    bytes: () =>
      model(13, [3, 4], (b) => {
        b.init('c', [4]);
        b.node('Sub', ['c', 'x'], ['d'], {}, 'sub1').node('Sigmoid', ['x'], ['g'], {}, 'sig').node('Sub', ['d', 'g'], ['s'], {}, 'sub2');
        b.node('Tanh', ['s'], ['y'], {}, 'post');
      }),
  },
  {
    label: 'Mul (x · Tanh(x) · broadcast initializer)',
    x: [2, 3, 4],
    input: { scale: 2 },
    bytes: () =>
      model(13, [3, 4], (b) => {
        b.init('c', [4]);
        b.node('Tanh', ['x'], ['t'], {}, 'tanh').node('Mul', ['x', 't'], ['p'], {}, 'mul1').node('Mul', ['p', 'c'], ['y'], {}, 'mul2');
      }),
  },
  {
    label: 'Div (x / (Sigmoid(x) + 0.5) / broadcast initializer)',
    x: [2, 3, 4],
    input: { scale: 2 },
    bytes: () =>
      model(13, [3, 4], (b) => {
        b.init('half', [], [0.5]).init('c', [4], [1.5, -2, 0.8, 3]);
        b.node('Sigmoid', ['x'], ['g'], {}, 'sig').node('Add', ['g', 'half'], ['den'], {}, 'shift');
        b.node('Div', ['x', 'den'], ['q'], {}, 'div1').node('Div', ['q', 'c'], ['y'], {}, 'div2');
      }),
  },
  {
    label: 'Pow ((Sigmoid(x) + 0.5) ^ broadcast exponent initializer)',
    x: [2, 3, 4],
    input: { scale: 2 },
    bytes: () =>
      model(13, [3, 4], (b) => {
        b.init('half', [], [0.5]).init('e', [4], [2, 0.5, 3, 1.7]);
        b.node('Sigmoid', ['x'], ['g'], {}, 'sig').node('Add', ['g', 'half'], ['base'], {}, 'shift').node('Pow', ['base', 'e'], ['y'], {}, 'pow');
      }),
  },
  { label: 'Sqrt (positive input)', x: [3, 6], input: { positive: true }, bytes: () => single(13, [6], 'Sqrt') },
  { label: 'ReduceMean (axes input, keepdims 0, opset 18)', x: [2, 3, 4], bytes: () => single(18, [3, 4], 'ReduceMean', { keepdims: 0 }, (b) => [ints(b, 'axes', [-1])], 'Tanh') },
  { label: 'ReduceSum (axes input, keepdims 1)', x: [2, 3, 4], bytes: () => single(13, [3, 4], 'ReduceSum', {}, (b) => [ints(b, 'axes', [1])], 'Tanh') },
  {
    label: 'Flatten → MatMul',
    x: [2, 2, 3, 4],
    bytes: () =>
      model(13, [2, 3, 4], (b) => {
        b.init('W', [24, 3]);
        b.node('Flatten', ['x'], ['f'], {}, 'flatten').node('MatMul', ['f', 'W'], ['m'], {}, 'mm').node('Tanh', ['m'], ['y'], {}, 'post');
      }),
  },
  { label: 'Reshape (shape initializer [0, 4, 3])', x: [2, 3, 4], bytes: () => single(13, [3, 4], 'Reshape', {}, (b) => [ints(b, 's', [0, 4, 3])], 'Tanh') },
  { label: 'Transpose (perm)', x: [2, 3, 4], bytes: () => single(13, [3, 4], 'Transpose', { perm: [0, 2, 1] }, () => [], 'Tanh') },
  { label: 'Squeeze (axes input)', x: [2, 3, 1, 4], bytes: () => single(13, [3, 1, 4], 'Squeeze', {}, (b) => [ints(b, 'axes', [2])], 'Tanh') },
  { label: 'Unsqueeze (axes input)', x: [3, 4], bytes: () => single(13, [4], 'Unsqueeze', {}, (b) => [ints(b, 'axes', [1, -1])], 'Tanh') },
  {
    label: 'Concat (x, Tanh(x), x on the last axis)',
    x: [2, 3, 2],
    bytes: () =>
      model(13, [3, 2], (b) => {
        b.node('Tanh', ['x'], ['t'], {}, 'tanh').node('Concat', ['x', 't', 'x'], ['c'], { axis: -1 }, 'concat').node('Sigmoid', ['c'], ['y'], {}, 'post');
      }),
  },
  {
    label: 'Split (sizes input) → s0 · Tanh(s1)',
    x: [2, 3, 4],
    bytes: () =>
      model(13, [3, 4], (b) => {
        b.node('Split', ['x', ints(b, 'split', [1, 3])], ['s0', 's1'], { axis: 2 }, 'split');
        b.node('Tanh', ['s1'], ['t'], {}, 'tanh').node('Mul', ['s0', 't'], ['y'], {}, 'mul');
      }),
  },
  {
    label: 'Slice (negative start, out-of-range end, steps 1)',
    x: [2, 4, 5],
    bytes: () => single(13, [4, 5], 'Slice', {}, (b) => [ints(b, 'starts', [1, -3]), ints(b, 'ends', [100, -1]), ints(b, 'axes', [1, 2]), ints(b, 'steps', [1, 1])], 'Tanh'),
  },
  { label: 'Gather (2-D constant indices with repeats)', x: [2, 4, 3], bytes: () => single(13, [4, 3], 'Gather', { axis: 1 }, (b) => [ints(b, 'i', [3, 0, 3, -1], [2, 2])], 'Tanh') },
  {
    label: 'Pad (constant value, negative crop)',
    x: [2, 3, 4],
    bytes: () => single(13, [3, 4], 'Pad', {}, (b) => [ints(b, 'pads', [0, 1, -1, 0, 2, 1]), w(b, 'v', [], [0.25])], 'Tanh'),
  },
  {
    label: 'BatchNormalization (inference, opset 15)',
    x: [2, 3, 4, 4],
    bytes: () =>
      single(15, [3, 4, 4], 'BatchNormalization', { epsilon: float(1e-3) }, (b) => [w(b, 's', [3]), w(b, 'bb', [3]), w(b, 'mu', [3]), w(b, 'var', [3], [0.5, 1, 2])], 'Tanh'),
  },
  { label: 'LayerNormalization (scale, bias, opset 17)', x: [2, 3, 5], bytes: () => single(17, [3, 5], 'LayerNormalization', {}, (b) => [w(b, 'g', [5]), w(b, 'bb', [5])]) },
  { label: 'Dropout (ratio input, inference)', x: [3, 6], bytes: () => afterTanh(13, [6], 'Dropout', {}, (b) => [w(b, 'r', [], [0.3])]) },
  { label: 'Identity', x: [3, 6], bytes: () => afterTanh(13, [6], 'Identity') },
  { label: 'Cast (to float, opset 19)', x: [3, 6], bytes: () => afterTanh(19, [6], 'Cast', { to: 1 }) },
];

/** The issue's op list; every entry must appear in some case's imported ONNX ops. */
const ISSUE_OPS = [
  'Gemm', 'MatMul', 'Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Relu', 'LeakyRelu', 'Clip', 'Sigmoid', 'Tanh',
  'Softmax', 'LogSoftmax', 'Erf', 'Gelu', 'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'ReduceMean', 'ReduceSum', 'Flatten', 'Reshape',
  'Transpose', 'Squeeze', 'Unsqueeze', 'Concat', 'Split', 'Slice', 'Gather', 'Pad', 'BatchNormalization', 'LayerNormalization', 'Dropout',
  'Identity', 'Cast',
];

it('the generated models cover every op of the issue list', () => {
  const used = new Set(CASES.flatMap((c) => (decodeModel(c.bytes()).graph?.node ?? []).map((node) => node.opType ?? '')));
  expect(ISSUE_OPS.filter((op) => !used.has(op))).toEqual([]);
});

async function checkCase(c: Case, runtime: OnnxRuntimeName): Promise<void> {
  const bytes = c.bytes();
  const imported = importOnnxModel(bytes);
  expect(imported.reasons).toEqual([]);
  const onnx = await fromOnnx(bytes, { runtime });
  const ref: Model = createReferenceModel(imported.graph!);
  try {
    expect(onnx.backend).toBe(runtime);
    expect(onnx.capabilities.gradients).toBe(true);
    const x = makeInput(c.x, c.input);
    const n = c.x[0]!;

    const y = await onnx.forward(x);
    expectAllClose(y, await ref.forward(x), FWD_TOL.rel, FWD_TOL.abs, 'forward vs reference');

    const seed = randomTensor([n, ...onnx.outputShape], 7);
    const request = { seed: { kind: 'tensor', seed } } as const;
    const got = await onnx.gradient(x, request);
    expectAllClose(got.outputs, y, FWD_TOL.rel, FWD_TOL.abs, 'gradient outputs vs forward');

    const fd = await finiteDifferenceGradient(onnx, x, seed, FD_STEP);
    expectAllClose(got.inputGradient, fd, FD_TOL.rel, FD_TOL.abs, 'gradient vs finite differences');
    // The finite-difference check is sharp enough to catch a 5% error in the gradient.
    const off = { shape: got.inputGradient.shape, data: got.inputGradient.data.map((v) => v * 1.05) };
    expect(worstViolation(off, fd, FD_TOL.rel, FD_TOL.abs).ratio, 'a 5% gradient error must fail the check').toBeGreaterThan(1);

    const want = await ref.gradient(x, request);
    expectAllClose(got.inputGradient, want.inputGradient, REF_TOL.rel, REF_TOL.abs, 'gradient vs reference');
  } finally {
    await onnx.dispose();
    await ref.dispose();
  }
}

describe.each(['onnx-node', 'onnx-web'] as const)('generated op models on %s: forward = reference, gradient = finite differences = reference', (runtime) => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
    await checkCase(c, runtime);
  });
});
