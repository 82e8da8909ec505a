// Plain-Node smoke test of the BUILT package (run `npx tsc -p tsconfig.build.json` first):
// tfjs-core is loaded as plain Node loads it (its CommonJS bundle, which registers no gradients),
// so this checks that our gradient registration, wasm path resolution and the importer work
// outside vitest. Exits non-zero on failure.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { fromTfjsFunction, fromTfjsLayers } from '../dist/index.js';

const lenet = fileURLToPath(new URL('../test/fixtures/lenet_mnist/model.json', import.meta.url));

for (const backend of ['cpu', 'wasm']) {
  const model = await fromTfjsLayers(lenet, { backend });
  assert.equal(tf.getBackend(), backend);
  const n = 3;
  const x = { shape: [n, 28, 28, 1], data: Float32Array.from({ length: n * 784 }, (_, i) => ((i * 7919) % 1000) / 1000) };
  const y = await model.forward(x);
  assert.deepEqual(y.shape, [n, 10]);
  const g = await model.gradient(x, { seed: { kind: 'index', indices: [0, 1, 2] }, layers: ['conv1'] });
  assert.deepEqual(g.inputGradient.shape, [n, 28, 28, 1]);
  assert.ok(g.inputGradient.data.some((v) => v !== 0));
  await model.dispose();

  // tf.grad through a user function needs registered gradients (absent from tfjs-core's CJS bundle).
  const w = tf.tensor4d(Float32Array.from({ length: 9 * 2 }, (_, i) => (i % 5) / 5 - 0.4), [3, 3, 1, 2]);
  const f = (t) => tf.softmax(tf.reshape(tf.maxPool(tf.relu(tf.conv2d(t, w, 1, 'same')), 2, 2, 'valid'), [t.shape[0], -1]));
  const fm = await fromTfjsFunction(f, { inputShape: [4, 4, 1], outputShape: [8], backend });
  const before = tf.memory().numTensors;
  const fg = await fm.gradient({ shape: [1, 4, 4, 1], data: Float32Array.from({ length: 16 }, (_, i) => i / 16) }, { seed: { kind: 'index', indices: [3] } });
  assert.equal(fg.inputGradient.data.length, 16);
  assert.ok(fg.inputGradient.data.some((v) => v !== 0));
  assert.equal(tf.memory().numTensors, before);
  w.dispose();
  console.log(`smoke ok on ${backend}: logits[0] = ${Array.from(y.data.subarray(0, 3)).map((v) => v.toFixed(4)).join(', ')}, ...`);
}
