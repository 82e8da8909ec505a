/** Keras activations and activation layers vs tfjs-layers (forward 1e-5, input gradient vs tf.grad). */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initTfjsBackend } from '../../src/index.js';
import { compareLayers } from './compare.js';

beforeAll(async () => {
  await initTfjsBackend('cpu');
});

// tfjs-layers' activation identifiers (every one of them).
const ACTIVATIONS = ['elu', 'hardSigmoid', 'linear', 'relu', 'relu6', 'selu', 'sigmoid', 'softmax', 'softplus', 'softsign', 'tanh', 'swish', 'mish', 'gelu', 'gelu_new'] as const;

describe('Dense with every tfjs-layers activation', () => {
  it.each(ACTIVATIONS)('%s', async (activation) => {
    const { graph } = await compareLayers([5], [tf.layers.dense({ units: 4, activation, name: 'fc' })], { lo: -3, hi: 3 });
    // The fused activation is one op on the Dense node, which keeps the layer name.
    const last = graph.nodes[graph.nodes.length - 1]!;
    expect(last.name).toBe('fc');
    if (activation !== 'linear') expect(graph.nodes.find((n) => n.name === 'fc/linear')).toBeDefined();
  });
});

describe('activation layers', () => {
  it('ReLU with max_value (relu6), LeakyReLU, ELU, ThresholdedReLU, Softmax', async () => {
    await compareLayers([6], [tf.layers.dense({ units: 6 }), tf.layers.reLU({ maxValue: 0.5 })], { lo: -2, hi: 2 });
    await compareLayers([6], [tf.layers.dense({ units: 6 }), tf.layers.leakyReLU({ alpha: 0.15 })]);
    await compareLayers([6], [tf.layers.dense({ units: 6 }), tf.layers.elu({})]);
    // tfjs-layers has no gradient for ThresholdedReLU (its VJP is checked against finite differences in core).
    await compareLayers([6], [tf.layers.dense({ units: 6 }), tf.layers.thresholdedReLU({ theta: 0.3 })], { gradient: false });
    await compareLayers([2, 3], [tf.layers.softmax({ axis: -1 })]);
    await compareLayers([5], [tf.layers.softmax({})]);
  });

  it('PReLU, per element and with shared axes', async () => {
    await compareLayers([5], [tf.layers.dense({ units: 4 }), tf.layers.prelu({})]);
    await compareLayers([3, 3, 2], [tf.layers.conv2d({ filters: 2, kernelSize: 2 }), tf.layers.prelu({ sharedAxes: [1, 2] })]);
  });
});
