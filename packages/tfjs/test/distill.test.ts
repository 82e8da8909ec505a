/**
 * Distillation into a student (src/distill): the credit demo model (apps/demo/credit) distilled into
 * an MLP and into a tree; the saved student reloaded by the importer gives the training-time
 * outputs; same seed ⇒ identical weights on tfjs-cpu; typed errors; no tensor leak; abort; an
 * analytic check of the loss (a teacher the student can represent exactly is matched).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AbortError, InvalidArgumentError, ShapeError, createReferenceModel, fromFunction, type Model, type Tensor } from '@glasswing/core';
import { distill, distillTree, fromTfjsLayers, importLayersModel, initTfjsBackend, planStudent, writeStudent } from '../src/index.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const CREDIT = fileURLToPath(new URL('../../../apps/demo/credit/', import.meta.url));

function readCsv(path: string): { rows: number; cols: number; data: Float32Array } {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  const values = lines.flatMap((l) => l.split(',').map(Number));
  return { rows: lines.length, cols: values.length / lines.length, data: Float32Array.from(values) };
}

const table = readCsv(join(CREDIT, 'data.csv'));
const labels = Array.from(readCsv(join(CREDIT, 'labels.csv')).data);
const data: Tensor = { shape: [table.rows, table.cols], data: table.data };

async function creditTeacher(): Promise<Model> {
  return fromTfjsLayers(join(CREDIT, 'model.json'), { backend: 'cpu' });
}

describe('distill: credit model into an MLP', () => {
  it('reaches ≥ 95 % held-out fidelity; the saved student reloads with the training-time outputs; no tensor leak', async () => {
    await initTfjsBackend('cpu');
    const teacher = await creditTeacher();
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const res = await distill(teacher, data, { labels, student: { kind: 'mlp', hidden: [16, 8] }, epochs: 30, augment: 4, seed: 1, onProgress: (p) => progress.push(p.done / p.total) });
    expect(tf.memory().numTensors).toBe(before);
    const r = res.report;
    expect([r.trainRows, r.holdoutRows]).toEqual([800, 200]);
    expect(r.fidelity.metric).toBe('agreement');
    expect(r.fidelity.holdout!).toBeGreaterThanOrEqual(0.95);
    expect(r.accuracy!.student.holdout!).toBeGreaterThan(r.accuracy!.teacher.holdout! - 0.05);
    expect(r.size.studentParameters).toBe(8 * 16 + 16 + 16 * 8 + 8 + 8 * 2 + 2);
    expect(r.size.teacherParameters).toBe(teacher.graph ? Object.values(teacher.graph.initializers).reduce((a, t) => a + t.data.length, 0) : -1);
    expect(r.speed!.teacherMsPerExample).toBeGreaterThan(0);
    expect(r.loss[r.loss.length - 1]!).toBeLessThan(r.loss[0]!);
    expect(progress[progress.length - 1]).toBe(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);

    // Saved and reloaded from disk: the training-time outputs (input standardisation folded in).
    const dir = mkdtempSync(join(tmpdir(), 'glasswing-distill-'));
    const path = await writeStudent(dir, res.artifacts);
    const student = await fromTfjsLayers(path, { backend: 'cpu' });
    const rows = res.evalRows;
    const x = { shape: [rows.length, 8], data: Float32Array.from(Array.from(rows).flatMap((r) => Array.from(table.data.subarray(r * 8, r * 8 + 8)))) };
    const y = await student.forward(x);
    for (let i = 0; i < y.data.length; i++) expect(Math.abs(y.data[i]! - res.evalOutputs[i]!)).toBeLessThan(1e-3 * (1 + Math.abs(res.evalOutputs[i]!)));
    const ref = createReferenceModel(importLayersModel(res.layersArtifacts));
    const yr = await ref.forward(x);
    for (let i = 0; i < y.data.length; i++) expect(Math.abs(yr.data[i]! - y.data[i]!)).toBeLessThan(1e-4);
    await student.dispose();
    await teacher.dispose();
  }, 60_000);

  it('same seed ⇒ bit-identical student weights on tfjs-cpu; another seed differs', async () => {
    const teacher = await creditTeacher();
    const opts = { student: { kind: 'mlp' as const, hidden: [8] }, epochs: 2, seed: 7, timing: false };
    const a = await distill(teacher, data, opts);
    const b = await distill(teacher, data, opts);
    const c = await distill(teacher, data, { ...opts, seed: 8 });
    expect(Buffer.from(b.artifacts.weightData).equals(Buffer.from(a.artifacts.weightData))).toBe(true);
    expect(Buffer.from(c.artifacts.weightData).equals(Buffer.from(a.artifacts.weightData))).toBe(false);
    expect(b.report.loss).toEqual(a.report.loss);
    await teacher.dispose();
  }, 60_000);
});

describe('distill: the demo CNN (apps/demo/model) into a small CNN', () => {
  it('reaches ≥ 95 % held-out fidelity; the student reloads on the reference executor with the training-time outputs', async () => {
    const url = new URL('../../../apps/demo/scripts/dataset.mjs', import.meta.url).href;
    const { generateDataset } = (await import(url)) as { generateDataset: (o: { count: number; seed: number }) => { images: Float32Array; labels: Int32Array } };
    const teacher = await fromTfjsLayers(fileURLToPath(new URL('../../../apps/demo/model/model.json', import.meta.url)), { backend: 'cpu' });
    const ds = generateDataset({ count: 500, seed: 4242 });
    const before = tf.memory().numTensors;
    const res = await distill(teacher, { shape: [500, 20, 20, 1], data: ds.images }, { labels: Array.from(ds.labels), student: { kind: 'cnn', filters: [4, 8], dense: 16 }, epochs: 5, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    const r = res.report;
    expect(r.architecture[0]).toBe('conv2d 3×3 1→4 relu');
    expect(r.fidelity.holdout!).toBeGreaterThanOrEqual(0.95);
    expect(r.accuracy!.student.holdout!).toBeGreaterThanOrEqual(0.9);
    expect(r.size.studentParameters).toBe(3 * 3 * 4 + 4 + 3 * 3 * 4 * 8 + 8 + 200 * 16 + 16 + 16 * 3 + 3);
    expect(r.size.ratio!).toBeLessThan(1);
    const ref = createReferenceModel(importLayersModel(res.layersArtifacts));
    const rows = Array.from(res.evalRows);
    const x = { shape: [rows.length, 20, 20, 1], data: Float32Array.from(rows.flatMap((i) => Array.from(ds.images.subarray(i * 400, (i + 1) * 400)))) };
    const y = await ref.forward(x);
    for (let i = 0; i < y.data.length; i++) expect(Math.abs(y.data[i]! - res.evalOutputs[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(res.evalOutputs[i]!)));
    await teacher.dispose();
  }, 120_000);
});

describe('distill: exactness of the objective', () => {
  it('a linear teacher z = W x + b is matched by a student with no hidden layer (fidelity 1, outputs ≈ the teacher softened consistently)', async () => {
    // softmax(z/T) is matched only by z_s = z + c per row: with no hidden layer the student can represent it exactly.
    const W = [[1, -2, 0.5], [-1, 1, 2]];
    const teacher = fromFunction(async (x) => {
      const n = x.shape[0]!;
      const out = new Float32Array(n * 2);
      for (let r = 0; r < n; r++) for (let k = 0; k < 2; k++) out[r * 2 + k] = W[k]!.reduce((a, w, j) => a + w * x.data[r * 3 + j]!, 0) + (k === 0 ? 0.3 : -0.3);
      return { shape: [n, 2], data: out };
    }, { inputShape: [3], outputShape: [2] });
    const rnd = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);
    const x = { shape: [400, 3], data: Float32Array.from({ length: 1200 }, (_, i) => 4 * rnd(i + 1) - 2) };
    const res = await distill(teacher, x, { student: { kind: 'layers', layers: [] }, temperature: 3, epochs: 60, learningRate: 0.05, seed: 2, timing: false });
    expect(res.report.fidelity.holdout!).toBeGreaterThanOrEqual(0.97);
    // The logit difference (the only identifiable quantity) is recovered: z0 − z1 = 2x0 − 3x1 − 1.5x2 + 0.6.
    const rows = res.evalRows;
    let err = 0;
    rows.forEach((r, i) => {
      const d = 2 * x.data[r * 3]! - 3 * x.data[r * 3 + 1]! - 1.5 * x.data[r * 3 + 2]! + 0.6;
      err = Math.max(err, Math.abs(res.evalOutputs[i * 2]! - res.evalOutputs[i * 2 + 1]! - d));
    });
    expect(err).toBeLessThan(0.3);
    expect(res.report.size.teacherParameters).toBeNull();
  }, 60_000);
});

describe('distill: regression', () => {
  it('an MLP student of a smooth regression teacher: R² ≥ 0.95; the saved student (input and output scalings folded in) gives its training outputs', async () => {
    // y = 50 + 20·sin(x0) + 3·x1² on raw scales far from 0 / 1, so both foldings matter.
    const teacher = fromFunction(async (x) => {
      const n = x.shape[0]!;
      return { shape: [n, 1], data: Float32Array.from({ length: n }, (_, r) => 50 + 20 * Math.sin(x.data[r * 2]!) + 3 * x.data[r * 2 + 1]! ** 2) };
    }, { inputShape: [2], outputShape: [1] });
    const n = 300;
    const x = { shape: [n, 2], data: Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 === 0 ? 3 * Math.sin(i * 0.731) : 100 + 2 * Math.cos(i * 1.37))) };
    const truth = (await teacher.forward(x)).data;
    const res = await distill(teacher, x, { task: 'regression', labels: Array.from(truth), student: { kind: 'mlp', hidden: [16] }, epochs: 60, seed: 1, timing: false });
    expect(res.report.fidelity.metric).toBe('r2');
    expect(res.report.fidelity.holdout!).toBeGreaterThanOrEqual(0.95);
    expect(res.report.accuracy!.metric).toBe('r2');
    expect(res.report.accuracy!.teacher.holdout).toBe(1);
    const ref = createReferenceModel(importLayersModel(res.layersArtifacts));
    const rows = Array.from(res.evalRows);
    const y = await ref.forward({ shape: [rows.length, 2], data: Float32Array.from(rows.flatMap((r) => [x.data[r * 2]!, x.data[r * 2 + 1]!])) });
    for (let i = 0; i < y.data.length; i++) expect(Math.abs(y.data[i]! - res.evalOutputs[i]!)).toBeLessThan(1e-3 * (1 + Math.abs(res.evalOutputs[i]!)));
  }, 60_000);
});

describe('distill: interpretable student (tree)', () => {
  it('reports fidelity / accuracy / size / speed for core GlobalSurrogate on the credit model', async () => {
    const teacher = await creditTeacher();
    const res = await distillTree(teacher, data, { labels, maxDepth: 5, seed: 1 });
    const r = res.report;
    expect(r.holdoutRows).toBe(200);
    expect(r.fidelity.holdout).toBe(res.surrogate.holdoutFidelity);
    expect(r.fidelity.holdout!).toBeGreaterThan(0.85);
    expect(r.size.studentParameters).toBe(res.surrogate.tree.nodes.length);
    expect(r.accuracy!.teacher.holdout!).toBeGreaterThan(0.85);
    expect(r.speed!.studentMsPerExample).toBeGreaterThan(0);
    await teacher.dispose();
  }, 60_000);
});

describe('Conv2D filter gradient (im2col, registered for student training)', () => {
  it.each(['same', 'valid'] as const)('equals tfjs-cpu\'s Conv2DBackpropFilter kernel (padding %s)', async (pad) => {
    await initTfjsBackend('cpu');
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 6 * 5 * 3 }, (_, i) => Math.sin(i * 0.91)), [2, 6, 5, 3]);
    const w = tf.variable(tf.tensor4d(Float32Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i * 0.53)), [3, 3, 3, 4]));
    const seed = tf.tensor4d(Float32Array.from({ length: 2 * (pad === 'same' ? 30 : 12) * 4 }, (_, i) => Math.sin(i * 0.37 + 1)), [2, pad === 'same' ? 6 : 4, pad === 'same' ? 5 : 3, 4]);
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(tf.conv2d(x, w as tf.Tensor4D, 1, pad), seed)), [w]);
    const oracle = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: seed }, { strides: [1, 1], pad, dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] } as never) as tf.Tensor;
    const a = await grads[w.name]!.data();
    const b = await oracle.data();
    expect(a.length).toBe(108);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(b[i]!)));
    tf.dispose([x, w, seed, value, oracle, ...Object.values(grads)]);
  });
});

describe('distill: errors, abort, layouts', () => {
  const teacher = fromFunction(async (x) => ({ shape: [x.shape[0]!, 2], data: new Float32Array(x.shape[0]! * 2) }), { inputShape: [3], outputShape: [2] });
  const x = { shape: [10, 3], data: new Float32Array(30) };
  it('typed errors: empty data, shape mismatch, bad temperature, bad labels, bad student', async () => {
    await expect(distill(teacher, { shape: [0, 3], data: new Float32Array(0) })).rejects.toThrow(ShapeError);
    await expect(distill(teacher, { shape: [10, 4], data: new Float32Array(40) })).rejects.toThrow(/teacher takes \[N, 3\]/);
    await expect(distill(teacher, x, { temperature: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(distill(teacher, x, { temperature: Number.NaN })).rejects.toThrow(/temperature/);
    await expect(distill(teacher, x, { labels: [0, 1] })).rejects.toThrow(ShapeError);
    await expect(distill(teacher, x, { labels: new Array(10).fill(2) })).rejects.toThrow(/class labels/);
    await expect(distill(teacher, x, { hardLabelWeight: 0.5 })).rejects.toThrow(/needs labels/);
    await expect(distill(teacher, x, { student: { kind: 'cnn' } })).rejects.toThrow(ShapeError);
    await expect(distill(teacher, x, { student: { kind: 'mlp', hidden: [0] } })).rejects.toThrow(InvalidArgumentError);
    await expect(distill(teacher, x, { epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(distill(teacher, { shape: [10, 3], data: new Float32Array(30).fill(Number.NaN) })).rejects.toThrow(/non-finite/);
    await expect(distillTree(teacher, { shape: [0, 3], data: new Float32Array(0) })).rejects.toThrow(ShapeError);
  });

  it('honours an AbortSignal during training and leaks no tensors', async () => {
    await initTfjsBackend('cpu');
    const before = tf.memory().numTensors;
    const ctrl = new AbortController();
    const p = distill(teacher, x, { epochs: 50, batchSize: 2, onProgress: (q) => q.phase === 'train' && q.done > 5 && ctrl.abort(), signal: ctrl.signal });
    await expect(p).rejects.toThrow(AbortError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('layout-aware CNN plans: NHWC as is, NCHW behind a Permute, [H, W] behind a Reshape', () => {
    const nhwc = planStudent({ kind: 'cnn', filters: [4] }, [8, 8, 3], 2, 'NHWC');
    expect(nhwc.layers.map((l) => l.type)).toEqual(['conv2d', 'maxPool2d', 'flatten', 'dense', 'dense']);
    const nchw = planStudent({ kind: 'cnn', filters: [4] }, [3, 8, 8], 2, 'NCHW');
    expect(nchw.layers[0]).toMatchObject({ type: 'permute', dims: [2, 3, 1] });
    expect(nchw.layers[1]).toMatchObject({ type: 'conv2d', inChannels: 3 });
    const gray = planStudent({ kind: 'cnn', filters: [4, 4] }, [8, 8], 2, 'NHWC');
    expect(gray.layers[0]).toMatchObject({ type: 'reshape', target: [8, 8, 1] });
    expect(gray.layers.find((l) => l.type === 'dense')).toMatchObject({ inUnits: 2 * 2 * 4 });
    expect(() => planStudent({ kind: 'cnn', filters: [4, 4, 4, 4] }, [8, 8, 1], 2, 'NHWC')).toThrow(ShapeError);
  });
});
