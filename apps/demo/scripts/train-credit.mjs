/**
 * Train the tabular demo model: a small MLP on the synthetic credit task of credit-data.mjs.
 *
 *   node scripts/train-credit.mjs [--epochs N]
 *
 * tfjs-layers on the pure-JS cpu backend, seeded initialisers and a seeded shuffle. The network
 * trains on standardized features; the standardization is then folded into the first Dense layer
 * (W' = W / σ, b' = b − (μ / σ)·W) so the saved model takes the RAW features (income in k$, …) and
 * rules read in the applicant's units. Writes apps/demo/credit/{model.json, weights.bin,
 * meta.json, data.csv, labels.csv}. The committed model is the artifact; this script documents
 * how it was made.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { saveLayersModel, seededOrder } from './train-common.mjs';
import { CLASS_NAMES, FEATURES, LABEL_NOISE, generateCredit } from './credit-data.mjs';
import { createUniform } from './dataset.mjs';

const TRAIN_SEED = 11;
const TEST_SEED = 12;
const SAMPLE_SEED = 13;
const INIT_SEED = 17;
const TRAIN_COUNT = 4000;
const TEST_COUNT = 2000;
const SAMPLE_COUNT = 1000;
const BATCH = 64;
const F = FEATURES.length;

const args = process.argv.slice(2);
const epochsArg = args.indexOf('--epochs');
const EPOCHS = epochsArg >= 0 ? Number(args[epochsArg + 1]) : 60;
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'credit');

await tf.setBackend('cpu');

function buildModel() {
  const init = (k) => tfl.initializers.glorotUniform({ seed: INIT_SEED + k });
  const m = tfl.sequential({ name: 'glasswing_credit_mlp' });
  m.add(tfl.layers.dense({ name: 'fc1', inputShape: [F], units: 24, kernelInitializer: init(1) }));
  m.add(tfl.layers.activation({ name: 'relu1', activation: 'relu' }));
  m.add(tfl.layers.dense({ name: 'fc2', units: 12, kernelInitializer: init(2) }));
  m.add(tfl.layers.activation({ name: 'relu2', activation: 'relu' }));
  m.add(tfl.layers.dense({ name: 'logits', units: CLASS_NAMES.length, kernelInitializer: init(3) }));
  return m;
}

const train = generateCredit({ count: TRAIN_COUNT, seed: TRAIN_SEED });
const test = generateCredit({ count: TEST_COUNT, seed: TEST_SEED });
const mean = new Float64Array(F);
const std = new Float64Array(F);
for (let j = 0; j < F; j++) {
  let s = 0;
  for (let i = 0; i < TRAIN_COUNT; i++) s += train.x[i * F + j];
  mean[j] = s / TRAIN_COUNT;
  let v = 0;
  for (let i = 0; i < TRAIN_COUNT; i++) v += (train.x[i * F + j] - mean[j]) ** 2;
  std[j] = Math.sqrt(v / TRAIN_COUNT) || 1;
}
const standardize = (x) => x.map((v, k) => (v - mean[k % F]) / std[k % F]);

function accuracy(model, ds, raw) {
  return tf.tidy(() => {
    const x = tf.tensor2d(raw ? ds.x : standardize(ds.x), [ds.count, F]);
    const pred = tf.argMax(model.predict(x), -1).dataSync();
    let ok = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === ds.labels[i]) ok++;
    return ok / pred.length;
  });
}

const model = buildModel();
model.compile({ optimizer: tf.train.adam(0.01), loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred) });
const xs = standardize(train.x);
const shuffleRand = createUniform(99);
let testAcc = 0;
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const order = seededOrder(shuffleRand, TRAIN_COUNT);
  const xb = new Float32Array(TRAIN_COUNT * F);
  const yb = new Float32Array(TRAIN_COUNT * 2);
  order.forEach((src, i) => {
    xb.set(xs.subarray(src * F, (src + 1) * F), i * F);
    yb[i * 2 + train.labels[src]] = 1;
  });
  const x = tf.tensor2d(xb, [TRAIN_COUNT, F]);
  const y = tf.tensor2d(yb, [TRAIN_COUNT, 2]);
  const h = await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
  x.dispose();
  y.dispose();
  if (epoch % 10 === 0 || epoch === EPOCHS) {
    testAcc = accuracy(model, test, false);
    console.log(`epoch ${epoch}: loss ${h.history.loss[0].toFixed(4)}  held-out accuracy ${(100 * testAcc).toFixed(1)}%`);
  }
}

// Fold the standardization into fc1 so the saved model takes raw features.
const raw = buildModel();
const [w1, b1, ...rest] = model.getWeights();
const w = w1.arraySync();
const b = b1.arraySync();
const w1f = w.map((row, j) => row.map((v) => v / std[j]));
const b1f = b.map((bv, u) => bv - w.reduce((s, row, j) => s + (mean[j] / std[j]) * row[u], 0));
raw.setWeights([tf.tensor2d(w1f), tf.tensor1d(b1f), ...rest]);
const rawTestAcc = accuracy(raw, test, true);
const trainAcc = accuracy(raw, train, true);
let truthAgree = 0;
tf.tidy(() => {
  const pred = tf.argMax(raw.predict(tf.tensor2d(test.x, [TEST_COUNT, F])), -1).dataSync();
  for (let i = 0; i < TEST_COUNT; i++) if (pred[i] === test.truth[i]) truthAgree++;
});

await saveLayersModel(raw, outDir, 'glasswing apps/demo/scripts/train-credit.mjs');

// The CSV sample (a fresh draw): features with a header; labels in their own file.
const sample = generateCredit({ count: SAMPLE_COUNT, seed: SAMPLE_SEED });
const fmt = (v, j) => (j === 1 ? v.toFixed(2) : String(Math.round(v)));
const lines = [FEATURES.join(',')];
for (let i = 0; i < SAMPLE_COUNT; i++) lines.push(Array.from(sample.x.subarray(i * F, (i + 1) * F), fmt).join(','));
writeFileSync(join(outDir, 'data.csv'), lines.join('\n') + '\n');
writeFileSync(join(outDir, 'labels.csv'), ['approved', ...sample.labels].join('\n') + '\n');
const sampleAcc = accuracy(raw, sample, true);

const meta = {
  name: 'glasswing-credit-mlp',
  task:
    'Synthetic credit scoring: 8 named raw features; label 1 (approve) iff late_payments <= 1 and debt_ratio < 0.45 and income >= 25, ' +
    `or income >= 90 and late_payments <= 3, or savings >= 80 and debt_ratio < 0.6; then ${LABEL_NOISE * 100}% of labels flipped.`,
  features: FEATURES,
  classes: CLASS_NAMES,
  output: 'logits (no softmax)',
  inputShape: [F],
  standardizationFoldedIntoFc1: { mean: Array.from(mean), std: Array.from(std) },
  training: { trainSeed: TRAIN_SEED, trainCount: TRAIN_COUNT, initSeed: INIT_SEED, epochs: EPOCHS, batchSize: BATCH, optimizer: 'adam(0.01)', backend: 'tfjs cpu' },
  heldOut: { seed: TEST_SEED, count: TEST_COUNT, accuracy: rawTestAcc, agreementWithNoiselessRule: truthAgree / TEST_COUNT },
  trainAccuracy: trainAcc,
  sample: { file: 'data.csv', labels: 'labels.csv', seed: SAMPLE_SEED, count: SAMPLE_COUNT, accuracy: sampleAcc },
  generator: 'apps/demo/scripts/credit-data.mjs',
};
writeFileSync(join(outDir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
console.log(`saved to ${outDir}: held-out accuracy ${(100 * rawTestAcc).toFixed(2)}% (standardized ${(100 * testAcc).toFixed(2)}%), rule agreement ${(100 * truthAgree / TEST_COUNT).toFixed(1)}%, sample ${(100 * sampleAcc).toFixed(1)}%`);
