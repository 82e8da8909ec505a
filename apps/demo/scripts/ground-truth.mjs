/**
 * Build the ground-truth benchmark tasks bundled with the CLI (`glasswing evaluate --task`):
 *
 *   node scripts/ground-truth.mjs            (from apps/demo; about 20 s on one core)
 *
 * writes packages/cli/ground-truth/<task>/{model.json, weights.bin, inputs.json, masks.json,
 * labels.json, meta.json} for
 *   image    the demo CNN (a byte copy of apps/demo/model) and EXAMPLES fresh demo images
 *            (dataset.mjs, seed IMAGE_SEED, never used in training); masks = the decisive region;
 *   tabular  a small MLP (10 → 32 → 16 → 2, relu) trained here with tfjs-layers on the pure-JS cpu
 *            backend (seeded initialisers and shuffle, deterministic) on ground-truth-data.mjs's
 *            task, and EXAMPLES fresh rows; masks = the three decisive features.
 * The committed files are the artifacts; this script documents how they were made
 * (apps/demo/test/ground-truth.test.mjs checks that they still match the generators).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { saveLayersModel, seededOrder } from './train-common.mjs';
import { CLASS_NAMES, IMAGE_SIZE, REGION, createUniform, generateDataset, regionMask } from './dataset.mjs';
import { TABULAR_CLASSES, TABULAR_DECISIVE, TABULAR_DECOY, TABULAR_FEATURES, TABULAR_NOISE, TABULAR_RULE, generateTabular, tabularMask } from './ground-truth-data.mjs';

export const EXAMPLES = 32;
export const IMAGE_SEED = 4242;
export const TABULAR = Object.freeze({ trainSeed: 31, testSeed: 32, sampleSeed: 33, initSeed: 37, shuffleSeed: 39, trainCount: 4000, testCount: 2000, epochs: 40, batch: 64 });

const here = dirname(fileURLToPath(import.meta.url));
const outRoot = join(here, '..', '..', '..', 'packages', 'cli', 'ground-truth');
const F = TABULAR_FEATURES.length;

/** Shortest decimal that reads back to the same float32. */
const f32 = (v) => {
  for (let p = 6; p <= 9; p++) if (Math.fround(Number(v.toPrecision(p))) === v) return Number(v.toPrecision(p));
  return v;
};
const tensorJson = (shape, data) => JSON.stringify({ shape, data: Array.from(data, f32) }) + '\n';
const repeat = (one, n) => {
  const out = new Float32Array(one.length * n);
  for (let i = 0; i < n; i++) out.set(one, i * one.length);
  return out;
};

function writeTask(dir, { inputs, shape, masks, labels, meta }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'inputs.json'), tensorJson(shape, inputs));
  writeFileSync(join(dir, 'masks.json'), tensorJson(shape, masks));
  writeFileSync(join(dir, 'labels.json'), JSON.stringify(Array.from(labels)) + '\n');
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
}

// --- image: the demo model and fresh demo images ---------------------------------------------
const imageDir = join(outRoot, 'image');
mkdirSync(imageDir, { recursive: true });
for (const f of ['model.json', 'weights.bin']) copyFileSync(join(here, '..', 'model', f), join(imageDir, f));
const images = generateDataset({ count: EXAMPLES, seed: IMAGE_SEED });
writeTask(imageDir, {
  inputs: images.images,
  shape: images.shape,
  masks: repeat(regionMask(), EXAMPLES),
  labels: images.labels,
  meta: {
    task: 'image',
    description: 'The demo task: 20x20x1 images; only the stroke inside the 6x6 region (rows 3-8, columns 11-16) decides the class.',
    model: 'a byte copy of apps/demo/model (apps/demo/scripts/train.mjs)',
    classes: CLASS_NAMES,
    layout: 'NHWC',
    region: { ...REGION, rows: [REGION.top, REGION.top + REGION.size - 1], cols: [REGION.left, REGION.left + REGION.size - 1] },
    maskShare: (REGION.size * REGION.size) / (IMAGE_SIZE * IMAGE_SIZE),
    examples: { count: EXAMPLES, seed: IMAGE_SEED, generator: 'apps/demo/scripts/dataset.mjs' },
  },
});

// --- tabular: train the MLP ------------------------------------------------------------------
await tf.setBackend('cpu');
const T = TABULAR;
function buildModel() {
  const init = (k) => tfl.initializers.glorotUniform({ seed: T.initSeed + k });
  const m = tfl.sequential({ name: 'glasswing_ground_truth_mlp' });
  m.add(tfl.layers.dense({ name: 'fc1', inputShape: [F], units: 32, activation: 'relu', kernelInitializer: init(1) }));
  m.add(tfl.layers.dense({ name: 'fc2', units: 16, activation: 'relu', kernelInitializer: init(2) }));
  m.add(tfl.layers.dense({ name: 'logits', units: 2, kernelInitializer: init(3) }));
  return m;
}
function accuracy(model, ds) {
  return tf.tidy(() => {
    const pred = tf.argMax(model.predict(tf.tensor2d(ds.x, [ds.count, F])), -1).dataSync();
    let ok = 0;
    for (let i = 0; i < ds.count; i++) if (pred[i] === ds.labels[i]) ok++;
    return ok / ds.count;
  });
}
const train = generateTabular({ count: T.trainCount, seed: T.trainSeed });
const test = generateTabular({ count: T.testCount, seed: T.testSeed });
const model = buildModel();
model.compile({ optimizer: tf.train.adam(0.005), loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred) });
const shuffle = createUniform(T.shuffleSeed);
const started = Date.now();
for (let epoch = 1; epoch <= T.epochs; epoch++) {
  const order = seededOrder(shuffle, T.trainCount);
  const xb = new Float32Array(T.trainCount * F);
  const yb = new Float32Array(T.trainCount * 2);
  order.forEach((src, i) => {
    xb.set(train.x.subarray(src * F, (src + 1) * F), i * F);
    yb[i * 2 + train.labels[src]] = 1;
  });
  const x = tf.tensor2d(xb, [T.trainCount, F]);
  const y = tf.tensor2d(yb, [T.trainCount, 2]);
  const h = await model.fit(x, y, { epochs: 1, batchSize: T.batch, shuffle: false, verbose: 0 });
  x.dispose();
  y.dispose();
  if (epoch % 10 === 0) console.log(`epoch ${epoch}: loss ${h.history.loss[0].toFixed(4)}  held-out accuracy ${(100 * accuracy(model, test)).toFixed(1)}%  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
const tabularDir = join(outRoot, 'tabular');
await saveLayersModel(model, tabularDir, 'glasswing apps/demo/scripts/ground-truth.mjs');
const sample = generateTabular({ count: EXAMPLES, seed: T.sampleSeed });
const heldOut = accuracy(model, test);
writeTask(tabularDir, {
  inputs: sample.x,
  shape: [EXAMPLES, F],
  masks: repeat(tabularMask(), EXAMPLES),
  labels: sample.labels,
  meta: {
    task: 'tabular',
    description: `10 named features; ${TABULAR_RULE}; noise_* are independent standard normals; decoy_a = signal_a + 0.5 * N(0, 1) is correlated with signal_a but not in the rule.`,
    features: TABULAR_FEATURES,
    decisive: TABULAR_DECISIVE.map((j) => TABULAR_FEATURES[j]),
    decoy: TABULAR_FEATURES[TABULAR_DECOY],
    noise: TABULAR_NOISE.map((j) => TABULAR_FEATURES[j]),
    classes: TABULAR_CLASSES,
    output: 'logits (no softmax)',
    training: { ...T, optimizer: 'adam(0.005)', backend: 'tfjs cpu', generator: 'apps/demo/scripts/ground-truth-data.mjs' },
    heldOut: { seed: T.testSeed, count: T.testCount, accuracy: heldOut },
    trainAccuracy: accuracy(model, train),
    examples: { count: EXAMPLES, seed: T.sampleSeed },
  },
});
console.log(`wrote ${outRoot}: tabular held-out accuracy ${(100 * heldOut).toFixed(2)}% in ${((Date.now() - started) / 1000).toFixed(1)} s`);
