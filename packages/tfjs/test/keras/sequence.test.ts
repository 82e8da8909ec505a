/**
 * Text / sequence layers vs tfjs-layers: Embedding, SimpleRNN, GRU, LSTM (unrolled; forward and input
 * gradient), return_sequences, go_backwards, Bidirectional (every merge mode), TimeDistributed,
 * RepeatVector, 1-D pooling on embeddings.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@glasswing/core';
import { initTfjsBackend } from '../../src/index.js';
import { rng } from '../helpers.js';
import { compareLayers } from './compare.js';

beforeAll(async () => {
  await initTfjsBackend('cpu');
});

const ids = (shape: [number, number], vocab: number, seed: number): Tensor => {
  const r = rng(seed);
  return { shape, data: Float32Array.from({ length: shape[0] * shape[1] }, () => Math.floor(r() * vocab)) };
};

describe('Embedding', () => {
  it('looks token ids up exactly (ids are integers; no gradient to ids)', async () => {
    const input = ids([3, 6], 11, 4);
    input.data[0] = 0;
    input.data[1] = 10;
    const { graph } = await compareLayers([6], [tf.layers.embedding({ inputDim: 11, outputDim: 4, name: 'emb' })], { input, gradient: false, atol: 0 });
    expect(graph.nodes.find((n) => n.name === 'emb')?.op).toBe('MatMul');
  });

  it('Embedding -> GlobalAveragePooling1D -> Dense, and Embedding -> Conv1D -> GlobalMaxPooling1D', async () => {
    await compareLayers([7], [tf.layers.embedding({ inputDim: 9, outputDim: 5 }), tf.layers.globalAveragePooling1d({}), tf.layers.dense({ units: 2, activation: 'softmax' })], {
      input: ids([2, 7], 9, 5),
      gradient: false,
    });
    await compareLayers([7], [tf.layers.embedding({ inputDim: 9, outputDim: 5 }), tf.layers.conv1d({ filters: 3, kernelSize: 3 }), tf.layers.globalMaxPooling1d({})], {
      input: ids([2, 7], 9, 6),
      gradient: false,
    });
  });
});

describe('recurrent layers (unrolled)', () => {
  const kinds = [
    ['SimpleRNN', (a: object) => tf.layers.simpleRNN({ units: 3, ...a })],
    ['GRU', (a: object) => tf.layers.gru({ units: 3, ...a })],
    ['LSTM', (a: object) => tf.layers.lstm({ units: 3, ...a })],
  ] as const;

  it.each(kinds)('%s: last state, full sequence, go_backwards, sigmoid / hard_sigmoid gates', async (kind, make) => {
    const { graph } = await compareLayers([5, 4], [make({ name: 'rnn' })]);
    expect(graph.nodes[graph.nodes.length - 1]!.name).toBe('rnn');
    expect(graph.nodes.filter((n) => /^rnn\/t\d\/x$/.test(n.name))).toHaveLength(5);
    await compareLayers([5, 4], [make({ returnSequences: true })], { seed: 2 });
    await compareLayers([5, 4], [make({ goBackwards: true, returnSequences: true })], { seed: 3 });
    if (kind !== 'SimpleRNN') await compareLayers([4, 2], [make({ recurrentActivation: 'sigmoid', activation: 'relu', useBias: false })], { seed: 4 });
    else await compareLayers([4, 2], [make({ activation: 'relu', useBias: false })], { seed: 4 });
  });

  it('stacked LSTMs over an embedding (a small text classifier)', async () => {
    await compareLayers(
      [6],
      [
        tf.layers.embedding({ inputDim: 12, outputDim: 4 }),
        tf.layers.lstm({ units: 5, returnSequences: true }),
        tf.layers.lstm({ units: 3 }),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
      { input: ids([2, 6], 12, 8), gradient: false },
    );
  });

  it('Bidirectional with each merge mode, with and without return_sequences', async () => {
    for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
      await compareLayers([4, 3], [tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2 }) as tf.RNN, mergeMode, name: 'bi' })], { seed: 11 });
    }
    const { graph } = await compareLayers([4, 3], [tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2, returnSequences: true }) as tf.RNN, name: 'bi' })], { seed: 12 });
    expect(graph.nodes[graph.nodes.length - 1]!.name).toBe('bi');
    await compareLayers([4, 3], [tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 2, returnSequences: true }) as tf.RNN, mergeMode: 'sum' })], { seed: 13 });
  });
});

describe('wrappers and sequence reshaping', () => {
  it('TimeDistributed(Dense) and TimeDistributed(Conv2D)', async () => {
    await compareLayers([4, 3], [tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'tanh' }) })]);
    await compareLayers([3, 5, 5, 2], [tf.layers.timeDistributed({ layer: tf.layers.conv2d({ filters: 2, kernelSize: 3 }) })]);
  });

  it('RepeatVector, then an RNN decoder', async () => {
    await compareLayers([3], [tf.layers.repeatVector({ n: 4 }), tf.layers.simpleRNN({ units: 2, returnSequences: true })]);
  });
});
