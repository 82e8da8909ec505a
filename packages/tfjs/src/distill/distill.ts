/**
 * Knowledge distillation (Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural
 * Network"): a small student network trained with TensorFlow.js on a teacher's soft labels.
 *
 * - The teacher is any core `Model`; only `teacher.forward` is called (batched), so forward-only
 *   teachers on any adapter work. Its outputs are read as logits, or as probabilities when every
 *   row is non-negative and sums to 1 (`teacherOutput: 'auto'`).
 * - Classification loss: T² · KL(softmax(z_t / T) ‖ softmax(z_s / T)) averaged over the batch (the
 *   T² keeps gradient magnitudes comparable across temperatures, as in the paper), optionally mixed
 *   with the cross-entropy on hard labels: (1 − w) · soft + w · hard. Regression: mean squared
 *   error to the teacher's outputs (standardised per output), mixed likewise with labels.
 * - MLP students see inputs standardised per feature (training rows' mean / std); the scaling is
 *   folded into the first Dense layer on export, as the regression target scaling is folded into
 *   the output layer, so the saved model takes raw inputs and returns raw outputs.
 * - Seeded: Glorot-uniform initialisation, the held-out split and each epoch's shuffle come from
 *   core's PRNG; Adam; with the tfjs-cpu backend the student's weights are bit-reproducible.
 * - The report: fidelity (top-class agreement with the teacher; mean R² for regression) on the
 *   held-out rows, accuracy against labels, parameter counts and forward time per example of
 *   teacher and student (the student loaded back from its artifacts, on the teacher's adapter
 *   where `loadStudent` is given). Every tensor created is disposed (tf.memory() is unchanged).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, createRng, throwIfAborted, type Model, type Tensor } from '@glasswing/core';
import { initTfjsBackend, type TfjsBackendName } from '../backend.js';
import type { LayersArtifacts } from '../import/artifacts.js';
import { fromTfjsLayers } from '../load.js';
import {
  accuracyOf,
  fidelityOf,
  gatherRows,
  graphParameterCount,
  prepare,
  teacherCalls,
  teacherOutputs,
  timePerExample,
  type CommonDistillOptions,
  type Fidelity,
} from './common.js';
import { exportWeights, featureScaling, foldsInput, looksLikeProbabilities, softTargets, standardise, standardiseTargets, unscale } from './targets.js';
import { initialWeights, parameterCount, planStudent, studentArtifacts, studentForward, weightShapes, type Layout, type StudentArchitecture, type StudentArtifacts, type StudentPlan } from './student.js';

export interface DistillOptions extends CommonDistillOptions {
  /** Default: a CNN for image inputs (rank 2 or 3), else an MLP with hidden [16, 8]. */
  readonly student?: StudentArchitecture;
  /** Softmax temperature T > 0 (default 2). */
  readonly temperature?: number;
  /** Weight w in [0, 1] of the hard-label loss (needs labels; default 0: soft labels only). */
  readonly hardLabelWeight?: number;
  /** Default 20. */
  readonly epochs?: number;
  /** Default 32. */
  readonly batchSize?: number;
  /** Adam learning rate (default 0.01). */
  readonly learningRate?: number;
  /** tfjs backend the student trains on (default 'cpu': reproducible). */
  readonly backend?: TfjsBackendName;
  /** Image layout of the teacher's input (default: the teacher graph's, else guessed from the shape). */
  readonly layout?: Layout;
  /** 'auto' (default), 'logits' or 'probabilities'. */
  readonly teacherOutput?: 'auto' | 'logits' | 'probabilities';
  /**
   * Synthetic transfer rows per training row (default 0): copies of training rows with Gaussian
   * noise of `augmentNoise` × the feature's standard deviation added per feature, labelled by
   * the teacher (the teacher can label any input; Buciluă et al. 2006). Held-out rows are never used.
   */
  readonly augment?: number;
  /** Default 0.1. */
  readonly augmentNoise?: number;
  /**
   * Loads the student for timing and the training-row fidelity (default: @glasswing/tfjs on the
   * training backend). The CLI writes it and opens it on the teacher's adapter.
   */
  readonly loadStudent?: (artifacts: StudentArtifacts, layersArtifacts: LayersArtifacts) => Promise<Model>;
}

export interface DistillReport {
  readonly task: 'classification' | 'regression';
  readonly rows: number;
  readonly trainRows: number;
  readonly holdoutRows: number;
  readonly seed: number;
  readonly temperature: number;
  readonly hardLabelWeight: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Synthetic transfer rows per training row. */
  readonly augment: number;
  readonly teacherOutput: 'logits' | 'probabilities';
  /** The student's layers, e.g. ['dense 8→32 relu', 'dense 32→16 relu', 'dense 16→2 linear']. */
  readonly architecture: readonly string[];
  readonly fidelity: Fidelity;
  /** Against labels (when given): student and teacher, on training and held-out rows. */
  readonly accuracy: { readonly metric: 'accuracy' | 'r2'; readonly student: { train: number; holdout: number | null }; readonly teacher: { train: number; holdout: number | null } } | null;
  /** Parameter counts; ratio = student / teacher (null for an opaque teacher). */
  readonly size: { readonly teacherParameters: number | null; readonly studentParameters: number; readonly ratio: number | null };
  /** Forward time per example; speedup = teacher / student. Null when timing is off. */
  readonly speed: { readonly teacherMsPerExample: number; readonly studentMsPerExample: number; readonly speedup: number; readonly teacherBackend: string; readonly studentBackend: string } | null;
  /** Mean training loss per epoch. */
  readonly loss: readonly number[];
}

export interface DistillResult {
  readonly report: DistillReport;
  /** The student as a TensorFlow.js LayersModel (write it with writeStudent). */
  readonly artifacts: StudentArtifacts;
  /** The same, in the shape the importer takes. */
  readonly layersArtifacts: LayersArtifacts;
  /** Held-out (else training) row indices and the trained student's outputs on them (row-major). */
  readonly evalRows: Int32Array;
  readonly evalOutputs: Float32Array;
}

/** The importer's view of student artifacts. */
export function toLayersArtifacts(a: StudentArtifacts, source = 'distilled student'): LayersArtifacts {
  const manifest = a.modelJson['weightsManifest'] as { weights: LayersArtifacts['weightSpecs'] }[];
  return { modelTopology: a.modelJson['modelTopology'], weightSpecs: manifest.flatMap((g) => g.weights), weightData: a.weightData, source };
}

function guessLayout(teacher: Model): Layout {
  const meta = teacher.graph?.metadata?.['layout'];
  if (meta === 'NHWC' || meta === 'NCHW') return meta;
  const conv = teacher.graph?.nodes.find((n) => n.op === 'Conv');
  if (conv) return conv.attrs['layout'] === 'NHWC' ? 'NHWC' : 'NCHW';
  const s = teacher.inputShape;
  return s.length === 3 && s[0]! <= 4 && s[2]! > 4 ? 'NCHW' : 'NHWC';
}

/** Train a student on `teacher`'s soft labels over `data` [M, ...inputShape]. */
export async function distill(teacher: Model, data: Tensor, options: DistillOptions = {}): Promise<DistillResult> {
  const p = prepare(teacher, data, options, true);
  const T = options.temperature ?? 2;
  if (typeof T !== 'number' || !Number.isFinite(T) || T <= 0) throw new InvalidArgumentError(`temperature must be a finite number > 0, got ${String(T)}`);
  const w = options.hardLabelWeight ?? 0;
  if (typeof w !== 'number' || !(w >= 0 && w <= 1)) throw new InvalidArgumentError(`hardLabelWeight must be in [0, 1], got ${String(w)}`);
  if (w > 0 && !p.labels) throw new InvalidArgumentError('hardLabelWeight > 0 needs labels');
  const epochs = options.epochs ?? 20;
  if (!Number.isInteger(epochs) || epochs < 1) throw new InvalidArgumentError(`epochs must be a positive integer, got ${String(epochs)}`);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(`batchSize must be a positive integer, got ${String(batchSize)}`);
  const lr = options.learningRate ?? 0.01;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) throw new InvalidArgumentError(`learningRate must be a finite number > 0, got ${String(lr)}`);
  const backend = options.backend ?? 'cpu';
  const layout = options.layout ?? guessLayout(teacher);
  if (layout !== 'NHWC' && layout !== 'NCHW') throw new InvalidArgumentError(`layout must be 'NHWC' or 'NCHW', got ${String(layout)}`);
  const image = teacher.inputShape.length === 2 || teacher.inputShape.length === 3;
  const arch: StudentArchitecture = options.student ?? (image ? { kind: 'cnn' } : { kind: 'mlp' });
  const plan = planStudent(arch, teacher.inputShape, p.outputs, layout);
  const mode = options.teacherOutput ?? 'auto';
  if (mode !== 'auto' && mode !== 'logits' && mode !== 'probabilities') throw new InvalidArgumentError(`teacherOutput must be 'auto', 'logits' or 'probabilities', got ${String(mode)}`);

  const augment = options.augment ?? 0;
  if (!Number.isInteger(augment) || augment < 0) throw new InvalidArgumentError(`augment must be an integer ≥ 0, got ${String(augment)}`);
  const noise = options.augmentNoise ?? 0.1;
  if (typeof noise !== 'number' || !Number.isFinite(noise) || noise < 0) throw new InvalidArgumentError(`augmentNoise must be a finite number ≥ 0, got ${String(noise)}`);
  if (augment > 0 && w > 0) throw new InvalidArgumentError('augment > 0 cannot be combined with hardLabelWeight > 0 (synthetic rows have no labels)');
  const nSyn = augment * p.trainIdx.length;
  const synCalls = Math.ceil(nSyn / p.teacherBatch);
  const nTrain = p.trainIdx.length + nSyn;
  const batches = Math.ceil(nTrain / batchSize);
  const total = teacherCalls(p) + synCalls + epochs * batches + 1;
  options.onProgress?.({ done: 0, total, phase: 'teacher' });
  const signal = options.signal;
  throwIfAborted(signal);

  // 1. Teacher outputs -> targets.
  const tOut = await teacherOutputs(teacher, data, p, signal, (done) => options.onProgress?.({ done, total, phase: 'teacher' }));
  const K = p.outputs;
  // Augmented transfer rows, appended after the data rows (indices rows, rows + 1, ...).
  let allX: Float32Array = data.data;
  let allT: Float32Array = tOut;
  if (nSyn > 0) {
    const spread = featureScaling(data.data, p.trainIdx, p.features).std;
    const g = createRng(p.seed).derive(4);
    const syn = new Float32Array(nSyn * p.features);
    for (let i = 0; i < nSyn; i++) {
      const r = p.trainIdx[i % p.trainIdx.length]!;
      for (let j = 0; j < p.features; j++) syn[i * p.features + j] = data.data[r * p.features + j]! + noise * spread[j]! * g.normal();
    }
    const base = teacherCalls(p);
    const synOut = await teacherOutputs(teacher, { shape: [nSyn, ...teacher.inputShape], data: syn }, { ...p, rows: nSyn }, signal, (done) => options.onProgress?.({ done: base + done, total, phase: 'teacher' }));
    allX = new Float32Array((p.rows + nSyn) * p.features);
    allX.set(data.data);
    allX.set(syn, p.rows * p.features);
    allT = new Float32Array((p.rows + nSyn) * K);
    allT.set(tOut);
    allT.set(synOut, p.rows * K);
  }
  const trainIdx = Int32Array.from({ length: nTrain }, (_, i) => (i < p.trainIdx.length ? p.trainIdx[i]! : p.rows + i - p.trainIdx.length));
  const allRows = p.rows + nSyn;
  const probabilities = mode === 'probabilities' || (mode === 'auto' && p.task === 'classification' && looksLikeProbabilities(tOut, p.rows, K));
  const targets = p.task === 'classification' ? softTargets(allT, allRows, K, T, probabilities) : standardiseTargets(allT, allRows, K, trainIdx);

  // 2. Inputs: standardised per feature when the first weighted layer is Dense on the raw features.
  const fold = foldsInput(plan);
  const inputScale = fold ? featureScaling(allX, trainIdx, p.features) : null;
  const x = inputScale ? standardise(allX, p.features, inputScale) : allX;

  // 3. Train.
  await initTfjsBackend(backend);
  const rng = createRng(p.seed);
  const init = initialWeights(plan, rng.derive(1));
  const shapes = plan.layers.flatMap(weightShapes);
  const vars = init.map((a, i) => {
    const t = tf.tensor(a, shapes[i]!);
    const v = tf.variable(t, true);
    t.dispose();
    return v;
  });
  const optimizer = tf.train.adam(lr);
  const shuffle = rng.derive(3);
  const loss: number[] = [];
  let done = teacherCalls(p) + synCalls;
  let finalWeights: Float32Array[];
  let evalOutputs: Float32Array;
  const evalRows = p.holdIdx.length > 0 ? p.holdIdx : p.trainIdx;
  try {
    const order = Int32Array.from(trainIdx);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = shuffle.int(i + 1);
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
      let sum = 0;
      for (let b = 0; b < batches; b++) {
        throwIfAborted(signal);
        if (tf.getBackend() !== backend) await tf.setBackend(backend);
        const idx = order.subarray(b * batchSize, Math.min(nTrain, (b + 1) * batchSize));
        const xb = tf.tensor(gatherRows(x, idx, p.features), [idx.length, ...teacher.inputShape]);
        const yb = tf.tensor2d(gatherRows(targets.values, idx, K), [idx.length, K]);
        const hb = p.labels && w > 0 ? tf.tensor1d(Float32Array.from(idx, (r) => targets.hard(p.labels![r]!, r))) : null;
        const l = optimizer.minimize(() => batchLoss(plan, vars, xb, yb, hb, p.task, T, w, K), true, vars)!;
        sum += (await l.data())[0]! * idx.length;
        tf.dispose([xb, yb, l, ...(hb ? [hb] : [])]);
        options.onProgress?.({ done: ++done, total, phase: 'train', epoch: epoch + 1, ...(loss.length ? { loss: loss[loss.length - 1]! } : {}) });
      }
      loss.push(sum / nTrain);
      if (!Number.isFinite(loss[loss.length - 1]!)) throw new InvalidArgumentError(`training diverged (loss ${loss[loss.length - 1]} in epoch ${epoch + 1}); lower the learning rate`);
    }
    finalWeights = await Promise.all(vars.map(async (v) => Float32Array.from(await v.data())));
    const xe = tf.tensor(gatherRows(x, evalRows, p.features), [evalRows.length, ...teacher.inputShape]);
    const ye = tf.tidy(() => studentForward(plan, vars, xe));
    evalOutputs = Float32Array.from(await ye.data());
    tf.dispose([xe, ye]);
  } finally {
    optimizer.dispose();
    tf.dispose(vars);
  }

  // 4. Export (scalings folded in), evaluate.
  const exported = exportWeights(plan, finalWeights, inputScale, targets.scale);
  if (targets.scale) unscale(evalOutputs, targets.scale);
  const artifacts = studentArtifacts(plan, exported, { task: p.task, temperature: T, seed: p.seed, outputs: K });
  const layersArtifacts = toLayersArtifacts(artifacts);
  const report = await evaluate(teacher, data, p, options, plan, tOut, artifacts, layersArtifacts, backend, evalRows, evalOutputs, {
    temperature: T,
    hardLabelWeight: w,
    epochs,
    batchSize,
    learningRate: lr,
    augment,
    teacherOutput: probabilities ? 'probabilities' : 'logits',
    loss,
  });
  options.onProgress?.({ done: total, total, phase: 'evaluate' });
  return { report, artifacts, layersArtifacts, evalRows, evalOutputs };
}

function batchLoss(plan: StudentPlan, vars: readonly tf.Variable[], xb: tf.Tensor, yb: tf.Tensor2D, hb: tf.Tensor1D | null, task: string, T: number, w: number, K: number): tf.Scalar {
  const z = studentForward(plan, vars, xb);
  let soft: tf.Scalar;
  if (task === 'classification') {
    const logq = tf.logSoftmax(tf.div(z, T));
    const plogp = tf.mul(yb, tf.log(tf.maximum(yb, 1e-12)));
    soft = tf.mul(tf.mean(tf.sum(tf.sub(plogp, tf.mul(yb, logq)), 1)), T * T);
  } else {
    soft = tf.mean(tf.square(tf.sub(z, yb)));
  }
  if (!hb || w === 0) return soft;
  let hard: tf.Scalar;
  if (task === 'classification') {
    const oh = tf.oneHot(tf.cast(hb, 'int32'), K);
    hard = tf.neg(tf.mean(tf.sum(tf.mul(oh, tf.logSoftmax(z)), 1))) as tf.Scalar;
  } else {
    hard = tf.mean(tf.square(tf.sub(tf.reshape(tf.slice(z, [0, 0], [-1, 1]), [-1]), hb)));
  }
  return tf.add(tf.mul(soft, 1 - w), tf.mul(hard, w));
}

function describeLayers(plan: StudentPlan): string[] {
  return plan.layers.map((l) => {
    if (l.type === 'dense') return `dense ${l.inUnits}→${l.units} ${l.activation}`;
    if (l.type === 'conv2d') return `conv2d ${l.kernelSize}×${l.kernelSize} ${l.inChannels}→${l.filters} ${l.activation}`;
    if (l.type === 'maxPool2d') return `maxPool2d ${l.poolSize}×${l.poolSize}`;
    if (l.type === 'permute') return `permute [${l.dims.join(', ')}] (channels-last)`;
    if (l.type === 'reshape') return `reshape [${l.target.join(', ')}]`;
    return 'flatten';
  });
}

async function evaluate(
  teacher: Model,
  data: Tensor,
  p: ReturnType<typeof prepare>,
  options: DistillOptions,
  plan: StudentPlan,
  tOut: Float32Array,
  artifacts: StudentArtifacts,
  layersArtifacts: LayersArtifacts,
  backend: TfjsBackendName,
  evalRows: Int32Array,
  evalOutputs: Float32Array,
  h: Pick<DistillReport, 'temperature' | 'hardLabelWeight' | 'epochs' | 'batchSize' | 'learningRate' | 'augment' | 'teacherOutput' | 'loss'>,
): Promise<DistillReport> {
  const K = p.outputs;
  const hold = p.holdIdx.length > 0;
  // Training-row outputs of the exported student (for train fidelity): run it once on them.
  const student = options.loadStudent ? await options.loadStudent(artifacts, layersArtifacts) : await fromTfjsLayers(layersArtifacts, { backend });
  try {
    const trainX = gatherRows(data.data, p.trainIdx, p.features);
    const trainOut = (await student.forward({ shape: [p.trainIdx.length, ...teacher.inputShape], data: trainX })).data;
    const tTrain = gatherRows(tOut, p.trainIdx, K);
    const tEval = gatherRows(tOut, evalRows, K);
    const fidelity: Fidelity = {
      metric: p.task === 'classification' ? 'agreement' : 'r2',
      train: fidelityOf(p.task, trainOut, tTrain, p.trainIdx.length, K),
      holdout: hold ? fidelityOf(p.task, evalOutputs, tEval, evalRows.length, K) : null,
    };
    let accuracy: DistillReport['accuracy'] = null;
    if (p.labels) {
      const lab = (idx: Int32Array) => Float64Array.from(idx, (r) => p.labels![r]!);
      accuracy = {
        metric: p.task === 'classification' ? 'accuracy' : 'r2',
        student: { train: accuracyOf(p.task, trainOut, lab(p.trainIdx), p.trainIdx.length, K), holdout: hold ? accuracyOf(p.task, evalOutputs, lab(evalRows), evalRows.length, K) : null },
        teacher: { train: accuracyOf(p.task, tTrain, lab(p.trainIdx), p.trainIdx.length, K), holdout: hold ? accuracyOf(p.task, tEval, lab(evalRows), evalRows.length, K) : null },
      };
    }
    const teacherParameters = graphParameterCount(teacher);
    const studentParameters = parameterCount(plan);
    let speed: DistillReport['speed'] = null;
    if (options.timing ?? true) {
      const n = Math.min(evalRows.length, 256);
      const xt = { shape: [n, ...teacher.inputShape], data: gatherRows(data.data, evalRows.subarray(0, n), p.features) };
      const tMs = await timePerExample(() => teacher.forward(xt), n);
      const sMs = await timePerExample(() => student.forward(xt), n);
      speed = { teacherMsPerExample: tMs, studentMsPerExample: sMs, speedup: sMs > 0 ? tMs / sMs : Infinity, teacherBackend: teacher.backend, studentBackend: student.backend };
    }
    return {
      task: p.task,
      rows: p.rows,
      trainRows: p.trainIdx.length,
      holdoutRows: p.holdIdx.length,
      seed: p.seed,
      ...h,
      architecture: describeLayers(plan),
      fidelity,
      accuracy,
      size: { teacherParameters, studentParameters, ratio: teacherParameters ? studentParameters / teacherParameters : null },
      speed,
    };
  } finally {
    await student.dispose();
  }
}
