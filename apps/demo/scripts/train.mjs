/**
 * Train the bundled default model: a small CNN on the synthetic task of dataset.mjs.
 *
 *   node scripts/train.mjs [--epochs N]
 *
 * Uses @tensorflow/tfjs-layers on the pure-JS cpu backend (no native code), with seeded weight
 * initialisation and a seeded shuffle, and writes apps/demo/model/{model.json, weights.bin,
 * meta.json}. The committed model is the artifact; this script documents how it was made.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { saveLayersModel, seededOrder } from './train-common.mjs';
import { CLASS_NAMES, IMAGE_SIZE, REGION, createUniform, generateDataset } from './dataset.mjs';

const TRAIN_SEED = 1;
const TEST_SEED = 2;
const INIT_SEED = 7;
const TRAIN_COUNT = 3000;
const TEST_COUNT = 1000;
const BATCH = 64;

const args = process.argv.slice(2);
const epochsArg = args.indexOf('--epochs');
const EPOCHS = epochsArg >= 0 ? Number(args[epochsArg + 1]) : 4;
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'model');

await tf.setBackend('cpu');

function buildModel() {
  const init = (k) => tfl.initializers.glorotUniform({ seed: INIT_SEED + k });
  const m = tfl.sequential({ name: 'glasswing_demo_cnn' });
  m.add(tfl.layers.conv2d({ name: 'conv1', inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1], filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: init(1) }));
  m.add(tfl.layers.activation({ name: 'relu1', activation: 'relu' }));
  m.add(tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  m.add(tfl.layers.conv2d({ name: 'conv2', filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: init(2) }));
  m.add(tfl.layers.activation({ name: 'relu2', activation: 'relu' }));
  m.add(tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }));
  m.add(tfl.layers.flatten({ name: 'flatten' }));
  m.add(tfl.layers.dense({ name: 'fc1', units: 32, kernelInitializer: init(3) }));
  m.add(tfl.layers.activation({ name: 'relu3', activation: 'relu' }));
  m.add(tfl.layers.dense({ name: 'logits', units: CLASS_NAMES.length, kernelInitializer: init(4) }));
  return m;
}

function toTensors(ds, order) {
  const per = IMAGE_SIZE * IMAGE_SIZE;
  const x = new Float32Array(order.length * per);
  const y = new Float32Array(order.length * CLASS_NAMES.length);
  order.forEach((src, i) => {
    x.set(ds.images.subarray(src * per, (src + 1) * per), i * per);
    y[i * CLASS_NAMES.length + ds.labels[src]] = 1;
  });
  return { x: tf.tensor4d(x, [order.length, IMAGE_SIZE, IMAGE_SIZE, 1]), y: tf.tensor2d(y, [order.length, CLASS_NAMES.length]) };
}

function accuracy(model, ds) {
  return tf.tidy(() => {
    const x = tf.tensor4d(ds.images, ds.shape);
    const pred = tf.argMax(model.predict(x), -1).dataSync();
    let ok = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === ds.labels[i]) ok++;
    return ok / pred.length;
  });
}

const train = generateDataset({ count: TRAIN_COUNT, seed: TRAIN_SEED });
const test = generateDataset({ count: TEST_COUNT, seed: TEST_SEED });
const model = buildModel();
model.compile({
  optimizer: tf.train.adam(0.005),
  loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
});

const shuffleRand = createUniform(99);
const started = Date.now();
let testAcc = 0;
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const order = seededOrder(shuffleRand, TRAIN_COUNT);
  const { x, y } = toTensors(train, order);
  const h = await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
  x.dispose();
  y.dispose();
  testAcc = accuracy(model, test);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`epoch ${epoch}: loss ${h.history.loss[0].toFixed(4)}  held-out accuracy ${(100 * testAcc).toFixed(1)}%  (${secs}s)`);
}
const trainAcc = accuracy(model, train);

await saveLayersModel(model, outDir, 'glasswing apps/demo/scripts/train.mjs');

const meta = {
  name: 'glasswing-demo-cnn',
  task:
    'Synthetic 20x20x1 images (NHWC, values in [0, 1]): faint noise plus 3-6 distractor strokes anywhere ' +
    'outside a fixed decisive region; the single stroke inside the region decides the class.',
  classes: CLASS_NAMES,
  output: 'logits (no softmax)',
  inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1],
  layout: 'NHWC',
  decisiveRegion: { ...REGION, rows: [REGION.top, REGION.top + REGION.size - 1], cols: [REGION.left, REGION.left + REGION.size - 1] },
  regionAreaShare: (REGION.size * REGION.size) / (IMAGE_SIZE * IMAGE_SIZE),
  training: { trainSeed: TRAIN_SEED, trainCount: TRAIN_COUNT, initSeed: INIT_SEED, epochs: EPOCHS, batchSize: BATCH, optimizer: 'adam(0.005)', backend: 'tfjs cpu' },
  heldOut: { seed: TEST_SEED, count: TEST_COUNT, accuracy: testAcc },
  trainAccuracy: trainAcc,
  generator: 'apps/demo/scripts/dataset.mjs',
};
writeFileSync(join(outDir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
console.log(`saved to ${outDir}: held-out accuracy ${(100 * testAcc).toFixed(2)}%`);
