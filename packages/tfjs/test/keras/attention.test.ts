/**
 * MultiHeadAttention (tfjs-layers has none): hand-written Keras 2 and Keras 3 model.json files
 * (self-attention with `value` as a call keyword; cross-attention with positional query / value),
 * against a float64 reference written from the Keras definition, and gradients against finite
 * differences; core's attention detection finds the imported layer's probabilities.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceModel, findAttentionNodes, type Tensor } from '@glasswing/core';
import { importLayersModel, type LayersArtifacts } from '../../src/index.js';
import { expectClose, randomTensor } from '../helpers.js';
import { checkFiniteDifferences } from './compare.js';

const [T, D, H, K, V, DOUT] = [4, 5, 2, 3, 2, 5];

interface Weights {
  readonly q: Tensor;
  readonly qb: Tensor;
  readonly k: Tensor;
  readonly kb: Tensor;
  readonly v: Tensor;
  readonly vb: Tensor;
  readonly o: Tensor;
  readonly ob: Tensor;
}

const weights: Weights = {
  q: randomTensor([D, H, K], 1),
  qb: randomTensor([H, K], 2),
  k: randomTensor([D, H, K], 3),
  kb: randomTensor([H, K], 4),
  v: randomTensor([D, H, V], 5),
  vb: randomTensor([H, V], 6),
  o: randomTensor([H, V, DOUT], 7),
  ob: randomTensor([DOUT], 8),
};

function manifest(layer: string): { specs: { name: string; shape: number[]; dtype: string }[]; data: Uint8Array } {
  const entries: [string, Tensor][] = [
    ['query/kernel', weights.q],
    ['query/bias', weights.qb],
    ['key/kernel', weights.k],
    ['key/bias', weights.kb],
    ['value/kernel', weights.v],
    ['value/bias', weights.vb],
    ['attention_output/kernel', weights.o],
    ['attention_output/bias', weights.ob],
  ];
  const data = new Float32Array(entries.reduce((n, [, t]) => n + t.data.length, 0));
  let o = 0;
  for (const [, t] of entries) {
    data.set(t.data, o);
    o += t.data.length;
  }
  return { specs: entries.map(([n, t]) => ({ name: `${layer}/${n}`, shape: [...t.shape], dtype: 'float32' })), data: new Uint8Array(data.buffer) };
}

const mhaConfig = { name: 'mha', num_heads: H, key_dim: K, value_dim: V, use_bias: true, attention_axes: null, dropout: 0.1 };

/** Keras 2 functional model: mha(x, value=x), then Flatten. */
function keras2SelfAttention(): LayersArtifacts {
  const { specs, data } = manifest('mha');
  return {
    modelTopology: {
      keras_version: '2.15.0',
      model_config: {
        class_name: 'Functional',
        config: {
          name: 'attn',
          layers: [
            { class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_input_shape: [null, T, D] }, inbound_nodes: [] },
            { class_name: 'MultiHeadAttention', name: 'mha', config: mhaConfig, inbound_nodes: [[['x', 0, 0, { value: ['x', 0, 0] }]]] },
            { class_name: 'Flatten', name: 'flat', config: { name: 'flat' }, inbound_nodes: [[['mha', 0, 0, {}]]] },
          ],
          input_layers: [['x', 0, 0]],
          output_layers: [['flat', 0, 0]],
        },
      },
    },
    weightSpecs: specs,
    weightData: data,
  };
}

const kt = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, T, D], dtype: 'float32', keras_history: [layer, 0, 0] } });

/** Keras 3 functional model: q = Dense(x); mha(q, x) with positional args; Flatten. */
function keras3CrossAttention(): LayersArtifacts {
  const { specs, data } = manifest('mha');
  const dw = randomTensor([D, D], 9);
  const all = new Uint8Array(dw.data.byteLength + data.byteLength);
  all.set(new Uint8Array(dw.data.buffer), 0);
  all.set(data, dw.data.byteLength);
  return {
    modelTopology: {
      keras_version: '3.3.3',
      model_config: {
        class_name: 'Functional',
        config: {
          name: 'attn3',
          layers: [
            { class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_shape: [null, T, D] }, inbound_nodes: [] },
            { class_name: 'Dense', name: 'q', config: { name: 'q', units: D, use_bias: false, activation: 'tanh' }, inbound_nodes: [{ args: [kt('x')], kwargs: {} }] },
            { class_name: 'MultiHeadAttention', name: 'mha', config: mhaConfig, inbound_nodes: [{ args: [kt('q'), kt('x')], kwargs: { training: false } }] },
            { class_name: 'Flatten', name: 'flat', config: { name: 'flat' }, inbound_nodes: [{ args: [kt('mha')], kwargs: {} }] },
          ],
          input_layers: [['x', 0, 0]],
          output_layers: [['flat', 0, 0]],
        },
      },
    },
    weightSpecs: [{ name: 'q/kernel', shape: [D, D], dtype: 'float32' }, ...specs],
    weightData: all,
  };
}

/** Keras' MultiHeadAttention in float64 for one example: query [T, D], value = key [S, D] -> [T, DOUT]. */
function referenceMha(query: number[][], value: number[][]): number[][] {
  const proj = (x: number[][], w: Tensor, b: Tensor, dim: number) =>
    x.map((row) => Array.from({ length: H }, (_, h) => Array.from({ length: dim }, (_, d) => b.data[h * dim + d]! + row.reduce((s, xv, i) => s + xv * w.data[(i * H + h) * dim + d]!, 0))));
  const q = proj(query, weights.q, weights.qb, K);
  const k = proj(value, weights.k, weights.kb, K);
  const v = proj(value, weights.v, weights.vb, V);
  return query.map((_, t) => {
    const ctx = Array.from({ length: H }, (_, h) => {
      const logits = value.map((_, s) => q[t]![h]!.reduce((acc, qv, d) => acc + (qv / Math.sqrt(K)) * k[s]![h]![d]!, 0));
      const m = Math.max(...logits);
      const e = logits.map((l) => Math.exp(l - m));
      const z = e.reduce((a, b) => a + b, 0);
      return Array.from({ length: V }, (_, d) => value.reduce((acc, _, s) => acc + (e[s]! / z) * v[s]![h]![d]!, 0));
    });
    return Array.from({ length: DOUT }, (_, o) => weights.ob.data[o]! + ctx.reduce((acc, hv, h) => acc + hv.reduce((a2, cv, d) => a2 + cv * weights.o.data[(h * V + d) * DOUT + o]!, 0), 0));
  });
}

const rows = (t: Tensor, n: number, steps: number, width: number): number[][] =>
  Array.from({ length: steps }, (_, s) => Array.from(t.data.subarray((n * steps + s) * width, (n * steps + s + 1) * width)));

describe('MultiHeadAttention', () => {
  const x = randomTensor([2, T, D], 11);

  it('Keras 2 self-attention (value as a call keyword) equals the Keras definition; gradients match finite differences', async () => {
    const graph = importLayersModel(keras2SelfAttention());
    expect(graph.nodes.find((n) => n.name === 'mha/scores')?.op).toBe('Softmax');
    const model = createReferenceModel(graph);
    const want = new Float32Array(2 * T * DOUT);
    for (let n = 0; n < 2; n++) want.set(referenceMha(rows(x, n, T, D), rows(x, n, T, D)).flat(), n * T * DOUT);
    expectClose(await model.forward(x), { shape: [2, T * DOUT], data: want }, 1e-5, 1e-6);
    await checkFiniteDifferences(model, x, [2, T * DOUT], 3);
  });

  it('Keras 3 cross-attention (query and value positional, value from another layer)', async () => {
    const a = keras3CrossAttention();
    const model = createReferenceModel(importLayersModel(a));
    const dw = randomTensor([D, D], 9);
    const want = new Float32Array(2 * T * DOUT);
    for (let n = 0; n < 2; n++) {
      const xs = rows(x, n, T, D);
      const q = xs.map((r) => Array.from({ length: D }, (_, j) => Math.tanh(r.reduce((s, v, i) => s + v * dw.data[i * D + j]!, 0))));
      want.set(referenceMha(q, xs).flat(), n * T * DOUT);
    }
    expectClose(await model.forward(x), { shape: [2, T * DOUT], data: want }, 1e-5, 1e-6);
    await checkFiniteDifferences(model, x, [2, T * DOUT], 4);
  });

  it("attention detection finds the layer's probabilities (one node, all heads) and nothing else", () => {
    for (const graph of [importLayersModel(keras2SelfAttention()), importLayersModel(keras3CrossAttention())]) {
      expect(findAttentionNodes(graph).map((n) => ({ name: n.name, layer: n.layer, heads: n.heads, queries: n.queries, keys: n.keys }))).toEqual([
        { name: 'mha/scores', layer: 0, heads: H, queries: T, keys: T },
      ]);
    }
  });
});
