/**
 * `glasswing counterfactual`: named-feature constraints from a CSV header, the closed-form L1-MAD
 * minimum on a linear model (hand derivation, MAD computed here independently), the JSON format,
 * the chart, typed errors and exit codes, and agreement across adapters: the Wachter search with
 * the same seed on reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web and gpujs-cpu gives the
 * same counterfactual (1e-3 relative to each feature's MAD).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '@glasswing/core';
import { pngSize, run, tempDir, writeJson } from './helpers.js';

const dir = tempDir();
const NAMES = ['income', 'debt', 'age', 'years', 'own', 'rent', 'other'];
// Score (logit of class 1 minus class 0): 0.8·income − 1.2·debt + 0.01·age + 0.05·years + 0.5·own − 0.4·rent − 2.5.
const W = [0.8, -1.2, 0.01, 0.05, 0.5, -0.4, 0];
const B = -2.5;

function linearGraph(): unknown {
  return {
    format: 'glasswing-graph', version: 1, name: 'credit-linear',
    inputs: [{ name: 'x', shape: [-1, 7] }], outputs: ['y'],
    nodes: [{ name: 'fc', op: 'Gemm', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { transB: 1 } }],
    initializers: { w: { shape: [2, 7], data: [...W.map(() => 0), ...W] }, b: { shape: [2], data: [0, B] } },
    metadata: {},
  };
}
/** A ReLU MLP whose hidden units are noisy multiples of the linear score (monotone in it overall). */
function mlpGraph(): unknown {
  const r = createRng(7);
  const c = [1, 0.6, -0.8, 1.3, -0.5, 0.9, 0.4, -1.1];
  const noise = [0.15, 0.15, 0.002, 0.01, 0.15, 0.15, 0.15];
  const w1 = c.flatMap((ci) => W.map((w, j) => ci * w + noise[j]! * r.normal()));
  const w2 = [...c.map(() => 0), ...c.map((ci) => Math.sign(ci) * (0.8 + 0.2 * r.uniform()))];
  return {
    format: 'glasswing-graph', version: 1, name: 'credit-mlp',
    inputs: [{ name: 'x', shape: [-1, 7] }], outputs: ['y'],
    nodes: [
      { name: 'fc1', op: 'Gemm', inputs: ['x', 'w1', 'b1'], outputs: ['h'], attrs: { transB: 1 } },
      { name: 'relu', op: 'Relu', inputs: ['h'], outputs: ['r'], attrs: {} },
      { name: 'fc2', op: 'Gemm', inputs: ['r', 'w2', 'b2'], outputs: ['y'], attrs: { transB: 1 } },
    ],
    initializers: {
      w1: { shape: [8, 7], data: w1 }, b1: { shape: [8], data: c.map((ci) => ci * B + 0.3) },
      w2: { shape: [2, 8], data: w2 }, b2: { shape: [2], data: [0, 0] },
    },
    metadata: {},
  };
}
const rng = createRng(3);
const rows = Array.from({ length: 120 }, () => {
  const h = rng.int(3);
  return [2 + rng.normal(), 1 + 0.5 * rng.normal(), 20 + rng.int(50), rng.int(30), h === 0 ? 1 : 0, h === 1 ? 1 : 0, h === 2 ? 1 : 0].map((v) => Number(v.toFixed(3)));
});
const score = (x: number[]) => x.reduce((s, v, j) => s + v * W[j]!, B);
// Example 0 made clearly rejected (class 0) by the linear model.
rows[0] = [1, 1.5, 30, 2, 0, 1, 0];
const label = rows.map((x) => (score(x) > 0 ? 1 : 0));
const csvPath = writeJson(dir, 'credit.csv', [[...NAMES, 'label'].join(','), ...rows.map((r, i) => [...r, label[i]].join(','))].join('\n') + '\n');
const linear = writeJson(dir, 'linear.graph.json', linearGraph());
const mlp = writeJson(dir, 'mlp.graph.json', mlpGraph());

function mad(col: number[]): number {
  const med = (a: number[]) => {
    const s = [...a].sort((p, q) => p - q);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const m = med(col);
  const v = med(col.map((c) => Math.abs(c - m)));
  return v > 0 ? v : 1;
}

interface Out {
  method: string; adapter: string; status: string; message: string; features: string[]; scale: number[];
  desired: { class?: number }; original: { values: number[]; predicted: number; score: number };
  counterfactuals: { values: number[]; changes: { feature: string; index: number; before: number; after: number }[]; predicted: number; score: number; valid: boolean; distances: { l1Mad: number; l2: number; l0: number } }[];
  modelCalls: number; diversity?: { minPairwiseDistance: number };
}
const common = ['--data', csvPath, '--exclude', 'label', '--example', '0', '--categorical', 'housing=own,rent,other', '--integer', 'age,years', '--no-progress'];

describe('glasswing counterfactual', () => {
  it('wachter on a linear model: the closed-form L1-MAD change, named features, chart', async () => {
    const png = join(dir, 'cf.png');
    const svg = join(dir, 'cf.svg');
    // age and years immutable; housing immutable too: only income and debt may move.
    const r = await run(['counterfactual', '--model', linear, ...common, '--immutable', 'age,years,own,rent,other', '--adapter', 'reference', '--png', png, '--svg', svg]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.features).toEqual(NAMES);
    expect(out.status).toBe('found');
    expect(out.desired).toEqual({ class: 1 });
    const mads = [0, 1].map((j) => mad(rows.map((x) => x[j]!)));
    out.scale.slice(0, 2).forEach((s, j) => expect(s).toBeCloseTo(mads[j]!, 5));
    // Closed form: the feature with the largest |w_j|·MAD_j moves by −s₀ / w_j.
    const best = Math.abs(W[0]!) * mads[0]! > Math.abs(W[1]!) * mads[1]! ? 0 : 1;
    const s0 = score(rows[0]!);
    const cf = out.counterfactuals[0]!;
    expect(cf.changes.map((c) => c.feature)).toEqual([NAMES[best]]);
    expect(cf.changes[0]!.before).toBeCloseTo(rows[0]![best]!, 5);
    // Within 1e-3 relative: the search stops just past the boundary (margin 1e-4 · |s₀|).
    expect(Math.abs(cf.changes[0]!.after - (rows[0]![best]! - s0 / W[best]!))).toBeLessThan(1e-3 * Math.abs(s0 / W[best]!));
    expect(cf.predicted).toBe(1);
    expect(cf.distances.l1Mad / (Math.abs(s0) / (Math.abs(W[best]!) * mads[best]!))).toBeCloseTo(1, 3);
    expect(pngSize(new Uint8Array(readFileSync(png))).width).toBeGreaterThan(300);
    expect(readFileSync(svg, 'utf8')).toContain(NAMES[best]);
  });

  it('growing-spheres and dice: valid, constraints by name kept, dice diverse', async () => {
    for (const method of ['growing-spheres', 'dice']) {
      const r = await run(['counterfactual', '--model', mlp, ...common, '--method', method, '--immutable', 'age', '--range', 'income=0..4', '--range', 'debt=0..3', '--count', '3', '--seed', '1', '--adapter', 'reference']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Out;
      expect(out.counterfactuals.length).toBeGreaterThan(0);
      for (const cf of out.counterfactuals) {
        expect(cf.predicted).not.toBe(out.original.predicted);
        expect(cf.values[2]).toBe(out.original.values[2]);
        expect(cf.values[0]!).toBeGreaterThanOrEqual(0);
        expect(cf.values[0]!).toBeLessThanOrEqual(4);
        expect(cf.values[1]!).toBeGreaterThanOrEqual(0);
        expect(cf.values[1]!).toBeLessThanOrEqual(3);
        expect(Number.isInteger(cf.values[3])).toBe(true);
        expect(cf.values.slice(4).sort()).toEqual([0, 0, 1]);
      }
      if (method === 'dice') expect(out.diversity!.minPairwiseDistance).toBeGreaterThan(0);
    }
  });

  it('--input gives the same result as --example; a changed one-hot group is one chart row', async () => {
    const input = writeJson(dir, 'x0.json', rows[0]);
    const svg = join(dir, 'dice.svg');
    const base = ['counterfactual', '--model', mlp, '--data', csvPath, '--exclude', 'label', '--categorical', 'housing=own,rent,other', '--method', 'dice', '--seed', '4', '--adapter', 'reference', '--no-progress'];
    const a = JSON.parse((await run([...base, '--example', '0'])).stdout) as Out;
    const r = await run([...base, '--input', input, '--svg', svg]);
    expect(r.code, r.stderr).toBe(0);
    const b = JSON.parse(r.stdout) as Out;
    expect(b.counterfactuals).toEqual(a.counterfactuals);
    const housing = b.counterfactuals.find((c) => c.changes.some((ch) => ch.feature === 'own' || ch.feature === 'other'));
    expect(housing, 'some counterfactual changes housing').toBeDefined();
    const text = readFileSync(svg, 'utf8');
    expect(text).toContain('>housing<');
    // Bars (two per row) only for the non-categorical changes.
    const plain = b.counterfactuals.reduce((n, c) => n + c.changes.filter((ch) => !['own', 'rent', 'other'].includes(ch.feature)).length, 0);
    expect((text.match(/height="10"/g) ?? []).length).toBe(2 * plain);
  });

  it('usage errors (exit 2), typed errors and not-found (exit 1)', async () => {
    const bad = await run(['counterfactual', '--model', linear, ...common, '--immutable', 'salary', '--adapter', 'reference']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/'salary' is not a feature/);
    expect((await run(['counterfactual', '--model', linear, '--data', csvPath, '--exclude', 'label', '--no-progress'])).code).toBe(2);
    const desired = await run(['counterfactual', '--model', linear, ...common, '--desired', '5', '--adapter', 'reference']);
    expect(desired.code).toBe(1);
    expect(desired.stderr).toMatch(/desired class 5/);
    const frozen = await run(['counterfactual', '--model', linear, ...common, '--immutable', NAMES.join(','), '--adapter', 'reference']);
    expect(frozen.code).toBe(1);
    expect(frozen.stderr).toMatch(/every feature is immutable/);
    const none = await run(['counterfactual', '--model', linear, ...common, '--method', 'growing-spheres', '--immutable', 'income,debt,age,years', '--adapter', 'reference', '--out', join(dir, 'none.json')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no enemy/);
    expect((JSON.parse(readFileSync(join(dir, 'none.json'), 'utf8')) as Out).status).toBe('not-found');
    expect((await run(['counterfactual', '--help'])).stdout).toContain('--categorical <g=a,b,c>');
  });

  it.each(['tfjs-cpu', 'tfjs-wasm', 'onnx-node', 'onnx-web', 'gpujs-cpu'])('%s agrees with reference (wachter, same seed)', async (adapter) => {
    const args = ['counterfactual', '--model', mlp, ...common, '--range', 'income=0..5', '--seed', '2'];
    const ref = JSON.parse((await run([...args, '--adapter', 'reference'])).stdout) as Out;
    const r = await run([...args, '--adapter', adapter]);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as Out;
    expect(got.adapter).toBe(adapter);
    expect(got.status).toBe('found');
    expect(got.counterfactuals[0]!.changes.map((c) => c.feature)).toEqual(ref.counterfactuals[0]!.changes.map((c) => c.feature));
    got.counterfactuals[0]!.values.forEach((v, j) => expect(Math.abs(v - ref.counterfactuals[0]!.values[j]!)).toBeLessThan(1e-3 * ref.scale[j]! + 1e-6));
  });
});



describe('glasswing report: Counterfactuals section', () => {
  it('a tabular model gets the section with the before/after chart and the change table', async () => {
    const input = writeJson(dir, 'rows.json', rows.slice(0, 12));
    const out = join(dir, 'report.html');
    const r = await run(['report', '--model', mlp, '--input', input, '--examples', '2', '--methods', 'saliency', '--adapter', 'reference', '--out', out, '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<section id="counterfactuals">');
    expect(html).toMatch(/alt="counterfactual wachter"/);
    expect(html).toMatch(/alt="counterfactual dice"/);
    expect(html).toContain('<th>feature</th>');
  });
});
