/**
 * Every IR op end to end through emitted ONNX graphs (createOnnxModel on onnxruntime-node) against
 * core's reference executor: forward, input gradient with a random seed, and a layer tap. Covers the
 * ops added for ONNX import (ConvTranspose, Clip, LogSoftmax, Erf, Gelu, Pow, Sqrt, Exp, Log, Neg,
 * Abs, ReduceMean, ReduceSum, Squeeze, Unsqueeze, Slice, Gather, Pad, LayerNormalization, Cast) in
 * both layouts where they have one.
 */
import { createReferenceModel, type Attrs, type Graph, type GraphNode, type Model, type OpType, type Tensor } from '@glasswing/core';
import { afterAll, describe, it } from 'vitest';
import { createOnnxModel } from '../src/index.js';
import { expectClose, randomTensor } from './support/symbolic-harness.js';

interface Step {
  readonly op: OpType;
  readonly attrs?: Attrs;
  /** Extra (initializer) inputs after the data input. */
  readonly params?: readonly Tensor[];
}

/** x [-1, ...shape] → steps in sequence → output. */
function chain(name: string, shape: readonly number[], steps: readonly Step[]): Graph {
  const nodes: GraphNode[] = [];
  const initializers: Record<string, Tensor> = {};
  let prev = 'x';
  steps.forEach((s, i) => {
    const params = (s.params ?? []).map((t, j) => {
      const id = `p${i}_${j}`;
      initializers[id] = t;
      return id;
    });
    nodes.push({ name: `n${i}_${s.op}`, op: s.op, inputs: [prev, ...params], outputs: [`t${i}`], attrs: s.attrs ?? {} });
    prev = `t${i}`;
  });
  return { name, inputs: [{ name: 'x', shape: [-1, ...shape] }], outputs: [prev], initializers, nodes };
}

const cases: [string, Graph, { positive?: boolean }?][] = [
  ['ConvTranspose NCHW', chain('ct', [2, 4, 4], [{ op: 'ConvTranspose', attrs: { strides: [2, 2], pads: [1, 1, 0, 0], output_padding: [1, 0] }, params: [randomTensor([2, 3, 3, 3], 1), randomTensor([3], 2)] }])],
  ['ConvTranspose NHWC groups', chain('ct2', [4, 4, 4], [{ op: 'ConvTranspose', attrs: { strides: [1, 2], pads: [0, 1, 1, 0], group: 2, dilations: [2, 1], layout: 'NHWC' }, params: [randomTensor([3, 2, 1, 4], 3)] }])],
  ['Clip', chain('clip', [6], [{ op: 'Clip', attrs: { min: -0.5, max: 0.7 } }])],
  ['LogSoftmax', chain('lsm', [3, 5], [{ op: 'LogSoftmax', attrs: { axis: -1 } }])],
  ['Erf and Gelu', chain('gelu', [7], [{ op: 'Erf' }, { op: 'Gelu' }, { op: 'Gelu', attrs: { approximate: 'tanh' } }])],
  ['Exp, Log, Sqrt, Pow, Neg, Abs', chain('elem', [6], [{ op: 'Exp' }, { op: 'Sqrt' }, { op: 'Log' }, { op: 'Pow', params: [randomTensor([6], 4, 0.5)] }, { op: 'Neg' }, { op: 'Abs' }]), { positive: true }],
  ['ReduceMean / ReduceSum', chain('red', [3, 4, 2], [{ op: 'ReduceMean', attrs: { axes: [2], keepdims: 1 } }, { op: 'ReduceSum', attrs: { axes: [1], keepdims: 0 } }])],
  ['Squeeze / Unsqueeze', chain('sq', [3, 1, 4], [{ op: 'Squeeze', attrs: { axes: [2] } }, { op: 'Unsqueeze', attrs: { axes: [1, 3] } }])],
  ['Slice (negative and out-of-range ends)', chain('slice', [5, 6], [{ op: 'Slice', attrs: { starts: [1, -4], ends: [100, -1], axes: [1, 2] } }])],
  ['Gather (matrix indices with repeats)', chain('gather', [5, 3], [{ op: 'Gather', attrs: { axis: 1, indices: [4, 0, 4, -1], indices_shape: [2, 2] } }])],
  ['Pad (negative crops)', chain('pad', [3, 4], [{ op: 'Pad', attrs: { pads: [0, 1, -1, 0, 2, 1], value: 0.25 } }])],
  ['LayerNormalization', chain('ln', [3, 8], [{ op: 'LayerNormalization', attrs: { axis: -1, epsilon: 1e-5 }, params: [randomTensor([8], 5), randomTensor([8], 6)] }])],
  ['Cast (float)', chain('cast', [4], [{ op: 'Cast', attrs: { to: 1 } }, { op: 'Tanh' }])],
  ['AveragePool ceil mode + GlobalAveragePool NHWC', chain('pool', [5, 5, 3], [
    { op: 'AveragePool', attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1, layout: 'NHWC' } },
    { op: 'GlobalAveragePool', attrs: { layout: 'NHWC' } },
  ])],
];

const open: Model[] = [];
afterAll(async () => {
  for (const m of open) await m.dispose();
});

describe('IR ops through emitted ONNX graphs equal the reference executor', () => {
  for (const [what, graph, opts] of cases) {
    it(what, async () => {
      const onnx = await createOnnxModel(graph);
      const ref = createReferenceModel(graph);
      open.push(onnx, ref);
      const n = 3;
      const x = randomTensor([n, ...onnx.inputShape], 21);
      if (opts?.positive) x.data.forEach((v, i) => (x.data[i] = Math.abs(v) + 0.1));
      expectClose(await onnx.forward(x), await ref.forward(x));
      const seed = { kind: 'tensor', seed: randomTensor([n, ...onnx.outputShape], 22) } as const;
      const tap = graph.nodes[0]!.name;
      const [a, b] = [await onnx.gradient(x, { seed, layers: [tap] }), await ref.gradient(x, { seed, layers: [tap] })];
      expectClose(a.outputs, b.outputs);
      expectClose(a.inputGradient, b.inputGradient);
      expectClose(a.layers[tap]!.gradient, b.layers[tap]!.gradient);
    });
  }
});
