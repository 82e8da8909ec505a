/** Convolution, pooling, padding, cropping and upsampling layers vs tfjs-layers. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFiniteDifferences, compareLayers, randomizeWeights, saveArtifacts } from './compare.js';
import { createTfjsModel, importLayersModel, initTfjsBackend } from '../../src/index.js';
import { expectClose, randomTensor } from '../helpers.js';

beforeAll(async () => {
  await initTfjsBackend('cpu');
});

describe('convolutions', () => {
  it('SeparableConv2D (valid / same, strides, depth multiplier, activation)', async () => {
    const { graph } = await compareLayers([7, 6, 3], [tf.layers.separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2, activation: 'relu', name: 'sep' })]);
    expect(graph.nodes.map((n) => n.name)).toEqual(expect.arrayContaining(['sep/depthwise', 'sep/linear', 'sep']));
    await compareLayers([7, 6, 3], [tf.layers.separableConv2d({ filters: 2, kernelSize: [3, 2], strides: 2, padding: 'same', useBias: false })]);
  });

  it('DepthwiseConv2D (same, stride 2, multiplier)', async () => {
    await compareLayers([6, 7, 2], [tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2 })]);
  });

  it('Conv1D (valid, same, causal, strides, dilation)', async () => {
    await compareLayers([9, 3], [tf.layers.conv1d({ filters: 4, kernelSize: 3, activation: 'tanh' })]);
    await compareLayers([9, 3], [tf.layers.conv1d({ filters: 2, kernelSize: 4, strides: 2, padding: 'same' })]);
    // tfjs-layers cannot run causal padding: the same layer with 'valid' padding on a left-zero-padded input.
    await compareCausal();
  });

  it('Conv2DTranspose (valid / same, strides 1 and 2, kernel smaller than stride)', async () => {
    await compareLayers([4, 5, 3], [tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3 })]);
    await compareLayers([4, 5, 3], [tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })]);
    await compareLayers([4, 5, 3], [tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'valid' })]);
    await compareLayers([3, 3, 2], [tf.layers.conv2dTranspose({ filters: 2, kernelSize: 1, strides: 2, padding: 'valid' })]);
    await compareLayers([3, 4, 2], [tf.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 3, padding: 'same' })]);
  });
});

async function compareCausal(): Promise<void> {
  const causal = tf.sequential({ layers: [tf.layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 2, inputShape: [9, 3], name: 'c' })] });
  randomizeWeights(causal, 5);
  const artifacts = await saveArtifacts(causal);
  const topo = JSON.parse(JSON.stringify(artifacts.modelTopology));
  topo.config.layers[0].config.padding = 'causal';
  const model = await createTfjsModel(importLayersModel({ ...artifacts, modelTopology: topo }), { backend: 'cpu' });
  const x = randomTensor([2, 9, 3], 9);
  const padded = tf.pad(tf.tensor(x.data, [2, 9, 3]), [[0, 0], [4, 0], [0, 0]]);
  const valid = tf.sequential({ layers: [tf.layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 2, inputShape: [13, 3] })] });
  valid.setWeights(causal.getWeights());
  const want = valid.predict(padded) as tf.Tensor;
  expectClose(await model.forward(x), { shape: want.shape, data: Float32Array.from(await want.data()) }, 1e-5, 1e-5);
  await checkFiniteDifferences(model, x, want.shape, 9);
}

describe('pooling', () => {
  // tfjs' avgPool gradient divides by the full window at 'same' borders (it ignores the padding it excluded
  // in the forward pass), so averages with padding are checked against finite differences.
  it('MaxPooling1D / AveragePooling1D (valid, same)', async () => {
    await compareLayers([9, 3], [tf.layers.maxPooling1d({ poolSize: 3, strides: 2 })]);
    await compareLayers([9, 3], [tf.layers.averagePooling1d({ poolSize: 2, padding: 'same' })], { gradient: 'fd' });
    await compareLayers([9, 3], [tf.layers.averagePooling1d({ poolSize: 4, strides: 3, padding: 'same' })], { gradient: 'fd' });
  });

  it('MaxPooling2D / AveragePooling2D, also channels_first', async () => {
    await compareLayers([6, 7, 2], [tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' })]);
    await compareLayers([6, 7, 2], [tf.layers.averagePooling2d({ poolSize: [2, 3], padding: 'same' })], { gradient: 'fd' });
    await compareLayers([2, 6, 7], [tf.layers.maxPooling2d({ poolSize: 2, dataFormat: 'channelsFirst' })]);
    await compareLayers([2, 6, 7], [tf.layers.averagePooling2d({ poolSize: 3, strides: 2, dataFormat: 'channelsFirst' })]);
  });

  it('global pooling 1-D and 2-D (average and max), both data formats for 2-D', async () => {
    await compareLayers([7, 3], [tf.layers.globalAveragePooling1d({})]);
    await compareLayers([7, 3], [tf.layers.globalMaxPooling1d({})]);
    await compareLayers([5, 4, 3], [tf.layers.globalAveragePooling2d({})]);
    await compareLayers([5, 4, 3], [tf.layers.globalMaxPooling2d({})]);
    await compareLayers([3, 5, 4], [tf.layers.globalAveragePooling2d({ dataFormat: 'channelsFirst' })]);
    await compareLayers([3, 5, 4], [tf.layers.globalMaxPooling2d({ dataFormat: 'channelsFirst' })]);
  });
});

describe('padding, cropping, upsampling', () => {
  it('ZeroPadding2D (int, pair, pair of pairs) and Cropping2D', async () => {
    await compareLayers([4, 5, 2], [tf.layers.zeroPadding2d({ padding: 1 }), tf.layers.conv2d({ filters: 2, kernelSize: 3 })]);
    await compareLayers([4, 5, 2], [tf.layers.zeroPadding2d({ padding: [[0, 1], [2, 1]] }), tf.layers.conv2d({ filters: 2, kernelSize: 2 })]);
    await compareLayers([6, 7, 2], [tf.layers.cropping2D({ cropping: [[1, 2], [0, 3]] })]);
    await compareLayers([6, 7, 2], [tf.layers.cropping2D({ cropping: 2 })]);
  });

  // tfjs' resize gradients disagree with finite differences (resizeBilinear's even throws): checked by finite differences.
  it('UpSampling2D nearest and bilinear, both data formats', async () => {
    await compareLayers([3, 3, 2], [tf.layers.upSampling2d({ size: [2, 2] })], { gradient: 'fd' });
    await compareLayers([3, 4, 2], [tf.layers.upSampling2d({ size: [2, 3] })], { gradient: 'fd' });
    await compareLayers([3, 4, 2], [tf.layers.upSampling2d({ size: [3, 2], interpolation: 'bilinear' })], { gradient: 'fd' });
    await compareLayers([2, 3, 4], [tf.layers.upSampling2d({ size: [2, 2], dataFormat: 'channelsFirst' })], { gradient: 'fd' });
    await compareLayers([2, 3, 4], [tf.layers.upSampling2d({ size: [2, 3], interpolation: 'bilinear', dataFormat: 'channelsFirst' })], { gradient: 'fd' });
  });
});
