/**
 * `glasswing distill` on the tabular demo model (apps/demo/credit): fidelity, the saved student
 * loads on every adapter with the training-time outputs, same seed ⇒ same weights file, the tree
 * student, usage errors, help, progress.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { distill, fromTfjsLayers, writeStudent } from '@glasswing/tfjs';
import { openModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { createReferenceModel, graphFromJSON } from '@glasswing/core';
import { convGraphJson, run, tempDir, writeJson } from './helpers.js';

const CREDIT = fileURLToPath(new URL('../../../../apps/demo/credit/', import.meta.url));
const MODEL = join(CREDIT, 'model.json');
const DATA = join(CREDIT, 'data.csv');
const LABELS = join(CREDIT, 'labels.csv');
const dir = tempDir();

interface Report {
  student: string;
  model: string | null;
  trainRows: number;
  holdoutRows: number;
  architecture: string[];
  fidelity: { metric: string; train: number; holdout: number | null };
  accuracy: { metric: string; student: { holdout: number }; teacher: { holdout: number } } | null;
  size: { teacherParameters: number; studentParameters: number; ratio: number };
  speed: { teacherMsPerExample: number; studentMsPerExample: number; speedup: number; teacherBackend: string; studentBackend: string } | null;
  loss?: number[];
  tree?: { nodes: unknown[] };
  rules?: { text: string }[];
}

function readCredit(): { x: Float32Array; rows: number } {
  const lines = readFileSync(DATA, 'utf8').trim().split('\n').slice(1);
  return { x: Float32Array.from(lines.flatMap((l) => l.split(',').map(Number))), rows: lines.length };
}

describe('glasswing distill', () => {
  it('an MLP student of the credit model: ≥ 95 % held-out fidelity, report fields, student written, summary line', async () => {
    const out = join(dir, 'mlp');
    const report = join(dir, 'report.json');
    const png = join(dir, 'pictures', 'distill.png');
    const svg = join(dir, 'pictures', 'distill.svg');
    const r = await run(['distill', '--model', MODEL, '--data', DATA, '--labels', LABELS, '--student', 'mlp', '--hidden', '16,8', '--epochs', '30', '--augment', '4', '--seed', '1', '--adapter', 'tfjs-cpu', '--out-model', out, '--out', report, '--progress', '--png', png, '--svg', svg]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^distill \[/); // the progress bar (forced by --progress)
    expect(r.stderr).toMatch(/distill: mlp student, fidelity agreement 0\.\d+ on 200 held-out rows, 298 vs \d+ parameters \([\d.e-]+×\), [\d.e+]+× the teacher's speed, [\d.]+ s on tfjs-cpu/);
    const j = JSON.parse(readFileSync(report, 'utf8')) as Report;
    expect(j.student).toBe('mlp');
    expect(j.model).toBe(join(out, 'model.json'));
    expect(existsSync(join(out, 'weights.bin'))).toBe(true);
    expect([j.trainRows, j.holdoutRows]).toEqual([800, 200]);
    expect(j.architecture).toEqual(['dense 8→16 relu', 'dense 16→8 relu', 'dense 8→2 linear']);
    expect(j.fidelity.holdout!).toBeGreaterThanOrEqual(0.95);
    expect(j.accuracy!.metric).toBe('accuracy');
    expect(j.accuracy!.student.holdout).toBeGreaterThan(0.85);
    expect(j.size.studentParameters).toBe(298);
    expect(j.size.ratio).toBeCloseTo(298 / j.size.teacherParameters, 10);
    expect(j.speed!.teacherBackend).toBe('tfjs-cpu');
    expect(j.speed!.studentBackend).toBe('tfjs-cpu');
    expect(j.loss).toHaveLength(30);
    // --png / --svg: the summary picture of this report (a real PNG of the SVG's size at scale 2, with every row).
    const bytes = readFileSync(png);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(bytes.length).toBeGreaterThan(5000);
    const [pw, ph] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    const text = readFileSync(svg, 'utf8');
    const sw = Number(/width="([\d.]+)"/.exec(text)![1]);
    expect(Math.abs(pw - 2 * sw)).toBeLessThanOrEqual(1);
    expect(ph).toBeGreaterThan(600); // four measures and the loss curve
    for (const t of ['fidelity', 'accuracy', 'parameters', 'ms per example', 'training loss', '200 held-out rows', 'dense 8→16 relu', `${(100 * j.fidelity.holdout!).toFixed(1)}%`, `${(100 * j.accuracy!.student.holdout).toFixed(1)}%`, '>298<', `>${j.size.teacherParameters}<`]) {
      expect(text).toContain(t);
    }
  }, 60_000);

  it('the saved student loads on every adapter with the outputs it had in training', async () => {
    const teacher = await fromTfjsLayers(MODEL, { backend: 'cpu' });
    const { x, rows } = readCredit();
    const res = await distill(teacher, { shape: [rows, 8], data: x }, { student: { kind: 'mlp', hidden: [8] }, epochs: 3, seed: 5, timing: false });
    await teacher.dispose();
    const path = await writeStudent(join(dir, 'every'), res.artifacts);
    const idx = Array.from(res.evalRows);
    const batch = { shape: [idx.length, 8], data: Float32Array.from(idx.flatMap((r) => Array.from(x.subarray(r * 8, r * 8 + 8)))) };
    for (const adapter of ['reference', 'tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'] as AdapterId[]) {
      const { model } = await openModel(path, adapter);
      try {
        const y = await model.forward(batch);
        let worst = 0;
        for (let i = 0; i < y.data.length; i++) worst = Math.max(worst, Math.abs(y.data[i]! - res.evalOutputs[i]!) / (1 + Math.abs(res.evalOutputs[i]!)));
        expect(worst, adapter).toBeLessThan(1e-4);
      } finally {
        await model.dispose();
      }
    }
  }, 60_000);

  it('a CNN student of an NCHW teacher takes the teacher\'s input (Permute to channels-last) and loads on every adapter with its training outputs', async () => {
    const teacher = createReferenceModel(graphFromJSON(convGraphJson()));
    expect(teacher.inputShape).toEqual([1, 4, 4]);
    const n = 60;
    const x = Float32Array.from({ length: n * 16 }, (_, i) => Math.sin(i * 1.7) + 0.3 * Math.cos(i * 0.37));
    const res = await distill(teacher, { shape: [n, 1, 4, 4], data: x }, { student: { kind: 'cnn', filters: [2], dense: 4 }, epochs: 2, seed: 1, timing: false });
    expect(res.report.architecture.slice(0, 2)).toEqual(['permute [2, 3, 1] (channels-last)', 'conv2d 3×3 1→2 relu']);
    const path = await writeStudent(join(dir, 'nchw'), res.artifacts);
    const idx = Array.from(res.evalRows);
    const batch = { shape: [idx.length, 1, 4, 4], data: Float32Array.from(idx.flatMap((r) => Array.from(x.subarray(r * 16, r * 16 + 16)))) };
    for (const adapter of ['reference', 'tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'] as AdapterId[]) {
      const { model } = await openModel(path, adapter);
      try {
        expect(model.inputShape).toEqual([1, 4, 4]);
        const y = await model.forward(batch);
        let worst = 0;
        for (let i = 0; i < y.data.length; i++) worst = Math.max(worst, Math.abs(y.data[i]! - res.evalOutputs[i]!) / (1 + Math.abs(res.evalOutputs[i]!)));
        expect(worst, adapter).toBeLessThan(1e-4);
      } finally {
        await model.dispose();
      }
    }
  }, 60_000);

  it('same --seed ⇒ the same weights file; another seed ⇒ another', async () => {
    const args = (seed: string, out: string) => ['distill', '--model', MODEL, '--data', DATA, '--hidden', '4', '--epochs', '1', '--seed', seed, '--adapter', 'tfjs-cpu', '--out-model', join(dir, out)];
    for (const [seed, out] of [['3', 'a'], ['3', 'b'], ['4', 'c']] as const) expect((await run(args(seed, out))).code).toBe(0);
    const w = (d: string) => readFileSync(join(dir, d, 'weights.bin'));
    expect(w('b').equals(w('a'))).toBe(true);
    expect(w('c').equals(w('a'))).toBe(false);
  }, 60_000);

  it('--student tree: the surrogate tree as student, with rules, fidelity, size and speed', async () => {
    const svg = join(dir, 'tree.svg');
    const r = await run(['distill', '--model', MODEL, '--data', DATA, '--labels', LABELS, '--student', 'tree', '--max-depth', '4', '--min-leaf', '10', '--classes', 'deny,approve', '--adapter', 'reference', '--svg', svg]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^distill: tree student, fidelity agreement 0\.\d+ on 200 held-out rows, \d+ vs \d+ parameters/);
    const j = JSON.parse(r.stdout) as Report;
    expect(j.student).toBe('tree');
    expect(j.model).toBeNull();
    expect(j.fidelity.holdout!).toBeGreaterThan(0.85);
    expect(j.size.studentParameters).toBe(j.tree!.nodes.length);
    expect(j.rules!.some((x) => /THEN approve/.test(x.text))).toBe(true);
    expect(j.speed!.studentBackend).toMatch(/decision tree/);
    // The picture: no loss curve for a tree; its size in nodes.
    const text = readFileSync(svg, 'utf8');
    expect(text).toContain(`>${j.size.studentParameters}<`);
    expect(text).toContain('decision tree: depth');
    expect(text).not.toContain('training loss');
  }, 60_000);

  it('the demo CNN with JSON image data: a CNN student by default (NHWC), labels as a JSON array', async () => {
    const url = new URL('../../../../apps/demo/scripts/dataset.mjs', import.meta.url).href;
    const { generateDataset } = (await import(url)) as { generateDataset: (o: { count: number; seed: number }) => { images: Float32Array; labels: Int32Array } };
    const ds = generateDataset({ count: 40, seed: 9 });
    const data = writeJson(dir, 'images.json', { shape: [40, 20, 20, 1], data: Array.from(ds.images) });
    const labels = writeJson(dir, 'image-labels.json', Array.from(ds.labels));
    const demo = fileURLToPath(new URL('../../../../apps/demo/model/model.json', import.meta.url));
    const r = await run(['distill', '--model', demo, '--data', data, '--labels', labels, '--filters', '2', '--hidden', '4', '--epochs', '1', '--holdout', '0.25', '--adapter', 'tfjs-cpu', '--out-model', join(dir, 'cnn-student')]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Report;
    expect(j.student).toBe('cnn');
    expect(j.architecture).toEqual(['conv2d 3×3 1→2 relu', 'maxPool2d 2×2', 'flatten', 'dense 200→4 relu', 'dense 4→3 linear']);
    expect([j.trainRows, j.holdoutRows]).toEqual([30, 10]);
    expect(j.size.studentParameters).toBe(9 * 2 + 2 + 200 * 4 + 4 + 4 * 3 + 3);
    expect(j.accuracy!.teacher.holdout).toBeGreaterThan(0.5);
  }, 60_000);

  it('--architecture: a user-given layer list', async () => {
    const arch = writeJson(dir, 'arch.json', [{ type: 'dense', units: 6, activation: 'tanh' }]);
    const r = await run(['distill', '--model', MODEL, '--data', DATA, '--architecture', arch, '--epochs', '1', '--adapter', 'tfjs-cpu', '--out-model', join(dir, 'arch')]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Report).architecture).toEqual(['dense 8→6 tanh', 'dense 6→2 linear']);
  }, 60_000);

  it('usage errors and typed errors; --help', async () => {
    const base = ['distill', '--model', MODEL, '--data', DATA];
    const expectUsage = async (args: string[], msg: RegExp) => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
    };
    await expectUsage(base, /--out-model/);
    await expectUsage([...base, '--out-model', dir, '--temperature', '0'], /--temperature must be > 0/);
    await expectUsage([...base, '--out-model', dir, '--hard-weight', '0.5'], /--hard-weight needs --labels/);
    await expectUsage([...base, '--student', 'tree', '--out-model', dir], /--out-model is for network students/);
    await expectUsage([...base, '--out-model', dir, '--student', 'svm'], /--student/);
    await expectUsage([...base, '--student', 'tree', '--hidden', '4'], /not --student tree/);
    await expectUsage([...base, '--out-model', dir, '--hidden', '8,x'], /--hidden/);
    const cnn = await run([...base, '--out-model', join(dir, 'cnn'), '--student', 'cnn', '--adapter', 'reference']);
    expect(cnn.code).not.toBe(0);
    expect(cnn.stderr).toMatch(/image input/);
    const bad = writeJson(dir, 'bad-labels.json', [0, 1]);
    const lab = await run([...base, '--out-model', dir, '--labels', bad]);
    expect(lab.code).not.toBe(0);
    expect(lab.stderr).toMatch(/has 2 labels but the data has 1000 rows/);
    const h = await run(['distill', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^Usage: glasswing distill/);
    for (const flag of ['--labels', '--student', '--hidden', '--filters', '--architecture', '--temperature', '--hard-weight', '--epochs', '--batch-size', '--learning-rate', '--augment', '--holdout', '--seed', '--out-model', '--out', '--png', '--svg']) expect(h.stdout).toContain(flag);
  }, 60_000);
});
