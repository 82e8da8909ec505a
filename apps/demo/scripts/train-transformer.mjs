/**
 * Train the bundled small transformer (issue 12, attention): a 2-layer, 2-head sequence classifier
 * on a synthetic task whose answer is decided by one known token.
 *
 *   node scripts/train-transformer.mjs [--steps N]
 *
 * Task. A sequence is 10 tokens from an 8-token vocabulary: position 0 is always [CLS]; exactly
 * one of the positions 1..9 holds a MARKER, A or B; the other positions hold distractors c..g
 * drawn uniformly. Label 0 when the marker is A, 1 when it is B. The decisive token of every
 * example is therefore known: the marker's position.
 *
 * Input. The model's input is the ONE-HOT token matrix [N, 10, 8] (float), not integer ids: the
 * graph IR takes Gather indices as constants, and gradients must flow through the embedding
 * (MatMul(one-hot, E)) to the attention probabilities. tokensToOneHot() below builds it.
 *
 * Architecture (post-LayerNorm encoder, d_model 16, 2 heads of 8, FFN 32):
 *   h0 = onehot·E + P
 *   per layer l, head j: q = h·Wq + bq, k = h·Wk + bk, v = h·Wv + bv,
 *        A = Softmax(MatMul(q, Transpose(k)) · 1/√8), ctx = MatMul(A, v)
 *   h = LayerNorm(h + Concat(ctx_0, ctx_1)·Wo + bo); h = LayerNorm(h + Relu(h·W1 + b1)·W2 + b2)
 *   probabilities = Softmax(h[:, 0]·Wc + bc)
 * Trained with tfjs-core autodiff (Adam, cross-entropy with label smoothing 0.1, seeded init and data) on the pure-JS cpu backend, then
 * written twice, node by node, from the same weights:
 *   transformer/model.onnx        ONNX opset 17 built with @glasswing/onnx's proto builders
 *   transformer/model.graph.json  the same network as a Glasswing graph JSON
 *   transformer/tfjs/model.json   the same weights as a TensorFlow.js LayersModel (+ weights.bin),
 *                                 built from tfjs-layers' own layer classes (see exportLayersModel)
 *   transformer/meta.json         vocabulary, labels, the test accuracy, sample inputs
 * The committed files are the artifact; this script documents how they were made.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers registers tfjs-core's gradient functions (autodiff below needs them) and builds the
// TensorFlow.js LayersModel export.
import * as tfl from '@tensorflow/tfjs-layers';
import { encodeModel, intsToProto, makeModel, makeNode, makeValueInfo, tensorToProto } from '@glasswing/onnx';
import { LABELS, SEQ, VOCAB, makeDataset, prng, tokensToOneHot } from './transformer-data.mjs';

const V = VOCAB.length;
const D = 16;
const HEADS = 2;
const DH = D / HEADS;
const FF = 32;
const LAYERS = 2;
const EPS = 1e-5;
const LABEL_SMOOTHING = 0.1;

const args = process.argv.slice(2);
const stepsArg = args.indexOf('--steps');
const STEPS = stepsArg >= 0 ? Number(args[stepsArg + 1]) : 300;
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'transformer');

// ---- parameters ----
const rand = prng(7);
function normal() {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
const params = {};
function param(name, shape, std) {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: size }, () => (std === 0 ? 0 : normal() * std));
  params[name] = tf.variable(tf.tensor(data, shape), true, name);
}
function ones(name, shape) {
  params[name] = tf.variable(tf.ones(shape), true, name);
}
param('embed.E', [V, D], 0.5);
param('embed.P', [SEQ, D], 0.5);
for (let l = 0; l < LAYERS; l++) {
  for (let h = 0; h < HEADS; h++) {
    for (const m of ['q', 'k', 'v']) {
      param(`l${l}.h${h}.W${m}`, [D, DH], 1 / Math.sqrt(D));
      param(`l${l}.h${h}.b${m}`, [DH], 0);
    }
  }
  param(`l${l}.Wo`, [D, D], 1 / Math.sqrt(D));
  param(`l${l}.bo`, [D], 0);
  ones(`l${l}.ln1.scale`, [D]);
  param(`l${l}.ln1.bias`, [D], 0);
  param(`l${l}.W1`, [D, FF], 1 / Math.sqrt(D));
  param(`l${l}.b1`, [FF], 0);
  param(`l${l}.W2`, [FF, D], 1 / Math.sqrt(FF));
  param(`l${l}.b2`, [D], 0);
  ones(`l${l}.ln2.scale`, [D]);
  param(`l${l}.ln2.bias`, [D], 0);
}
param('cls.W', [D, LABELS.length], 1 / Math.sqrt(D));
param('cls.b', [LABELS.length], 0);

function layerNorm(x, scale, bias) {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, EPS))), scale), bias);
}

/** Logits [N, 2] and the attention probabilities per layer and head. */
function forward(x) {
  const p = params;
  const mm = (a, w) => tf.matMul(a, tf.tile(tf.expandDims(w, 0), [a.shape[0], 1, 1]));
  let h = tf.add(mm(x, p['embed.E']), p['embed.P']);
  const attention = [];
  for (let l = 0; l < LAYERS; l++) {
    const ctx = [];
    for (let j = 0; j < HEADS; j++) {
      const pre = `l${l}.h${j}.`;
      const q = tf.add(mm(h, p[pre + 'Wq']), p[pre + 'bq']);
      const k = tf.add(mm(h, p[pre + 'Wk']), p[pre + 'bk']);
      const v = tf.add(mm(h, p[pre + 'Wv']), p[pre + 'bv']);
      const a = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(DH)), -1);
      attention.push(a);
      ctx.push(tf.matMul(a, v));
    }
    const o = tf.add(mm(tf.concat(ctx, -1), p[`l${l}.Wo`]), p[`l${l}.bo`]);
    h = layerNorm(tf.add(h, o), p[`l${l}.ln1.scale`], p[`l${l}.ln1.bias`]);
    const f = tf.add(mm(tf.relu(tf.add(mm(h, p[`l${l}.W1`]), p[`l${l}.b1`])), p[`l${l}.W2`]), p[`l${l}.b2`]);
    h = layerNorm(tf.add(h, f), p[`l${l}.ln2.scale`], p[`l${l}.ln2.bias`]);
  }
  const cls = tf.reshape(tf.slice(h, [0, 0, 0], [-1, 1, -1]), [-1, D]);
  return { logits: tf.add(tf.matMul(cls, p['cls.W']), p['cls.b']), attention };
}

await tf.setBackend('cpu');
const train = makeDataset(4000, 1);
const test = makeDataset(1000, 2);
const xTrain = tf.tensor3d(tokensToOneHot(train.tokens), [train.tokens.length, SEQ, V]);
const yTrain = tf.cast(tf.oneHot(tf.tensor1d(train.labels, 'int32'), 2), 'float32');
const optimizer = tf.train.adam(0.01);
const BATCH = 64;
const order = prng(3);
for (let step = 0; step < STEPS; step++) {
  const idx = Array.from({ length: BATCH }, () => Math.floor(order() * train.tokens.length));
  const loss = optimizer.minimize(() => {
    const ids = tf.tensor1d(idx, 'int32');
    const { logits } = forward(tf.gather(xTrain, ids));
    // Label smoothing keeps the probabilities off 0 and 1, so their gradients are not vanishingly small.
    return tf.losses.softmaxCrossEntropy(tf.gather(yTrain, ids), logits, undefined, LABEL_SMOOTHING);
  }, true);
  if (step % 100 === 0 || step === STEPS - 1) console.log(`step ${step} loss ${loss.dataSync()[0].toFixed(4)}`);
  loss.dispose();
}
const xTest = tf.tensor3d(tokensToOneHot(test.tokens), [test.tokens.length, SEQ, V]);
const pred = tf.argMax(forward(xTest).logits, -1).dataSync();
const accuracy = test.labels.filter((y, i) => pred[i] === y).length / test.labels.length;
console.log(`test accuracy ${accuracy}`);

// ---- export: the same network node by node, as ONNX and as a Glasswing graph ----
const values = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { shape: v.shape, data: Array.from(v.dataSync()) }]));
values['scale'] = { shape: [1], data: [1 / Math.sqrt(DH)] };
const irNodes = [];
const onnxNodes = [];
const onnxConsts = {};
/** One node in both graphs; `attrs` go to both unless `onnxInputs`/`onnxAttrs` say otherwise. */
function node(name, op, inputs, attrs = {}, onnx = {}) {
  irNodes.push({ name, op, inputs, outputs: [name], attrs });
  onnxNodes.push(makeNode(op, onnx.inputs ?? inputs, [name], onnx.attrs ?? attrs, name));
  return name;
}
let h = node('embed.add', 'Add', [node('embed.matmul', 'MatMul', ['tokens', 'embed.E']), 'embed.P']);
for (let l = 0; l < LAYERS; l++) {
  const ctx = [];
  for (let j = 0; j < HEADS; j++) {
    const pre = `l${l}.h${j}.`;
    const proj = (m) => node(`${pre}${m}`, 'Add', [node(`${pre}${m}.matmul`, 'MatMul', [h, `${pre}W${m}`]), `${pre}b${m}`]);
    const q = proj('q');
    const kt = node(`${pre}k.transpose`, 'Transpose', [proj('k')], { perm: [0, 2, 1] });
    const v = proj('v');
    const scores = node(`${pre}scores`, 'Mul', [node(`${pre}qk`, 'MatMul', [q, kt]), 'scale']);
    const attn = node(`${pre}attention`, 'Softmax', [scores], { axis: -1 });
    ctx.push(node(`${pre}context`, 'MatMul', [attn, v]));
  }
  const cat = node(`l${l}.concat`, 'Concat', ctx, { axis: -1 });
  const o = node(`l${l}.out`, 'Add', [node(`l${l}.out.matmul`, 'MatMul', [cat, `l${l}.Wo`]), `l${l}.bo`]);
  const ln1 = node(`l${l}.ln1`, 'LayerNormalization', [node(`l${l}.residual1`, 'Add', [h, o]), `l${l}.ln1.scale`, `l${l}.ln1.bias`], { axis: -1, epsilon: EPS });
  const f1 = node(`l${l}.ffn.relu`, 'Relu', [node(`l${l}.ffn.in`, 'Add', [node(`l${l}.ffn.in.matmul`, 'MatMul', [ln1, `l${l}.W1`]), `l${l}.b1`])]);
  const f2 = node(`l${l}.ffn.out`, 'Add', [node(`l${l}.ffn.out.matmul`, 'MatMul', [f1, `l${l}.W2`]), `l${l}.b2`]);
  h = node(`l${l}.ln2`, 'LayerNormalization', [node(`l${l}.residual2`, 'Add', [ln1, f2]), `l${l}.ln2.scale`, `l${l}.ln2.bias`], { axis: -1, epsilon: EPS });
}
onnxConsts['cls.slice.starts'] = [0];
onnxConsts['cls.slice.ends'] = [1];
onnxConsts['cls.slice.axes'] = [1];
onnxConsts['cls.reshape.shape'] = [-1, D];
const sl = node('cls.slice', 'Slice', [h], { starts: [0], ends: [1], axes: [1] }, { inputs: [h, 'cls.slice.starts', 'cls.slice.ends', 'cls.slice.axes'], attrs: {} });
const flat = node('cls.reshape', 'Reshape', [sl], { shape: [-1, D] }, { inputs: [sl, 'cls.reshape.shape'], attrs: {} });
const logits = node('logits', 'Add', [node('logits.matmul', 'MatMul', [flat, 'cls.W']), 'cls.b']);
node('probabilities', 'Softmax', [logits], { axis: -1 });

const metadata = {
  source: 'apps/demo/scripts/train-transformer.mjs',
  task: 'label = which marker (A or B) the sequence holds; the marker position is the decisive token',
  input: 'one-hot tokens [N, 10, 8]',
};
mkdirSync(outDir, { recursive: true });
const graphJson = {
  format: 'glasswing-graph',
  version: 1,
  name: 'glasswing_tiny_transformer',
  inputs: [{ name: 'tokens', shape: [-1, SEQ, V] }],
  outputs: ['probabilities'],
  nodes: irNodes,
  initializers: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { shape: v.shape, base64: Buffer.from(Float32Array.from(v.data).buffer).toString('base64') }])),
  metadata,
};
writeFileSync(join(outDir, 'model.graph.json'), JSON.stringify(graphJson));
const initializers = [
  ...Object.entries(values).map(([k, v]) => tensorToProto(k, { shape: v.shape, data: Float32Array.from(v.data) })),
  ...Object.entries(onnxConsts).map(([k, v]) => intsToProto(k, v)),
];
const model = makeModel({
  name: 'glasswing_tiny_transformer',
  nodes: onnxNodes,
  inputs: [makeValueInfo('tokens', ['batch', SEQ, V])],
  outputs: [makeValueInfo('probabilities', ['batch', LABELS.length])],
  initializers,
  opset: 17,
});
writeFileSync(join(outDir, 'model.onnx'), encodeModel(model));
await exportLayersModel(join(outDir, 'tfjs'));
const samples = makeDataset(32, 5);
writeFileSync(
  join(outDir, 'meta.json'),
  `${JSON.stringify(
    {
      vocab: VOCAB,
      labels: LABELS,
      seqLength: SEQ,
      input: 'one-hot [N, 10, 8]: row p is the one-hot vector of token p',
      layers: LAYERS,
      heads: HEADS,
      attentionNodes: Array.from({ length: LAYERS * HEADS }, (_, i) => `l${Math.floor(i / HEADS)}.h${i % HEADS}.attention`),
      steps: STEPS,
      testAccuracy: accuracy,
      samples: { seed: 5, tokens: samples.tokens, labels: samples.labels, markers: samples.markers },
    },
    null,
    1,
  )}\n`,
);
console.log(`wrote ${outDir}`);

/**
 * The trained weights as a TensorFlow.js LayersModel built from layer classes tfjs-layers itself
 * loads (tf.loadLayersModel) - no Lambda, no MultiHeadAttention (tfjs-layers 4.22 registers none):
 *   embedding  Flatten -> Dense(160) -> Reshape([10, 16]): the kernel is block-diagonal (E for each
 *              position), the bias is P flattened, so h0[p] = onehot[p]·E + P[p] for any input
 *   per head   Dense q, k, v; Dot(axes 2) = q·kᵀ; Rescaling(1/√8); Softmax (named lL.hJ.attention,
 *              as in the ONNX file); Dot(axes [2, 1]) = A·v
 *   per layer  Concatenate -> Dense (Wo) -> Add -> LayerNormalization -> Dense relu -> Dense -> Add
 *              -> LayerNormalization (epsilon 1e-5)
 *   [CLS]      Reshape([10, 16, 1]) -> Cropping2D(rows 0..0) -> Flatten -> Dense (logits) -> Softmax
 * Layer names follow the ONNX node names. Written with tfjs' own save path (a custom IOHandler).
 */
async function exportLayersModel(dir) {
  const p = params;
  const weights = new Map(); // layer name -> its weight tensors in tfjs order
  const L = tfl.layers;
  const tokens = tfl.input({ shape: [SEQ, V], name: 'tokens' });
  const embedKernel = tf.buffer([SEQ * V, SEQ * D]);
  const E = p['embed.E'].arraySync();
  for (let s = 0; s < SEQ; s++) for (let v = 0; v < V; v++) for (let d = 0; d < D; d++) embedKernel.set(E[v][d], s * V + v, s * D + d);
  weights.set('embed', [embedKernel.toTensor(), tf.reshape(p['embed.P'], [SEQ * D])]);
  const flat = L.flatten({ name: 'embed.flatten' }).apply(tokens);
  let h = L.reshape({ targetShape: [SEQ, D], name: 'embed.add' }).apply(L.dense({ units: SEQ * D, name: 'embed' }).apply(flat));
  const dense = (name, units, x, w, b, activation) => {
    weights.set(name, [w, b]);
    return L.dense({ units, name, ...(activation ? { activation } : {}) }).apply(x);
  };
  const layerNorm = (name, x, pre) => {
    weights.set(name, [p[`${pre}.scale`], p[`${pre}.bias`]]);
    return L.layerNormalization({ axis: -1, epsilon: EPS, name }).apply(x);
  };
  for (let l = 0; l < LAYERS; l++) {
    const ctx = [];
    for (let j = 0; j < HEADS; j++) {
      const pre = `l${l}.h${j}.`;
      const [q, k, v] = ['q', 'k', 'v'].map((m) => dense(`${pre}${m}`, DH, h, p[`${pre}W${m}`], p[`${pre}b${m}`]));
      const qk = L.dot({ axes: 2, name: `${pre}qk` }).apply([q, k]);
      const scores = L.rescaling({ scale: 1 / Math.sqrt(DH), name: `${pre}scores` }).apply(qk);
      const attn = L.softmax({ axis: -1, name: `${pre}attention` }).apply(scores);
      ctx.push(L.dot({ axes: [2, 1], name: `${pre}context` }).apply([attn, v]));
    }
    const cat = L.concatenate({ axis: -1, name: `l${l}.concat` }).apply(ctx);
    const o = dense(`l${l}.out`, D, cat, p[`l${l}.Wo`], p[`l${l}.bo`]);
    const ln1 = layerNorm(`l${l}.ln1`, L.add({ name: `l${l}.residual1` }).apply([h, o]), `l${l}.ln1`);
    const f1 = dense(`l${l}.ffn.in`, FF, ln1, p[`l${l}.W1`], p[`l${l}.b1`], 'relu');
    const f2 = dense(`l${l}.ffn.out`, D, f1, p[`l${l}.W2`], p[`l${l}.b2`]);
    h = layerNorm(`l${l}.ln2`, L.add({ name: `l${l}.residual2` }).apply([ln1, f2]), `l${l}.ln2`);
  }
  const grid = L.reshape({ targetShape: [SEQ, D, 1], name: 'cls.grid' }).apply(h);
  const cls = L.flatten({ name: 'cls.reshape' }).apply(L.cropping2D({ cropping: [[0, SEQ - 1], [0, 0]], name: 'cls.slice' }).apply(grid));
  const logits = dense('logits', LABELS.length, cls, p['cls.W'], p['cls.b']);
  const probabilities = L.softmax({ axis: -1, name: 'probabilities' }).apply(logits);
  const keras = tfl.model({ inputs: tokens, outputs: probabilities, name: 'glasswing_tiny_transformer' });
  for (const [name, ws] of weights) keras.getLayer(name).setWeights(ws);
  mkdirSync(dir, { recursive: true });
  await keras.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const parts = Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData];
      const bytes = Buffer.concat(parts.map((b) => Buffer.from(b)));
      writeFileSync(join(dir, 'weights.bin'), bytes);
      const modelJson = {
        format: 'layers-model',
        generatedBy: 'glasswing apps/demo/scripts/train-transformer.mjs',
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), `${JSON.stringify(modelJson, null, 1)}\n`);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.length } };
    }),
  );
}
