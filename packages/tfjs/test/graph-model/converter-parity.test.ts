/**
 * Hand-made TensorFlow.js graph models (fixtures/graph-models, written by make.mjs) imported from
 * disk: the imported IR graph predicts what tfjs-converter's own GraphModel.execute predicts on the
 * same files, to 1e-5, on the reference executor and on the tfjs cpu and wasm backends; no tensor
 * leaks. Structure: node names, lowering of the fused ops, folded shape subgraphs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfc from '@tensorflow/tfjs-converter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceModel, type Graph, type Tensor } from '@glasswing/core';
import { createTfjsModel, fromTfjsLayers, importGraphModel, initTfjsBackend, loadGraphModelArtifacts } from '../../src/index.js';
import { BACKENDS, expectClose, randomTensor } from '../helpers.js';
import { GENERATED, converterModel, converterPredict, converterTwin, fixturePath, readFixture, type GeneratedModel } from './helpers.js';

const graphs = new Map<GeneratedModel, Graph>();
const converters = new Map<GeneratedModel, tfc.GraphModel>();

beforeAll(async () => {
  await initTfjsBackend('cpu');
  for (const name of GENERATED) {
    graphs.set(name, importGraphModel(await loadGraphModelArtifacts(fixturePath(name))));
    converters.set(name, await converterModel(readFixture(converterTwin(name))));
  }
});

afterAll(() => {
  for (const m of converters.values()) m.dispose();
});

const node = (g: Graph, name: string) => g.nodes.find((n) => n.name === name);

describe('importGraphModel structure', () => {
  it('convnet: TF node names, fused convolutions as Conv (+ bias) and an activation, depthwise as grouped Conv', () => {
    const g = graphs.get('convnet')!;
    expect(g.inputs).toEqual([{ name: 'image', shape: [-1, 9, 9, 3] }]);
    expect(g.outputs).toEqual(['Identity']);
    expect(g.metadata).toMatchObject({ source: 'tfjs-graph', layout: 'NHWC', converted_by: 'glasswing test builder' });
    expect(node(g, 'block1/conv/Relu6/linear')).toMatchObject({
      op: 'Conv',
      inputs: ['preprocess/Sub', 'block1/conv/weights', 'block1/conv/bias'],
      attrs: { layout: 'NHWC', strides: [2, 2], pads: [1, 1, 1, 1], group: 1 },
    });
    expect(node(g, 'block1/conv/Relu6')).toMatchObject({ op: 'Clip', inputs: ['block1/conv/Relu6/linear'], attrs: { min: 0, max: 6 } });
    expect(node(g, 'block1/depthwise/Relu')?.op).toBe('Relu');
    expect(node(g, 'block2/depthwise')).toMatchObject({ op: 'Conv', attrs: { group: 8, pads: [0, 0, 0, 0] } });
    expect(g.initializers['block2/depthwise/filter']!.shape).toEqual([3, 3, 1, 16]);
    expect(node(g, 'block2/bn/FusedBatchNormV3')).toMatchObject({ op: 'BatchNormalization', attrs: { layout: 'NHWC', epsilon: 0.001 } });
    expect(node(g, 'block3/Conv2D')?.attrs).toMatchObject({ pads: [1, 0, 0, 1] });
    expect(node(g, 'block3/AvgPool')).toMatchObject({ op: 'AveragePool', attrs: { pads: [0, 0, 1, 1], count_include_pad: 0 } });
    expect(node(g, 'head/Mean')).toMatchObject({ op: 'ReduceMean', attrs: { axes: [1, 2], keepdims: 0 } });
    expect(node(g, 'head/dense/Relu/linear')).toMatchObject({ op: 'Gemm', attrs: { transA: 0, transB: 0 } });
    expect(node(g, 'head/logits/MatMul')).toMatchObject({ op: 'Gemm', attrs: { transB: 1 } });
    expect(node(g, 'Identity')?.op).toBe('Identity');
  });

  it('fused_activations: PReLU and Elu composites, the Shape -> StridedSlice -> Pack -> Reshape flatten folded to a constant spec', () => {
    const g = graphs.get('fused_activations')!;
    expect(node(g, 'prelu_conv/Prelu/linear')?.attrs).toMatchObject({ dilations: [2, 2], pads: [2, 2, 2, 2] });
    expect(node(g, 'prelu_conv/Prelu')?.op).toBe('Add');
    expect(node(g, 'leaky_conv/LeakyRelu')).toMatchObject({ op: 'LeakyRelu', attrs: { alpha: 0.15 } });
    expect(node(g, 'dw/Sigmoid')?.op).toBe('Sigmoid');
    expect(node(g, 'proj/BiasAdd')?.op).toBe('Conv');
    expect(node(g, 'flatten/Reshape')).toMatchObject({ op: 'Reshape', attrs: { shape: [0, -1] } });
    expect(g.nodes.some((n) => n.name.startsWith('flatten/Shape') || n.name.startsWith('flatten/strided'))).toBe(false);
  });

  it('fused_batchnorm: _FusedConv2D with FusedBatchNorm is Conv -> BatchNormalization -> Relu', () => {
    const g = graphs.get('fused_batchnorm')!;
    expect(g.nodes.map((n) => [n.name, n.op])).toEqual([
      ['conv/Relu/conv', 'Conv'],
      ['conv/Relu/batchnorm', 'BatchNormalization'],
      ['conv/Relu', 'Relu'],
      ['gap', 'ReduceMean'],
      ['logits', 'Gemm'],
    ]);
  });

  it('shape_ops: strided slices lower to Slice / Gather / Reshape, Maximum with 0 to Relu, with c to Clip', () => {
    const g = graphs.get('shape_ops')!;
    expect(node(g, 'slice/stride2/gather1')).toBeUndefined();
    expect(node(g, 'slice/stride2')).toMatchObject({ op: 'Gather', attrs: { axis: 1, indices: [1, 3, 5, 7] } });
    expect(node(g, 'slice/reverse')).toMatchObject({ op: 'Gather', attrs: { axis: 2, indices: [5, 4, 3, 2, 1, 0] } });
    expect(node(g, 'reverse2')).toMatchObject({ op: 'Gather', attrs: { axis: 2, indices: [5, 4, 3, 2, 1, 0] } });
    expect(node(g, 'reverse2/gather0')).toMatchObject({ op: 'Gather', attrs: { axis: 1, indices: [3, 2, 1, 0] } });
    expect(node(g, 'slice/shrink')?.op).toBe('Reshape');
    expect(node(g, 'slice/newaxis')).toMatchObject({ op: 'Reshape', attrs: { shape: [-1, 1, 4, 6] } });
    expect(node(g, 'act/relu0')?.op).toBe('Relu');
    expect(node(g, 'act/max')).toMatchObject({ op: 'Clip', attrs: { min: expect.closeTo(0.1, 7) } });
    expect(node(g, 'act/min')).toMatchObject({ op: 'Clip', attrs: { max: expect.closeTo(0.4, 7) } });
    expect(node(g, 'ln/flat')).toMatchObject({ op: 'Reshape', attrs: { shape: [0, 24] } });
    expect(node(g, 'split:1')?.op).toBe('Slice');
    expect(g.nodes.some((n) => n.name.includes('Shape') || n.name.includes('Prod'))).toBe(false);
  });

  it('relu_cnn: Max over the spatial axes is a whole-image MaxPool + Squeeze', () => {
    const g = graphs.get('relu_cnn')!;
    expect(node(g, 'gmp/pool')).toMatchObject({ op: 'MaxPool', attrs: { kernel_shape: [4, 4], strides: [1, 1] } });
    expect(node(g, 'gmp')).toMatchObject({ op: 'Squeeze', attrs: { axes: [1, 2] } });
  });

  it('decoder: Conv2DBackpropInput is ConvTranspose with the forward pads and output_padding, input_sizes folded', () => {
    const g = graphs.get('decoder')!;
    expect(node(g, 'up1/conv2d_transpose')).toMatchObject({ op: 'ConvTranspose', attrs: { layout: 'NHWC', strides: [2, 2], pads: [0, 1, 1, 1], output_padding: [0, 0] } });
    expect(node(g, 'up2/conv2d_transpose')).toMatchObject({ op: 'ConvTranspose', attrs: { pads: [0, 0, 0, 0], output_padding: [1, 1] } });
    expect(g.nodes.some((n) => n.name.startsWith('up1/stack') || n.name.includes('Shape'))).toBe(false);
  });
});

describe('predictions match tfjs-converter (1e-5)', () => {
  for (const name of GENERATED) {
    it(`${name} on the reference executor`, async () => {
      const model = createReferenceModel(graphs.get(name)!);
      const x = randomTensor([3, ...model.inputShape], 21);
      expectClose(await model.forward(x), converterPredict(converters.get(name)!, x), 1e-5, 1e-5);
    });
  }
});

describe.each(BACKENDS)('predictions match tfjs-converter on tfjs-%s (1e-5)', (backend) => {
  for (const name of GENERATED) {
    it(name, async () => {
      await initTfjsBackend(backend);
      const before = tf.memory().numTensors;
      const model = await createTfjsModel(graphs.get(name)!, { backend });
      const x = randomTensor([4, ...model.inputShape], 22);
      const ours = await model.forward(x);
      const theirs = converterPredict(converters.get(name)!, x);
      expectClose(ours, theirs, 1e-5, 1e-5);
      await model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('loading', () => {
  it('fromTfjsLayers detects a graph model.json (by path or directory) and imports it as a graph model', async () => {
    const model = await fromTfjsLayers(fixturePath('convnet'));
    expect(model.inputShape).toEqual([9, 9, 3]);
    expect(model.layerNames).toContain('block1/conv/Relu6');
    const x: Tensor = randomTensor([2, 9, 9, 3], 23);
    expectClose(await model.forward(x), converterPredict(converters.get('convnet')!, x), 1e-5, 1e-5);
    await model.dispose();
    const fromDir = importGraphModel(await loadGraphModelArtifacts(fixturePath('convnet').replace(/model\.json$/, '')));
    expect(fromDir.nodes.length).toBe(graphs.get('convnet')!.nodes.length);
  });
});
