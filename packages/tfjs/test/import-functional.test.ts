/**
 * Synthetic Keras functional / Sequential topologies (tfjs 4.x and Keras 3 formats): the imported
 * graph must compute what TensorFlow.js's own ops compute with TF padding semantics ('same'
 * strings, batchNorm, depthwise), and its gradients must match the reference executor.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReferenceModel, type Tensor } from '@glasswing/core';
import { createTfjsModel, importLayersModel, initTfjsBackend, type LayersArtifacts } from '../src/index.js';
import { BACKENDS, expectClose, randomTensor } from './helpers.js';

type W = [string, Tensor];
let seed = 100;
const rnd = (shape: number[], lo = -0.5, hi = 0.5): Tensor => randomTensor(shape, seed++, lo, hi);

export function artifacts(modelTopology: unknown, weights: W[]): LayersArtifacts {
  const total = weights.reduce((n, [, t]) => n + t.data.length, 0);
  const data = new Float32Array(total);
  let off = 0;
  for (const [, t] of weights) {
    data.set(t.data, off);
    off += t.data.length;
  }
  return {
    modelTopology,
    weightSpecs: weights.map(([name, t]) => ({ name, shape: [...t.shape], dtype: 'float32' })),
    weightData: data.buffer,
  };
}

const layer = (className: string, name: string, config: object, inbound: string[]): object => ({
  class_name: className,
  name,
  config: { name, ...config },
  inbound_nodes: inbound.length ? [inbound.map((i) => [i, 0, 0, {}])] : [],
});

/** Keras 3 inbound format for the same layers. */
function keras3(layers: object[]): object[] {
  return layers.map((l) => {
    const nodes = (l as { inbound_nodes: [string, number, number, object][][] }).inbound_nodes;
    if (nodes.length === 0) return l;
    const tensors = nodes[0]!.map(([n]) => ({ class_name: '__keras_tensor__', config: { shape: [], dtype: 'float32', keras_history: [n, 0, 0] } }));
    return { ...l, inbound_nodes: [{ args: tensors.length === 1 ? tensors : [tensors], kwargs: {} }] };
  });
}

// ---- a functional model touching most converters ----
const w = {
  convA: rnd([3, 3, 3, 4]),
  convAb: rnd([4]),
  gamma: rnd([4], 0.5, 1.5),
  beta: rnd([4]),
  mean: rnd([4]),
  variance: rnd([4], 0.5, 1.5),
  dw: rnd([3, 3, 4, 2]),
  dwb: rnd([8]),
  convB: rnd([1, 1, 4, 8]),
  convD: rnd([3, 3, 16, 6]),
  convDb: rnd([6]),
  dense: rnd([6, 5]),
  denseb: rnd([5]),
};
const funcLayers = [
  layer('InputLayer', 'img', { batch_input_shape: [null, 8, 8, 3], dtype: 'float32' }, []),
  layer('Conv2D', 'conv_a', { filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu', use_bias: true, data_format: 'channels_last', dilation_rate: [1, 1] }, ['img']),
  layer('BatchNormalization', 'bn', { axis: -1, epsilon: 0.001, center: true, scale: true }, ['conv_a']),
  layer('DepthwiseConv2D', 'dw', { kernel_size: [3, 3], strides: [1, 1], padding: 'same', depth_multiplier: 2, use_bias: true, activation: 'tanh' }, ['bn']),
  layer('AveragePooling2D', 'avg', { pool_size: [2, 2], strides: [1, 1], padding: 'same' }, ['dw']),
  layer('Conv2D', 'conv_b', { filters: 8, kernel_size: 1, strides: 1, padding: 'valid', activation: 'linear', use_bias: false }, ['bn']),
  layer('Add', 'add', {}, ['avg', 'conv_b']),
  layer('Concatenate', 'cat', { axis: -1 }, ['add', 'conv_b']),
  layer('MaxPooling2D', 'mp', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }, ['cat']),
  layer('Conv2D', 'conv_d', { filters: 6, kernel_size: [3, 3], strides: [1, 1], padding: 'same', dilation_rate: [2, 2], activation: 'sigmoid' }, ['mp']),
  layer('Dropout', 'drop', { rate: 0.5 }, ['conv_d']),
  layer('GlobalAveragePooling2D', 'gap', { data_format: 'channels_last' }, ['drop']),
  layer('Dense', 'dense', { units: 5, activation: 'softmax', use_bias: true }, ['gap']),
];
const funcWeights: W[] = [
  ['conv_a/kernel', w.convA],
  ['conv_a/bias', w.convAb],
  ['bn/gamma', w.gamma],
  ['bn/beta', w.beta],
  ['bn/moving_mean', w.mean],
  ['bn/moving_variance', w.variance],
  ['dw/depthwise_kernel', w.dw],
  ['dw/bias', w.dwb],
  ['conv_b/kernel', w.convB],
  ['conv_d/kernel', w.convD],
  ['conv_d/bias', w.convDb],
  ['dense/kernel', w.dense],
  ['dense/bias', w.denseb],
];
const funcTopology = (fmt: 'tfjs' | 'keras3'): object => ({
  class_name: fmt === 'tfjs' ? 'Model' : 'Functional',
  config: {
    name: 'synthetic',
    layers: fmt === 'tfjs' ? funcLayers : keras3(funcLayers),
    input_layers: fmt === 'tfjs' ? [['img', 0, 0]] : ['img', 0, 0],
    output_layers: [['dense', 0, 0]],
  },
  keras_version: 'tfjs-layers 4.22.0',
});

/** The same function written directly with tfjs ops and TF padding strings. */
function expected(x: Tensor): Tensor {
  return tf.tidy(() => {
    const T = (t: Tensor): tf.Tensor => tf.tensor(t.data, [...t.shape]);
    const inp = T(x) as tf.Tensor4D;
    const a = tf.relu(tf.add(tf.conv2d(inp, T(w.convA) as tf.Tensor4D, 2, 'same'), T(w.convAb))) as tf.Tensor4D;
    const bn = tf.batchNorm(a, T(w.mean), T(w.variance), T(w.beta), T(w.gamma), 0.001) as tf.Tensor4D;
    const dw = tf.tanh(tf.add(tf.depthwiseConv2d(bn, T(w.dw) as tf.Tensor4D, 1, 'same'), T(w.dwb))) as tf.Tensor4D;
    const avg = tf.avgPool(dw, 2, 1, 'same');
    const b = tf.conv2d(bn, T(w.convB) as tf.Tensor4D, 1, 'valid');
    const cat = tf.concat([tf.add(avg, b), b], 3) as tf.Tensor4D;
    const mp = tf.maxPool(cat, 3, 2, 'same');
    const d = tf.sigmoid(tf.add(tf.conv2d(mp, T(w.convD) as tf.Tensor4D, 1, 'same', 'NHWC', 2), T(w.convDb)));
    const gap = tf.mean(d, [1, 2]);
    const y = tf.softmax(tf.add(tf.matMul(gap, T(w.dense)), T(w.denseb)));
    return { shape: y.shape, data: Float32Array.from(y.dataSync()) };
  });
}

describe('importLayersModel: functional topologies', () => {
  it('builds NHWC nodes named after layers with TF SAME pads', () => {
    const g = importLayersModel(artifacts(funcTopology('tfjs'), funcWeights));
    const byName = new Map(g.nodes.map((n) => [n.name, n]));
    expect(byName.get('conv_a/linear')!.attrs).toMatchObject({ pads: [0, 0, 1, 1], strides: [2, 2], layout: 'NHWC' });
    expect(byName.get('conv_a')!.op).toBe('Relu');
    expect(byName.get('dw/linear')!.attrs).toMatchObject({ group: 4, pads: [1, 1, 1, 1] });
    expect(byName.get('avg')!.attrs).toMatchObject({ pads: [0, 0, 1, 1], count_include_pad: 0 });
    expect(byName.get('mp')!.attrs).toMatchObject({ pads: [0, 0, 1, 1] });
    expect(byName.get('conv_d/linear')!.attrs).toMatchObject({ dilations: [2, 2], pads: [2, 2, 2, 2] });
    expect(byName.get('gap')!.op).toBe('Flatten');
    expect(byName.get('dense')!.op).toBe('Softmax');
    expect(g.outputs).toEqual(['dense']);
  });

  it('Keras 3 inbound-node format imports to the same graph', () => {
    const a = importLayersModel(artifacts(funcTopology('tfjs'), funcWeights));
    const b = importLayersModel(artifacts(funcTopology('keras3'), funcWeights));
    expect(b.nodes).toEqual(a.nodes);
  });

  it('Sequential with an explicit InputLayer (batch_shape), ReLU/LeakyReLU/Softmax/Activation/Reshape layers', async () => {
    await initTfjsBackend('cpu');
    const k = rnd([12, 6]);
    const topo = {
      class_name: 'Sequential',
      config: {
        name: 'seq',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_shape: [null, 3, 4] } },
          { class_name: 'Flatten', config: { name: 'flat' } },
          { class_name: 'Dense', config: { name: 'd1', units: 6, activation: 'linear', use_bias: false } },
          { class_name: 'LeakyReLU', config: { name: 'lrelu', alpha: 0.2 } },
          { class_name: 'ReLU', config: { name: 'relu', negative_slope: 0.1 } },
          { class_name: 'Activation', config: { name: 'act', activation: 'tanh' } },
          { class_name: 'Reshape', config: { name: 'rs', target_shape: [2, 3] } },
          { class_name: 'Softmax', config: { name: 'sm', axis: -1 } },
          { class_name: 'Flatten', config: { name: 'out' } },
        ],
      },
    };
    const g = importLayersModel(artifacts(topo, [['d1/kernel', k]]));
    expect(g.inputs[0]!.shape).toEqual([-1, 3, 4]);
    expect(g.nodes.map((n) => n.op)).toEqual(['Flatten', 'Gemm', 'LeakyRelu', 'LeakyRelu', 'Tanh', 'Reshape', 'Softmax', 'Flatten']);
    const x = rnd([2, 3, 4], -2, 2);
    const m = await createTfjsModel(g, { backend: 'cpu' });
    const y = await m.forward(x);
    const want = tf.tidy(() => {
      let h = tf.matMul(tf.tensor(x.data, [2, 12]), tf.tensor(k.data, [12, 6]));
      h = tf.leakyRelu(tf.leakyRelu(h, 0.2), 0.1);
      h = tf.reshape(tf.softmax(tf.reshape(tf.tanh(h), [2, 2, 3])), [2, 6]);
      return { shape: h.shape, data: Float32Array.from(h.dataSync()) };
    });
    expectClose(y, want, 1e-5, 1e-6);
    await m.dispose();
  });
});

describe.each(BACKENDS)('synthetic functional model on %s', (backend) => {
  beforeAll(async () => {
    await initTfjsBackend('cpu'); // expected values from tfjs cpu ops
  });

  it('forward matches tfjs ops with TF padding; gradients match the reference executor; no leaks', async () => {
    const x = rnd([3, 8, 8, 3], -1, 1);
    const want = expected(x);
    const g = importLayersModel(artifacts(funcTopology('tfjs'), funcWeights));
    const before = tf.memory().numTensors;
    const m = await createTfjsModel(g, { backend });
    expectClose(await m.forward(x), want, 1e-4, 1e-6);
    const ref = createReferenceModel(g);
    const req = { seed: { kind: 'index' as const, indices: [0, 3, 4] }, layers: ['bn', 'mp', 'gap'] };
    const got = await m.gradient(x, req);
    const exp = await ref.gradient(x, req);
    expectClose(got.inputGradient, exp.inputGradient, 1e-4, 1e-6);
    for (const l of req.layers) expectClose(got.layers[l]!.gradient, exp.layers[l]!.gradient, 1e-4, 1e-6);
    await m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
