/**
 * Test harness for the Keras layer importers: a tiny tfjs-layers model is serialised exactly as
 * `model.save` writes it, imported with our importer, and compared with tfjs-layers itself: the
 * forward pass (predict) to 1e-5 and the input gradient of a random output seed against tf.grad
 * through the tfjs-layers model.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { Graph, Model, Tensor } from '@glasswing/core';
import { createTfjsModel, importLayersModel, type LayersArtifacts } from '../../src/index.js';
import { expectClose, randomTensor } from '../helpers.js';

export async function saveArtifacts(model: tf.LayersModel): Promise<LayersArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const data = saved!.weightData;
  const weightData = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
  return { modelTopology: saved!.modelTopology, weightSpecs: saved!.weightSpecs ?? [], weightData, source: model.name };
}

/** Give every weight of the model deterministic values in [lo, hi) (so biases are not zero). */
export function randomizeWeights(model: tf.LayersModel, seed: number, lo = -0.6, hi = 0.6): void {
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(randomTensor(w.shape, seed + i, lo, hi).data, w.shape)));
}

export interface CompareOptions {
  readonly batch?: number;
  /** The model input; default uniform in [lo, hi). */
  readonly input?: Tensor;
  readonly lo?: number;
  readonly hi?: number;
  readonly seed?: number;
  /**
   * The input-gradient reference: 'tfjs' (tf.grad through the tfjs-layers model, default), 'fd' (central
   * finite differences of our own forward, for layers whose tfjs gradient is wrong or missing), or false.
   */
  readonly gradient?: 'tfjs' | 'fd' | false;
  readonly atol?: number;
  readonly gradAtol?: number;
  /** Import these artifacts instead of the model's own (e.g. an edited config of the same model). */
  readonly artifacts?: LayersArtifacts;
}

export interface Compared {
  readonly graph: Graph;
  readonly model: Model;
}

export async function compareWithTfjs(keras: tf.LayersModel, options: CompareOptions = {}): Promise<Compared> {
  const artifacts = options.artifacts ?? (await saveArtifacts(keras));
  const graph = importLayersModel(artifacts);
  const model = await createTfjsModel(graph, { backend: 'cpu' });
  const shape = [options.batch ?? 2, ...(keras.inputs[0]!.shape.slice(1) as number[])];
  const x = options.input ?? randomTensor(shape, options.seed ?? 1, options.lo ?? -1.5, options.hi ?? 1.5);
  const xt = tf.tensor(x.data, [...x.shape]);
  const yt = keras.predict(xt) as tf.Tensor;
  const expected: Tensor = { shape: yt.shape, data: Float32Array.from(await yt.data()) };
  const ours = await model.forward(x);
  expectClose(ours, expected, 1e-5, options.atol ?? 1e-5);
  if (options.gradient === 'fd') await checkFiniteDifferences(model, x, expected.shape, options.seed ?? 1);
  else if (options.gradient !== false) {
    const seed = randomTensor(expected.shape, (options.seed ?? 1) + 100);
    const st = tf.tensor(seed.data, [...seed.shape]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(keras.apply(v, { training: false }) as tf.Tensor, st)))(xt);
    const want: Tensor = { shape: g.shape, data: Float32Array.from(await g.data()) };
    const got = await model.gradient(x, { seed: { kind: 'tensor', seed } });
    expectClose(got.inputGradient, want, 1e-4, options.gradAtol ?? 1e-5);
    expect(Math.max(...Array.from(want.data, Math.abs)), 'the gradient is not trivially zero').toBeGreaterThan(1e-4);
    tf.dispose([st, g]);
  }
  tf.dispose([xt, yt]);
  return { graph, model };
}

/** ⟨seed, f(x)⟩'s input gradient vs central differences (step 1e-2, in float64 sums of float32 outputs). */
export async function checkFiniteDifferences(model: Model, x: Tensor, outShape: readonly number[], seedNo: number, tol = 2e-3): Promise<void> {
  const seed = randomTensor(outShape, seedNo + 100);
  const got = await model.gradient(x, { seed: { kind: 'tensor', seed } });
  const dot = (y: Tensor): number => y.data.reduce((acc, v, i) => acc + v * seed.data[i]!, 0);
  const eps = 1e-2;
  const n = x.data.length;
  const batch: Float32Array[] = [];
  for (let j = 0; j < n; j++) {
    for (const d of [eps, -eps]) {
      const data = Float32Array.from(x.data);
      data[j] = data[j]! + d;
      batch.push(data);
    }
  }
  // One batched forward for all perturbations: [2n·N, ...].
  const per = x.data.length;
  const all = new Float32Array(batch.length * per);
  batch.forEach((b, i) => all.set(b, i * per));
  const ys = await model.forward({ shape: [batch.length * x.shape[0]!, ...x.shape.slice(1)], data: all });
  const outPer = ys.data.length / batch.length;
  const fd = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    const at = (i: number): number => dot({ shape: outShape, data: ys.data.subarray(i * outPer, (i + 1) * outPer) });
    fd[j] = (at(2 * j) - at(2 * j + 1)) / (2 * eps);
  }
  expectClose(got.inputGradient, { shape: x.shape, data: fd }, tol, tol);
}

/** Build a Sequential model of `layers` on inputs of shape `inputShape`, randomise its weights, compare. */
export async function compareLayers(inputShape: number[], layers: tf.layers.Layer[], options: CompareOptions = {}): Promise<Compared> {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape }));
  for (const l of layers) model.add(l);
  randomizeWeights(model, options.seed ?? 3);
  return compareWithTfjs(model, options);
}
