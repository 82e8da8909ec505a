/**
 * Imported reference LayersModels: outputs match the recorded float32 outputs (PyTorch originals),
 * gradients match the reference executor and finite differences, no tensor leaks; cpu and wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceModel, type Graph, type Model, type Tensor } from '@glasswing/core';
import { createTfjsModel, importLayersModel, initTfjsBackend, loadLayersArtifacts } from '../src/index.js';
import { BACKENDS, expectClose, randomTensor } from './helpers.js';
import { MODELS, modelJson, recorded, type ModelId } from './fixtures.js';

const graphs = new Map<ModelId, Graph>();
beforeAll(async () => {
  for (const m of MODELS) graphs.set(m, importLayersModel(await loadLayersArtifacts(modelJson(m))));
});

describe('importLayersModel structure', () => {
  it('names nodes after Keras layers, NHWC LeNet', () => {
    const g = graphs.get('lenet_mnist')!;
    expect(g.inputs[0]!.shape).toEqual([-1, 28, 28, 1]);
    expect(g.nodes.map((n) => n.name)).toEqual(['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'flatten', 'fc1', 'relu3', 'fc2']);
    const conv1 = g.nodes[0]!;
    expect(conv1.op).toBe('Conv');
    expect(conv1.attrs).toMatchObject({ layout: 'NHWC', pads: [1, 1, 1, 1], strides: [1, 1], group: 1 });
    expect(g.initializers['conv1/kernel']!.shape).toEqual([3, 3, 1, 32]);
    expect(g.nodes.find((n) => n.name === 'fc1')!.op).toBe('Gemm');
    expect(g.outputs).toEqual(['fc2']);
    expect(g.metadata).toMatchObject({ source: 'tfjs-layers' });
  });
});

describe.each(BACKENDS)('imported reference models on %s', (backend) => {
  beforeAll(async () => {
    await initTfjsBackend(backend);
  });

  for (const m of MODELS) {
    describe(m, () => {
      let model: Model;
      let reference: Model;
      let before = 0;
      beforeAll(async () => {
        before = tf.memory().numTensors;
        model = await createTfjsModel(graphs.get(m)!, { backend });
        reference = createReferenceModel(graphs.get(m)!);
      });
      afterAll(async () => {
        await model.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });

      it('forward matches the recorded float32 outputs', async () => {
        const { inputs, outputs } = recorded(m);
        const y = await model.forward(inputs);
        expectClose(y, outputs, 1e-5, 1e-6);
        expect(model.backend).toBe(`tfjs-${backend}`);
      });

      it('gradients match the reference executor, with layer taps', async () => {
        const { inputs } = recorded(m);
        const n = inputs.shape[0]!;
        const indices = Array.from({ length: n }, (_, i) => i % model.outputShape[0]!);
        const layers = m === 'lenet_mnist' ? ['conv1', 'pool1', 'fc1'] : ['fc1', 'relu1'];
        const got = await model.gradient(inputs, { seed: { kind: 'index', indices }, layers });
        const want = await reference.gradient(inputs, { seed: { kind: 'index', indices }, layers });
        expectClose(got.outputs, want.outputs, 1e-5, 1e-6);
        expectClose(got.inputGradient, want.inputGradient, 1e-4, 1e-6);
        for (const l of layers) {
          expectClose(got.layers[l]!.activation, want.layers[l]!.activation, 1e-5, 1e-6);
          expectClose(got.layers[l]!.gradient, want.layers[l]!.gradient, 1e-4, 1e-6);
        }
      });

      it('no tensors leak across forward / gradient / activations', async () => {
        const { inputs } = recorded(m);
        const n = inputs.shape[0]!;
        // Warm-up (caches transformed weights once), then steady state.
        await model.gradient(inputs, { seed: { kind: 'index', indices: new Array(n).fill(0) } });
        const count = tf.memory().numTensors;
        await model.forward(inputs);
        await model.gradient(inputs, { seed: { kind: 'index', indices: new Array(n).fill(1) }, layers: [model.layerNames[0]!] });
        await model.activations(inputs, [...model.layerNames]);
        expect(tf.memory().numTensors).toBe(count);
      });

      if (m !== 'lenet_mnist') {
        it('input gradients match central finite differences', async () => {
          const x = randomTensor([2, ...model.inputShape], 31);
          const target = 1;
          const g = await model.gradient(x, { seed: { kind: 'index', indices: [target, target] } });
          const eps = 1e-3;
          const per = x.data.length / 2;
          const probes: Tensor[] = [];
          for (let i = 0; i < x.data.length; i++) {
            for (const s of [1, -1]) {
              const d = new Float32Array(x.data);
              d[i] = d[i]! + s * eps;
              probes.push({ shape: x.shape, data: d });
            }
          }
          // One batched forward over all perturbed inputs.
          const batch: Tensor = { shape: [probes.length * 2, ...model.inputShape], data: new Float32Array(probes.length * 2 * per) };
          probes.forEach((p, j) => batch.data.set(p.data, j * 2 * per));
          const y = await model.forward(batch);
          const k = model.outputShape[0]!;
          for (let i = 0; i < x.data.length; i++) {
            const row = Math.floor(i / per);
            const plus = y.data[((2 * i) * 2 + row) * k + target]!;
            const minus = y.data[((2 * i + 1) * 2 + row) * k + target]!;
            const fd = (plus - minus) / (2 * eps);
            expect(Math.abs(fd - g.inputGradient.data[i]!)).toBeLessThan(1e-3 + 1e-2 * Math.abs(fd));
          }
        });
      }
    });
  }
});
