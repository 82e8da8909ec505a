/**
 * `glasswing influence`: TracIn scores equal the closed form computed here in float64 from the
 * graph's weights (independent forward pass); checkpoints sum η-weighted; self-influence on the
 * credit demo model ranks label-flipped rows (its labels disagree with the generating rule in
 * meta.json) far above their 4.8 % base rate; the gallery picture; usage errors; and agreement
 * across adapters (reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web, gpujs-cpu) on the credit model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRng } from '@glasswing/core';
import { pngSize, run, tempDir, writeJson } from './helpers.js';

const CREDIT = fileURLToPath(new URL('../../../../apps/demo/credit/', import.meta.url));
const MODEL = join(CREDIT, 'model.json');
const DATA = join(CREDIT, 'data.csv');
const LABELS = join(CREDIT, 'labels.csv');
const dir = tempDir();

interface Entry { index: number; score: number; label?: number; values?: Record<string, number> }
interface Out {
  method: string; adapter: string; layer: string; trainRows: number; checkpoints: { file: string; lr: number }[];
  tests: { index: number | null; label: number; predicted: number; proponents: Entry[]; opponents: Entry[]; neighbours?: Entry[] }[];
  selfInfluence?: { top: Entry[]; scores: number[] }; modelCalls: number;
}

function mlp(seed: number): { json: unknown; w1: number[]; b1: number[]; w2: number[]; b2: number[] } {
  const r = createRng(seed);
  const v = (n: number, s: number) => Array.from({ length: n }, () => Math.fround(s * r.normal()));
  const w1 = v(5 * 3, 0.8), b1 = v(5, 0.3), w2 = v(3 * 5, 0.8), b2 = v(3, 0.3);
  return {
    w1, b1, w2, b2,
    json: {
      format: 'glasswing-graph', version: 1, name: 'mlp', inputs: [{ name: 'x', shape: [-1, 3] }], outputs: ['y'],
      nodes: [
        { name: 'fc1', op: 'Gemm', inputs: ['x', 'w1', 'b1'], outputs: ['h'], attrs: { transB: 1 } },
        { name: 'relu', op: 'Relu', inputs: ['h'], outputs: ['r'], attrs: {} },
        { name: 'fc2', op: 'Gemm', inputs: ['r', 'w2', 'b2'], outputs: ['y'], attrs: { transB: 1 } },
      ],
      initializers: { w1: { shape: [5, 3], data: w1 }, b1: { shape: [5], data: b1 }, w2: { shape: [3, 5], data: w2 }, b2: { shape: [3], data: b2 } },
      metadata: {},
    },
  };
}
/** Penultimate activations and p − y in float64, by hand. */
function grad(m: ReturnType<typeof mlp>, x: number[], y: number | undefined): { a: number[]; e: number[]; pred: number } {
  const a = m.b1.map((b, u) => Math.max(0, b + x.reduce((s, xv, j) => s + m.w1[u * 3 + j]! * xv, 0)));
  const z = m.b2.map((b, k) => b + a.reduce((s, av, u) => s + m.w2[k * 5 + u]! * av, 0));
  const mx = Math.max(...z);
  const ex = z.map((v) => Math.exp(v - mx));
  const sum = ex.reduce((s, v) => s + v, 0);
  const pred = z.indexOf(mx);
  return { a, e: ex.map((v, k) => v / sum - (k === (y ?? pred) ? 1 : 0)), pred };
}
const dot = (a: number[], b: number[]) => a.reduce((s, v, j) => s + v * b[j]!, 0);
const rng = createRng(9);
const X = Array.from({ length: 40 }, () => [rng.normal(), rng.normal(), rng.normal()].map((v) => Number(v.toFixed(3))));
const Y = X.map((_, i) => i % 3);
const csv = writeJson(dir, 'train.csv', ['a,b,c', ...X.map((r) => r.join(','))].join('\n') + '\n');
const labels = writeJson(dir, 'labels.json', Y);
const m1 = mlp(1);
const m2 = mlp(2);
const g1 = writeJson(dir, 'cp1.json', m1.json);
const g2 = writeJson(dir, 'cp2.json', m2.json);

describe('glasswing influence', () => {
  it('tracin scores equal the closed form by hand; checkpoints sum η-weighted; JSON format', async () => {
    const r = await run(['influence', '--model', g2, '--train', csv, '--train-labels', labels, '--example', '7', '--top-k', '40', '--checkpoint', g1, '--checkpoint', g2, '--lr', '0.5', '--lr', '2', '--adapter', 'reference', '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.layer).toBe('relu');
    expect(out.checkpoints).toEqual([{ file: g1, lr: 0.5 }, { file: g2, lr: 2 }]);
    const t = out.tests[0]!;
    expect(t.index).toBe(7);
    const pred = grad(m2, X[7]!, undefined).pred;
    expect(t.predicted).toBe(pred);
    const score = (i: number) => [[m1, 0.5], [m2, 2]].reduce((s, [m, lr]) => {
      const tr = grad(m as typeof m1, X[i]!, Y[i]);
      const te = grad(m as typeof m1, X[7]!, pred);
      return s + (lr as number) * (dot(tr.a, te.a) + 1) * dot(tr.e, te.e);
    }, 0);
    const all = [...t.proponents, ...t.opponents];
    expect(all.length).toBeGreaterThan(35);
    for (const e of all) expect(e.score).toBeCloseTo(score(e.index), 4);
    expect(t.proponents[0]!.values).toEqual({ a: X[t.proponents[0]!.index]![0], b: X[t.proponents[0]!.index]![1], c: X[t.proponents[0]!.index]![2] });
    expect(t.proponents[0]!.label).toBe(Y[t.proponents[0]!.index]);
  });

  it('neighbours and --input; usage errors', async () => {
    const input = writeJson(dir, 'x.json', [X[5], X[9]]);
    const r = await run(['influence', '--model', g1, '--train', csv, '--input', input, '--method', 'neighbours', '--metric', 'l2', '--top-k', '1', '--adapter', 'reference', '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.tests.map((t) => [t.index, t.neighbours![0]!.index])).toEqual([[null, 5], [null, 9]]);
    expect(out.tests[0]!.neighbours![0]!.score).toBeCloseTo(0, 5);
    expect((await run(['influence', '--model', g1, '--train', csv, '--example', '0', '--no-progress'])).code).toBe(2);
    const lr = await run(['influence', '--model', g1, '--train', csv, '--train-labels', labels, '--example', '0', '--checkpoint', g1, '--checkpoint', g2, '--lr', '1', '--lr', '2', '--lr', '3']);
    expect(lr.code).toBe(2);
    expect(lr.stderr).toMatch(/3 --lr values for 2 --checkpoint/);
    const bad = writeJson(dir, 'bad-labels.json', Y.map(() => 7));
    const cls = await run(['influence', '--model', g1, '--train', csv, '--train-labels', bad, '--example', '0', '--adapter', 'reference', '--no-progress']);
    expect(cls.code).toBe(1);
    expect(cls.stderr).toMatch(/not a class index/);
    expect((await run(['influence', '--help'])).stdout).toContain('--checkpoint <file>');
  });
});

describe('glasswing influence on the credit demo model', () => {
  it('self-influence ranks label-flipped rows first (far above their base rate); gallery PNG', async () => {
    const png = join(dir, 'self.png');
    const r = await run(['influence', '--model', MODEL, '--train', DATA, '--train-labels', LABELS, '--method', 'self', '--top-k', '20', '--classes', 'deny,approve', '--adapter', 'reference', '--png', png, '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    const rule = (f: Record<string, number>) =>
      (f['late_payments']! <= 1 && f['debt_ratio']! < 0.45 && f['income']! >= 25) || (f['income']! >= 90 && f['late_payments']! <= 3) || (f['savings']! >= 80 && f['debt_ratio']! < 0.6) ? 1 : 0;
    const flipped = out.selfInfluence!.top.filter((e) => rule(e.values!) !== e.label).length;
    // 48 of the 1000 rows (4.8 %) have flipped labels: about 1 expected among 20 by chance.
    expect(flipped).toBeGreaterThanOrEqual(10);
    expect(out.selfInfluence!.scores.length).toBe(1000);
    expect(pngSize(new Uint8Array(readFileSync(png))).width).toBeGreaterThan(600);
  });

  it('--progress on a non-TTY stderr: plain bar lines, then the summary line', async () => {
    const r = await run(['influence', '--model', MODEL, '--train', DATA, '--train-labels', LABELS, '--example', '0', '--adapter', 'reference', '--progress', '--out', join(dir, 'p.json')]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/\x1b/);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^influence \[[#-]+\] +\d+% \d+\/\d+ calls/);
    expect(lines.at(-1)).toMatch(/^influence \(tracin\): 1000 training rows, layer relu2, 18 model calls/);
  });

  const args = ['influence', '--model', MODEL, '--train', DATA, '--train-labels', LABELS, '--example', '3', '--top-k', '5', '--no-progress'];
  it.each(['tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'])('%s agrees with reference (tracin proponents / opponents)', async (adapter) => {
    const ref = JSON.parse((await run([...args, '--adapter', 'reference'])).stdout) as Out;
    const r = await run([...args, '--adapter', adapter]);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as Out;
    expect(got.adapter).toBe(adapter);
    for (const key of ['proponents', 'opponents'] as const) {
      expect(got.tests[0]![key].map((e) => e.index)).toEqual(ref.tests[0]![key].map((e) => e.index));
      got.tests[0]![key].forEach((e, j) => expect(Math.abs(e.score - ref.tests[0]![key][j]!.score)).toBeLessThan(1e-3 * Math.abs(ref.tests[0]![key][j]!.score) + 1e-5));
    }
  });
});

describe('glasswing report: Influence section', () => {
  it('a tabular model gets proponents / opponents of example 0 and a self-influence table', async () => {
    const input = writeJson(dir, 'rows.json', X.slice(0, 30));
    const out = join(dir, 'report.html');
    const r = await run(['report', '--model', g1, '--input', input, '--examples', '2', '--methods', 'saliency', '--adapter', 'reference', '--out', out, '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<section id="influence">');
    expect(html).toContain('alt="influence gallery"');
    expect(html).toContain('<th class="num">self-influence</th>');
    expect(html).toContain('activations of relu');
  });
});

describe('glasswing influence on the demo CNN (images)', () => {
  const CNN = fileURLToPath(new URL('../../../../apps/demo/model/model.json', import.meta.url));
  const r = createRng(4);
  // 30 noise images with a bright bar or plus each; labels the generating shape.
  const images: number[][][][] = [];
  const ys: number[] = [];
  for (let n = 0; n < 30; n++) {
    const img = Array.from({ length: 20 }, () => Array.from({ length: 20 }, () => [0.15 * r.uniform()]));
    const c = n % 3;
    for (let k = 0; k < 6; k++) {
      if (c !== 1) img[5]![11 + k]![0] = 1;
      if (c !== 0) img[3 + k]![13]![0] = 1;
    }
    images.push(img);
    ys.push(c);
  }
  const train = writeJson(dir, 'images.json', images);
  const lab = writeJson(dir, 'image-labels.json', ys);
  const args = ['influence', '--model', CNN, '--train', train, '--train-labels', lab, '--example', '4', '--top-k', '4', '--no-progress'];

  it('gallery of image tiles; onnx-node and tfjs-cpu agree with reference', async () => {
    const png = join(dir, 'cnn.png');
    const ref = await run([...args, '--adapter', 'reference', '--png', png]);
    expect(ref.code, ref.stderr).toBe(0);
    const want = JSON.parse(ref.stdout) as Out;
    expect(want.layer).toBe('relu3');
    expect(want.tests[0]!.proponents.length + want.tests[0]!.opponents.length).toBe(8);
    expect(want.tests[0]!.proponents[0]!.values).toBeUndefined();
    expect(pngSize(new Uint8Array(readFileSync(png))).height).toBeGreaterThan(300);
    for (const adapter of ['onnx-node', 'tfjs-cpu']) {
      const got = JSON.parse((await run([...args, '--adapter', adapter])).stdout) as Out;
      for (const key of ['proponents', 'opponents'] as const) {
        expect(got.tests[0]![key].map((e) => e.index)).toEqual(want.tests[0]![key].map((e) => e.index));
        got.tests[0]![key].forEach((e, j) => expect(Math.abs(e.score - want.tests[0]![key][j]!.score)).toBeLessThan(1e-3 * Math.abs(want.tests[0]![key][j]!.score) + 1e-7));
      }
    }
  });
});
